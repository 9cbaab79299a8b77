"""Inline ignores: ``# pitstop: ignore[rule-id] reason`` on the offending line, or on the line of
a key that encloses it (the step's ``- name:``, the ``run:`` key, the job's key), or on any line
of the step it points into, silences that rule there. Several ids may be given,
comma-separated; another linter's rules are named as the report names them
(``zizmor/artipacked``).

zizmor's own ``# zizmor: ignore[template-injection]`` is honoured too, for zizmor's rule and for
pitstop's rules that report the same problem (the merge table of ``--with zizmor``): a
maintainer who reviewed a finding once should not meet it again from pitstop."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pitstop.audit.findings import Finding
from pitstop.workflow.yaml import MappingNode, Node, SequenceNode, YamlDocument

_IGNORE = re.compile(r"#\s*(pitstop|zizmor):\s*ignore\[([A-Za-z0-9_,/\s-]+)\]")


def ignore_comments(text: str) -> dict[int, set[str]]:
    """Line number -> the rule ids an ignore comment on that line names."""
    from pitstop.audit.linters.merge import SAME

    found: dict[int, set[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "pitstop:" not in line and "zizmor:" not in line:
            continue
        for match in _IGNORE.finditer(line):
            names = [part.strip() for part in match.group(2).split(",") if part.strip()]
            if match.group(1) == "zizmor":
                names = [
                    rule
                    for name in names
                    for rule in (f"zizmor/{name}", *SAME.get(f"zizmor/{name}", ()))
                ]
            found.setdefault(number, set()).update(names)
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


def step_lines(doc: YamlDocument, offset: int) -> range:
    """The lines of the innermost list item holding ``offset`` when it is a mapping (a step):
    zizmor puts its finding, and so its ignore comment, on the input that causes it
    (pydantic's `enable-cache: true # zizmor: ignore[cache-poisoning]`), where pitstop
    points at the step's action."""
    found = range(0)
    node = doc.root
    while isinstance(node, (MappingNode, SequenceNode)):
        if isinstance(node, MappingNode):
            node = next(
                (v for k, v in node.items() if v.start.offset <= offset <= v.end.offset), None
            )
            continue
        item = next((i for i in node.items if i.start.offset <= offset <= i.end.offset), None)
        if isinstance(item, MappingNode):
            found = range(item.start.line, item.end.line + 1)
        node = item
    return found


def is_ignored(finding: Finding, doc: YamlDocument | None, comments: dict[int, set[str]]) -> bool:
    if not comments:
        return False
    lines = {finding.span.line}
    if doc is not None:
        lines.update(enclosing_lines(doc, finding.span.start))
        lines.update(step_lines(doc, finding.span.start))
    return any(finding.rule in comments.get(line, ()) for line in lines)
