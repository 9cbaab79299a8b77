"""Edits to a workflow's text at the spans of its nodes, each paired with the change it means to
the parsed document, so that the result can be checked to differ only there.

A ``Patch`` belongs to one file. Its helpers insert an entry into a block mapping, delete one,
replace a scalar or part of one; each records the text edit and the ``Change`` (a path into the
document and the value it gets, or ``DELETE``). Anything the helpers cannot do without touching
text they do not own (flow collections, block scalars, keys sharing a line with ``-``) raises
``CannotFix``: the finding stays, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pitstop.fix.render import Folded, entry, flow, scalar
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, YamlDocument

Path = tuple[str | int, ...]
DELETE: Any = object()  # the value of a Change that removes the key


class CannotFix(Exception):
    """A fix that cannot be made here; the message says why."""


@dataclass(frozen=True)
class Edit:
    start: int  # character offsets into the text; start == end inserts
    end: int
    text: str

    def touches(self, other: Edit) -> bool:
        """Overlapping, or meeting at a point: such edits are not applied in one pass."""
        return max(self.start, other.start) <= min(self.end, other.end)


@dataclass(frozen=True)
class Change:
    path: Path
    value: Any  # the new value, or DELETE

    def overlaps(self, other: Change) -> bool:
        shorter = min(len(self.path), len(other.path))
        return self.path[:shorter] == other.path[:shorter]


@dataclass
class Patch:
    doc: YamlDocument
    edits: list[Edit] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.doc.path

    # -- where things are ------------------------------------------------------------------------

    def node_path(self, node: Node) -> Path:
        found = _paths(self.doc).get(id(node))
        if found is None:
            raise CannotFix("the node is not part of the document")
        return found

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.doc.text else "\n"

    @property
    def unit(self) -> str:
        """The document's indentation step, from its first nested block mapping (default 2)."""
        return " " * _indent_unit(self.doc)

    # -- edits -----------------------------------------------------------------------------------

    def replace_scalar(self, node: Node, value: Any, comment: str | None = None) -> None:
        """Give a one-line scalar (or one-line flow collection) a new value, in its own quoting
        style; with ``comment``, set the line's trailing comment (when nothing but a comment
        follows the value)."""
        one_line = node.start.line == node.end.line
        if not one_line or not (isinstance(node, ScalarNode) or self.is_flow(node)):
            raise CannotFix("the value is not written on one line")
        text = self.doc.text
        first = text[node.start.offset]
        if first in "|>":
            raise CannotFix("the value is a block scalar")
        quote = first if first in "'\"" else ""
        if isinstance(value, (dict, list)):
            written = flow(value)
        else:
            written = scalar(value, self._in_flow(node), quote)
        self.edits.append(Edit(node.start.offset, node.end.offset, written))
        if comment is not None:
            after = node.end.offset
            end = _line_end(text, after)
            rest = text[after:end].rstrip("\r")
            if rest.strip() == "" or rest.lstrip().startswith("#"):
                self.edits.append(Edit(after, after + len(rest), f" # {comment}"))
        self.changes.append(Change(self.node_path(node), value))

    def edit_scalar(self, node: Node, start: int, end: int, text: str, value: Any) -> None:
        """Replace ``doc.text[start:end]``, inside scalar ``node``, by ``text``; ``value`` is
        what the scalar must read afterwards (the re-parse checks it)."""
        if not isinstance(node, ScalarNode):
            raise CannotFix("the value is not a scalar")
        if not (node.start.offset <= start <= end <= node.end.offset):
            raise CannotFix("the edit is outside the value")
        self.edits.append(Edit(start, end, text))
        self.changes.append(Change(self.node_path(node), value))

    def replace_fragment(self, node: Node, start: int, end: int, text: str) -> None:
        """Replace ``doc.text[start:end]``, a fragment of scalar ``node`` written as it reads
        (no escapes, no line folding inside it), by ``text``; the scalar's value changes at the
        same occurrence of the fragment."""
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            raise CannotFix("the value is not a string")
        if not (node.start.offset <= start <= end <= node.end.offset):
            raise CannotFix("the edit is outside the value")
        source = self.doc.text
        fragment = source[start:end]
        nth = source.count(fragment, node.start.offset, start) if fragment else 0
        value = node.value
        at = -1
        for _ in range(nth + 1):
            at = value.find(fragment, at + 1)
            if at < 0:
                raise CannotFix("the fragment is not written as it reads")
        self.edit_scalar(node, start, end, text, value[:at] + text + value[at + len(fragment) :])

    def insert_entry(
        self,
        mapping: Node,
        key: str,
        value: Any,
        after: tuple[str, ...] = (),
        before: tuple[str, ...] = (),
        spaced: bool = False,
    ) -> None:
        """Add ``key: value`` to a block mapping: after the first key of ``after`` whose value
        is a one-line scalar, else before the first key of ``before`` that starts its line, else
        wherever the mapping allows, in its own indentation. ``spaced``: when it goes before a
        key that follows a blank line, a blank line follows it too (top-level keys)."""
        if not isinstance(mapping, MappingNode):
            raise CannotFix("the value is not a mapping")
        if key in mapping:
            raise CannotFix(f"'{key}' is already there")
        if self.is_flow(mapping):
            self._insert_in_flow(mapping, key, value)
            return
        text = self.doc.text
        own = self._own_keys(mapping)
        if not own:
            raise CannotFix("the mapping is empty")
        indent = " " * (min(k.start.column for k in own.values()) - 1)
        lines = entry(key, value, indent, self.unit, self.newline)
        names = list(own)
        candidates = [("after", k) for k in after] + [("before", k) for k in before]
        candidates += [("after", k) for k in reversed(names)] + [("before", k) for k in names]
        for where, name in candidates:
            if name not in own:
                continue
            if where == "before" and _starts_line(text, own[name].start.offset):
                at = _line_start(text, own[name].start.offset)
                previous = text[_line_start(text, max(0, at - 1)) : at]
                blank = at > 0 and previous.strip() == ""
                self.edits.append(Edit(at, at, lines + (self.newline if spaced and blank else "")))
                break
            value_node = mapping.values[name]
            if where == "after" and self._block_scalar(value_node):
                at = value_node.end.offset  # a block scalar ends at the start of a line
                self.edits.append(Edit(at, at, lines))
                break
            if where == "after" and self._ends_line(value_node):
                end = _line_end(text, value_node.end.offset)
                if end == len(text):
                    self.edits.append(Edit(end, end, self.newline + lines.rstrip("\r\n")))
                else:
                    self.edits.append(Edit(end + 1, end + 1, lines))
                break
        else:
            raise CannotFix("no line of the mapping to add a key next to")
        meaning = value.text if isinstance(value, Folded) else value
        self.changes.append(Change((*self.node_path(mapping), key), meaning))

    def _insert_in_flow(self, mapping: MappingNode, key: str, value: Any) -> None:
        """``, key: value`` before the closing brace of a one-line flow mapping."""
        if mapping.start.line != mapping.end.line or isinstance(value, (dict, list)):
            raise CannotFix("the mapping is written in flow style over several lines")
        close = mapping.end.offset - 1
        if self.doc.text[close] != "}":
            raise CannotFix("the flow mapping does not end where it should")
        pair = f"{scalar(key, True)}: {scalar(value, True)}"
        self.edits.append(Edit(close, close, f", {pair}" if len(mapping) else pair))
        self.changes.append(Change((*self.node_path(mapping), key), value))

    def delete_entry(self, mapping: Node, key: str) -> None:
        """Remove a ``key: value`` line (the key starting its line, the value one line)."""
        if not isinstance(mapping, MappingNode) or key not in mapping:
            raise CannotFix(f"there is no '{key}' to remove")
        text = self.doc.text
        name = mapping.keys[key]
        value = mapping.values[key]
        if self.is_flow(mapping) or not _starts_line(text, name.start.offset):
            raise CannotFix(f"'{key}' shares its line with other YAML")
        if not self._ends_line(value):
            raise CannotFix(f"the value of '{key}' is more than one line")
        end = _line_end(text, value.end.offset)
        self.edits.append(Edit(_line_start(text, name.start.offset), min(end + 1, len(text)), ""))
        self.changes.append(Change((*self.node_path(mapping), key), DELETE))

    def append_item(self, sequence: Node, value: str | int | float | bool) -> None:
        """Add a scalar after the last item of a sequence: a ``- value`` line in block style,
        in the items' own indentation, or ``, value`` in a one-line flow sequence."""
        if not isinstance(sequence, SequenceNode) or not sequence.items:
            raise CannotFix("the value is not a sequence with items")
        grown = [*(item.to_python() for item in sequence.items), value]
        text = self.doc.text
        last = sequence.items[-1]
        if self.is_flow(sequence):
            if sequence.start.line != sequence.end.line:
                raise CannotFix("the sequence is written in flow style over several lines")
            self.edits.append(Edit(last.end.offset, last.end.offset, f", {scalar(value, True)}"))
        else:
            start = _line_start(text, last.start.offset)
            prefix = text[start : last.start.offset]
            if prefix.strip() != "-" or not self._ends_line(last):
                raise CannotFix("the last item shares its lines with other YAML")
            end = _line_end(text, last.end.offset)
            line = prefix + scalar(value, False)
            if end == len(text):
                self.edits.append(Edit(end, end, self.newline + line))
            else:
                self.edits.append(Edit(end + 1, end + 1, line + self.newline))
        self.changes.append(Change(self.node_path(sequence), grown))

    def delete_item(self, sequence: Node, index: int) -> None:
        """Remove item ``index`` of a sequence: its ``- item`` line in block style, or the item
        from a one-line flow sequence."""
        if not isinstance(sequence, SequenceNode) or not 0 <= index < len(sequence.items):
            raise CannotFix("there is no such item to remove")
        kept = [item.to_python() for n, item in enumerate(sequence.items) if n != index]
        text = self.doc.text
        items = sequence.items
        item = items[index]
        if self.is_flow(sequence):
            if len(items) == 1:
                start, end = item.start.offset, item.end.offset
            elif index + 1 < len(items):
                start, end = item.start.offset, items[index + 1].start.offset
            else:
                start, end = items[index - 1].end.offset, item.end.offset
            self.edits.append(Edit(start, end, ""))
            self.changes.append(Change(self.node_path(sequence), kept))
            return
        start = _line_start(text, item.start.offset)
        if text[start : item.start.offset].strip() != "-" or not self._ends_line(item):
            raise CannotFix("the item shares its lines with other YAML")
        end = _line_end(text, item.end.offset)
        self.edits.append(Edit(start, min(end + 1, len(text)), ""))
        self.changes.append(Change(self.node_path(sequence), kept))

    # -- text ------------------------------------------------------------------------------------

    def _own_keys(self, mapping: MappingNode) -> dict[str, ScalarNode]:
        """Keys written in this mapping (not merged in from an anchor elsewhere)."""
        return {
            name: key
            for name, key in mapping.keys.items()
            if mapping.start.offset <= key.start.offset < mapping.end.offset
        }

    def is_flow(self, node: Node) -> bool:
        return self.doc.text[node.start.offset : node.start.offset + 1] in ("{", "[")

    def _in_flow(self, node: Node) -> bool:
        """Whether a scalar sits inside a flow collection: a ``[`` or ``{`` opens before it on
        its line and nothing closes it (heuristic; the result is re-parsed anyway)."""
        text = self.doc.text
        before = text[_line_start(text, node.start.offset) : node.start.offset]
        return before.count("[") + before.count("{") > before.count("]") + before.count("}")

    def _block_scalar(self, node: Node) -> bool:
        """A ``|`` or ``>`` scalar that ends where a line starts."""
        text = self.doc.text
        return (
            isinstance(node, ScalarNode)
            and text[node.start.offset : node.start.offset + 1] in ("|", ">")
            and node.end.offset > 0
            and text[node.end.offset - 1] == "\n"
        )

    def _ends_line(self, node: Node) -> bool:
        """A one-line scalar or flow collection followed by nothing but a comment on its line."""
        if not (isinstance(node, ScalarNode) or self.is_flow(node)):
            return False
        if node.start.line != node.end.line:
            return False
        text = self.doc.text
        if text[node.start.offset : node.start.offset + 1] in ("|", ">"):
            return False
        rest = text[node.end.offset : _line_end(text, node.end.offset)].strip()
        return rest == "" or rest.startswith("#")


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_end(text: str, offset: int) -> int:
    """The offset of the line feed ending the line (the text's length on the last line)."""
    found = text.find("\n", offset)
    return len(text) if found < 0 else found


def _starts_line(text: str, offset: int) -> bool:
    return text[_line_start(text, offset) : offset].strip() == ""


@lru_cache(maxsize=16)
def _paths(doc: YamlDocument) -> dict[int, Path]:
    """Each node's path from the root (its first in the file, when an alias repeats it)."""
    found: dict[int, Path] = {}
    stack: list[tuple[Node, Path]] = [(doc.root, ())] if doc.root is not None else []
    while stack:
        node, path = stack.pop()
        if id(node) in found:
            continue
        found[id(node)] = path
        if isinstance(node, MappingNode):
            stack += reversed([(value, (*path, name)) for name, value in node.values.items()])
        elif isinstance(node, SequenceNode):
            stack += reversed([(item, (*path, i)) for i, item in enumerate(node.items)])
    return found


def _indent_unit(doc: YamlDocument) -> int:
    stack = [doc.root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, MappingNode):
            for key, value in node.items():
                if isinstance(value, MappingNode) and value.keys:
                    inner = min(k.start.column for k in value.keys.values())
                    if inner > key.start.column and value.start.line > key.start.line:
                        return inner - key.start.column
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack += node.items
    return 2
