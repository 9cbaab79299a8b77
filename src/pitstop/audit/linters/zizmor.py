"""zizmor (https://docs.zizmor.sh): GitHub Actions security audits, run offline.

pitstop runs ``zizmor --offline --format json`` on the workflows and local actions it audits.
``--offline`` keeps the audit local and repeatable: zizmor's online audits (known-vulnerable
actions, impostor commits) need GitHub's API; run zizmor itself with a token for those. zizmor's
own ignore comments and ``zizmor.yml`` still apply: findings it marks ignored are dropped.

Exit codes (zizmor's docs, "Usage", Exit codes): 0 no findings, 1 an error, 10 to 14 findings
whose highest severity is unknown, informational, low, medium or high.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from pitstop.audit.findings import Finding
from pitstop.audit.linters import Linter, LinterError, Output, execute, version
from pitstop.audit.locate import Lines

SEVERITY = {"High": "high", "Medium": "medium", "Low": "low", "Informational": "low"}
CONFIDENCE = {"High": "high", "Medium": "medium", "Low": "low"}


def run(
    program: str, workflows: Sequence[str], actions: Sequence[str], texts: Mapping[str, str]
) -> Output:
    paths = [*workflows, *actions]
    out = execute("zizmor", [program, "--offline", "--format", "json", *paths], (0, *range(10, 15)))
    try:
        data = json.loads(out or "[]")
    except json.JSONDecodeError as error:
        raise LinterError(f"--with zizmor: zizmor printed what is not JSON ({error.msg})") from None
    if not isinstance(data, list):
        raise LinterError("--with zizmor: zizmor printed JSON that is not a list of findings")
    lines = {os.path.abspath(path): Lines(path, texts.get(path, "")) for path in paths}
    findings = [f for item in data if (f := _finding(item, lines)) is not None]
    return Output(version(program, "--version"), len(paths), findings)


def _finding(item: Any, lines: Mapping[str, Lines]) -> Finding | None:
    if not isinstance(item, dict) or item.get("ignored"):
        return None
    places = [p for p in item.get("locations") or [] if isinstance(p, dict)]
    primary = next((p for p in places if _get(p, "symbolic", "kind") == "Primary"), None)
    place = primary or (places[0] if places else None)
    if place is None:
        return None
    local = _get(place, "symbolic", "key", "Local") or {}
    path = os.path.abspath(str(local.get("given_path") or local.get("verbatim_path") or ""))
    where = _get(place, "concrete", "location")
    if path not in lines or not isinstance(where, dict):
        return None  # a remote input, or a file pitstop did not ask about
    start, end = where.get("start_point") or {}, where.get("end_point") or {}
    text = lines[path]
    line, end_line = start.get("row", 0) + 1, end.get("row", 0) + 1
    column = _characters(text, line, start.get("column", 0)) + 1
    end_column = _characters(text, end_line, end.get("column", 0)) + 1
    ident = str(item.get("ident", "unknown"))
    determinations = item.get("determinations") or {}
    annotation = _get(place, "symbolic", "annotation")
    message = str(item.get("desc", ident)) + (f": {annotation}" if annotation else "")
    return Finding(
        rule=f"zizmor/{ident}",
        category="security",
        severity=SEVERITY.get(str(determinations.get("severity")), "low"),
        confidence=CONFIDENCE.get(str(determinations.get("confidence")), "low"),
        message=message,
        span=text.span(line, column, max(line, end_line), end_column),
        source="zizmor",
        help=str(item.get("url") or ""),
    )


def _characters(text: Lines, line: int, column: int) -> int:
    """zizmor counts columns in bytes (tree-sitter points); pitstop counts characters."""
    return len(text.line(line).encode()[:column].decode(errors="ignore"))


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


LINTER = Linter(
    name="zizmor",
    install="pip install 'pitstop[lint]', or pip install zizmor",
    categories=("security",),
    run=run,
)
