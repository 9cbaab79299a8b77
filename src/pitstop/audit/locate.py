"""Spans for parts of a value: the fragment of a ``run:`` script a finding is about, on its own
line and column in the file, whatever the scalar's style (plain, quoted, ``|`` or ``>``)."""

from __future__ import annotations

from pitstop.errors import Span
from pitstop.workflow.yaml import Node, YamlDocument, span_of


def offset_span(doc: YamlDocument, start: int, end: int) -> Span:
    """The span of ``doc.text[start:end]``."""
    return text_span(doc.path, doc.text, start, end)


def text_span(path: str, text: str, start: int, end: int, known: tuple[int, int] = (1, 0)) -> Span:
    """The span of ``text[start:end]`` in the file at ``path`` (any text file, not only YAML).
    ``known`` is a line and an offset on it at or before ``start``, to count lines from."""
    line = known[0] + text.count("\n", known[1], start)
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = line + text.count("\n", start, end)
    end_column = end - (text.rfind("\n", 0, end) + 1) + 1
    return Span(path, line, column, end_line, end_column, start, end)


def fragment_span(doc: YamlDocument, node: Node, fragment: str, after: int = 0) -> Span:
    """Where ``fragment`` stands inside ``node``'s text, searching from character ``after`` of
    the node; the node's own span when the fragment is not written there as it is (escapes)."""
    start = node.start
    found = doc.text.find(fragment, start.offset + after, node.end.offset)
    if found < 0:
        return span_of(doc.path, node)
    # lines counted from the node's own line, not from the top of the file
    known = (start.line, start.offset)
    return text_span(doc.path, doc.text, found, found + len(fragment), known)


class Lines:
    """A text's line starts, to turn another tool's ``line:column`` (1-based, in characters)
    into a span with offsets, and to read a line by its number."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.starts = [0]
        for line in text.split("\n")[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def offset(self, line: int, column: int) -> int:
        """Where ``line:column`` is in the text; positions past the text are held at its end."""
        if line > len(self.starts):
            return len(self.text)
        return min(self.starts[max(line, 1) - 1] + max(column, 1) - 1, len(self.text))

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) without its line feed; "" past the end."""
        if not 0 < number <= len(self.starts):
            return ""
        begin = self.starts[number - 1]
        stop = self.text.find("\n", begin)
        return self.text[begin : len(self.text) if stop < 0 else stop]

    def span(self, line: int, column: int, end_line: int, end_column: int) -> Span:
        start = self.offset(line, column)
        end = max(start, self.offset(end_line, end_column))
        return Span(self.path, line, column, end_line, end_column, start, end)
