"""Inline ignores: ``# pitstop: ignore[rule-id] reason`` on the offending line, or on the line of
a key that encloses it (the step's ``- name:``, the ``run:`` key, the job's key), silences that
rule there. Several ids may be given, comma-separated; another linter's rules are named as the
report names them (``zizmor/artipacked``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pitstop.audit.findings import Finding
from pitstop.workflow.yaml import MappingNode, Node, SequenceNode, YamlDocument

_IGNORE = re.compile(r"#\s*pitstop:\s*ignore\[([A-Za-z0-9_,/\s-]+)\]")


def ignore_comments(text: str) -> dict[int, set[str]]:
    """Line number -> the rule ids an ignore comment on that line names."""
    found: dict[int, set[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "pitstop:" not in line:
            continue
        for match in _IGNORE.finditer(line):
            found.setdefault(number, set()).update(
                part.strip() for part in match.group(1).split(",") if part.strip()
            )
    return found


def enclosing_lines(doc: YamlDocument, offset: int) -> list[int]:
    """Lines of the keys (and sequence items) that enclose ``offset``, below the top level."""
    lines: list[int] = []
    if doc.root is not None:
        for depth, line in _walk(doc.root, offset, 0):
            if depth > 0:
                lines.append(line)
    return lines


def _walk(node: Node, offset: int, depth: int) -> Iterator[tuple[int, int]]:
    if isinstance(node, MappingNode):
        for key, value in node.items():
            if value.start.offset <= offset <= value.end.offset or key.start.offset == offset:
                yield depth, key.start.line
                yield from _walk(value, offset, depth + 1)
                return
    elif isinstance(node, SequenceNode):
        for item in node.items:
            if item.start.offset <= offset <= item.end.offset:
                yield depth, item.start.line
                yield from _walk(item, offset, depth + 1)
                return


def is_ignored(finding: Finding, doc: YamlDocument | None, comments: dict[int, set[str]]) -> bool:
    if not comments:
        return False
    lines = {finding.span.line}
    if doc is not None:
        lines.update(enclosing_lines(doc, finding.span.start))
    return any(finding.rule in comments.get(line, ()) for line in lines)
