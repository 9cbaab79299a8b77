"""The fields of pitstop's own YAML files (smoke suites, canary configs) as their readers check
them: known keys only, durations, each mistake placed at its ``file:line:col``."""

from __future__ import annotations

from pitstop.durations import parse_duration
from pitstop.errors import PitstopError, Span
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode


def at(path: str, node: Node) -> Span:
    s = node.start
    return Span(path, s.line, s.column, s.line, s.column)


def known(path: str, node: MappingNode, keys: tuple[str, ...], what: str) -> None:
    for key, _ in node.items():
        if key.value not in keys:
            raise PitstopError(
                f"unknown key {key.value!r} in {what} (keys: {', '.join(keys)})", at(path, key)
            )


def text(node: Node | None) -> str:
    return str(node.value) if isinstance(node, ScalarNode) and node.value is not None else ""


def duration(path: str, node: Node | None) -> float | None:
    if node is None:
        return None
    try:
        return parse_duration(text(node))
    except PitstopError as error:
        raise PitstopError(error.message, at(path, node)) from None
