"""YAML read the way GitHub reads workflows, every node keeping where it stands in the file.

PyYAML's composer (libyaml's C parser when present) supplies the node tree and its marks; values
are built here under YAML 1.2 core rules, so ``on``, ``yes``, ``no``, ``off``, ``y`` and ``n``
stay strings, only ``true``/``false`` are booleans and ``010`` is ten. Duplicate keys are errors;
anchors, aliases and ``<<`` merge keys are resolved.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, NamedTuple, TypeAlias

import yaml

from pitstop.errors import PitstopError, Span

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_PLAIN = "!pitstop/plain"
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"

# GitHub's workflow parser's limits (actions/runner, ParseOptions: MaxFileSize 1024 * 1024,
# MaxDepth 50), with its messages (TemplateStrings; reader cases errors-max-file-size and
# errors-matrix-max-depth).
MAX_FILE_SIZE = 1024 * 1024  # characters
MAX_DEPTH = 50  # mappings and sequences inside one another

# The scalar styles in GitHub's words (YamlDotNet's ScalarStyle), for its tag messages.
_STYLES = {"'": "SingleQuoted", '"': "DoubleQuoted", "|": "Literal", ">": "Folded"}


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Marks plain scalars for resolution here instead of PyYAML's YAML 1.1 rules."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


Scalar: TypeAlias = "str | int | float | bool | None"


class Pos(NamedTuple):
    """Where a node starts or ends: 1-based line and column, 0-based character offset."""

    line: int
    column: int
    offset: int


ORIGIN = yaml.error.Mark("", 0, 0, 0, "", 0)


class Node:
    """A YAML node with its place in the file (``start``, ``end``), computed when asked for."""

    __slots__ = ("_end", "_start")

    def __init__(self, start: Any, end: Any) -> None:
        self._start = start  # PyYAML marks: 0-based line and column, character index
        self._end = end

    @property
    def start(self) -> Pos:
        m = self._start
        return Pos(m.line + 1, m.column + 1, m.index)

    @property
    def end(self) -> Pos:
        m = self._end
        return Pos(m.line + 1, m.column + 1, m.index)

    def to_python(self) -> Any:
        raise NotImplementedError


class ScalarNode(Node):
    __slots__ = ("quoted", "raw", "value")

    def __init__(self, value: Scalar, raw: str, quoted: bool, start: Any, end: Any) -> None:
        super().__init__(start, end)
        self.value = value
        self.raw = raw
        self.quoted = quoted

    def to_python(self) -> Scalar:
        return self.value

    def __repr__(self) -> str:
        return f"ScalarNode({self.value!r} @{self.start.line}:{self.start.column})"


class SequenceNode(Node):
    __slots__ = ("items",)

    def __init__(self, items: list[Node], start: Any, end: Any) -> None:
        super().__init__(start, end)
        self.items = items

    def to_python(self) -> list[Any]:
        return [item.to_python() for item in self.items]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class MappingNode(Node):
    """A mapping whose keys are strings; ``keys`` keeps each key's own node for its position."""

    __slots__ = ("keys", "values")

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(start, end)
        self.keys: dict[str, ScalarNode] = {}
        self.values: dict[str, Node] = {}

    def get(self, key: str) -> Node | None:
        return self.values.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def items(self) -> Iterator[tuple[ScalarNode, Node]]:
        for name, value in self.values.items():
            yield self.keys[name], value

    def __len__(self) -> int:
        return len(self.values)

    def to_python(self) -> dict[str, Any]:
        return {name: value.to_python() for name, value in self.values.items()}


class YamlDocument:
    """A parsed file: its path, its text and its root node (``None`` when the file is empty)."""

    __slots__ = ("path", "root", "text")

    def __init__(self, path: str, text: str, root: Node | None) -> None:
        self.path = path
        self.text = text
        self.root = root

    def span(self, node: Node) -> Span:
        return span_of(self.path, node)


def span_of(path: str, node: Node) -> Span:
    s, e = node.start, node.end
    return Span(path, s.line, s.column, e.line, e.column, s.offset, e.offset)


# YAML 1.2 core schema, plain scalars (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = frozenset({".nan", ".NaN", ".NAN"})


def resolve_plain(text: str) -> Scalar:
    """The value of a plain (unquoted, untagged) scalar under the YAML 1.2 core schema."""
    if not text or text[0] in "~nNtTfF":
        if text in _NULLS:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    first = text[0]
    if not (first.isdigit() or first in "+-."):
        return text
    if _INT10.match(text):
        return int(text)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _FLOAT_RE.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text[0] == "-" else math.inf
    if text in _NAN:
        return math.nan
    return text


def _mark_span(path: str, mark: Any) -> Span:
    """The point a PyYAML mark names, as a span."""
    line, column, offset = mark.line + 1, mark.column + 1, mark.index
    return Span(path, line, column, line, column, offset, offset)


class _Builder:
    def __init__(self, path: str, max_depth: int = MAX_DEPTH) -> None:
        self.path = path
        self.done: dict[int, Node] = {}  # aliases share PyYAML nodes; build each once
        self.depth = 0
        self.max_depth = max_depth

    def error(self, message: str, mark: Any) -> PitstopError:
        return PitstopError(message, _mark_span(self.path, mark))

    def build(self, node: Any) -> Node:
        key = id(node)
        built = self.done.get(key)
        if built is not None:
            return built
        if isinstance(node, yaml.ScalarNode):
            built = self.scalar(node)
        else:
            self.depth += 1
            if self.depth > self.max_depth:
                raise PitstopError("Maximum object depth exceeded", Span.file_start(self.path))
            if isinstance(node, yaml.SequenceNode):
                built = SequenceNode(
                    [self.build(item) for item in node.value], node.start_mark, node.end_mark
                )
            else:
                built = self.mapping(node)
            self.depth -= 1
        self.done[key] = built
        return built

    def scalar(self, node: Any) -> ScalarNode:
        raw: str = node.value
        tag = node.tag
        value: Scalar
        if tag == _PLAIN:
            value = resolve_plain(raw)
        elif tag == _STR:
            value = raw
        else:
            value = self.tagged(node, tag, raw)
        quoted = node.style in ("'", '"')
        return ScalarNode(value, raw, quoted, node.start_mark, node.end_mark)

    def tagged(self, node: Any, tag: str, raw: str) -> Scalar:
        """A scalar with an explicit tag, read as GitHub's YAML reader reads it
        (actions/runner, YamlObjectReader.AllowLiteral): `!!str` is text; another tag needs
        a plain scalar whose text is a value of the tag's type under the YAML 1.2 core
        schema; any other tag is refused. Each problem stops the file, as it does there."""
        mark = node.start_mark
        where = f"on line {mark.line + 1} and column {mark.column + 1}"
        style = _STYLES.get(node.style or "")
        if style is not None:
            raise PitstopError(
                f"The scalar style '{style}' {where} is not valid with the tag '{tag}'",
                _mark_span(self.path, mark),
            )
        kinds: dict[str, tuple[type, ...]] = {
            _BOOL: (bool,), _INT: (int,), _FLOAT: (int, float), _NULL: (type(None),)
        }  # fmt: skip
        if tag not in kinds:
            raise PitstopError(f"Unexpected tag '{tag}'", _mark_span(self.path, mark))
        value = resolve_plain(raw)
        fits = isinstance(value, kinds[tag]) and not (tag != _BOOL and isinstance(value, bool))
        if not fits:
            raise PitstopError(
                f"The value '{raw}' {where} is invalid for the type '{tag}'",
                _mark_span(self.path, mark),
            )
        return float(value) if tag == _FLOAT and isinstance(value, int) else value

    def mapping(self, node: Any) -> MappingNode:
        """A mapping. `<<` is an ordinary key: GitHub's reader follows the YAML 1.2 core
        schema, which has no merge key, and its documentation says merge keys are not
        supported ("Reusing workflow configurations", YAML anchors and aliases), so a
        `<<: *defaults` under a job is an unexpected key there, as it is here."""
        result = MappingNode(node.start_mark, node.end_mark)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error("a mapping key must be a string", key_node.start_mark)
            name = key_node.value
            if name in result.values:
                raise self.error(f"'{name}' is already defined", key_node.start_mark)
            result.keys[name] = self.scalar(key_node)
            result.values[name] = self.build(value_node)
        return result


def parse_yaml(
    text: str, path: str, max_file_size: int = MAX_FILE_SIZE, max_depth: int = MAX_DEPTH
) -> YamlDocument:
    """Parse ``text`` (the contents of ``path``); errors raise ``PitstopError`` with the place.
    A byte-order mark is dropped first: libyaml does not count it in its offsets. The limits
    are GitHub's, and may be given as its reader cases give them."""
    text = text.removeprefix("\ufeff")
    if len(text) > max_file_size:
        raise PitstopError(
            f"The maximum file size of {max_file_size} characters has been exceeded",
            Span.file_start(path),
        )
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and problem.startswith("but "):  # "expected …, but found …"
            problem = f"{exc.context}, {problem}"
        if mark is None:
            raise PitstopError(problem, Span.file_start(path)) from None
        if problem == "found undefined alias":  # libyaml leaves out the name
            name = re.match(r"\*?([^\s,\[\]{}]*)", text[mark.index :])
            problem = f"found undefined alias '{name.group(1) if name else ''}'"
        raise PitstopError(problem, _mark_span(path, mark)) from None
    except yaml.YAMLError as exc:
        raise PitstopError(f"invalid YAML: {exc}", Span.file_start(path)) from None
    if root is None:
        return YamlDocument(path, text, None)
    return YamlDocument(path, text, _Builder(path, max_depth).build(root))


def load_yaml(path: str) -> YamlDocument:
    """Read and parse a file; unreadable or non-UTF-8 files raise ``PitstopError``."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()  # line endings as written: fixes edit the text in place
    except UnicodeDecodeError as exc:
        raise PitstopError(f"not UTF-8 text: {exc.reason}", Span.file_start(path)) from None
    except OSError as exc:
        raise PitstopError(f"cannot read: {exc.strerror}", Span.file_start(path)) from None
    return parse_yaml(text, path)
