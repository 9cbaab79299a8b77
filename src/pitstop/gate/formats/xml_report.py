"""XML reports read with their errors placed (a truncated or broken file names its line and
column, as every input error pitstop reports does), and their number attributes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from pitstop.errors import PitstopError, Span


def parse_xml(text: str, path: str, root_tag: str) -> ET.Element:
    """The document's root, which must be ``root_tag``. Python's expat refuses entity
    expansion bombs; external entities and DTDs are not fetched."""
    try:
        root = ET.fromstring(text)  # nosec B314 (see the docstring)
    except ET.ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        raise PitstopError(
            f"not valid XML: {message}", Span(path, line, column + 1, line, column + 1, 0, 0)
        ) from None
    if root.tag != root_tag:
        raise PitstopError(
            f"expected a <{root_tag}> document, found <{root.tag}>", Span.file_start(path)
        )
    return root


def check_xml(text: str, path: str, root_tag: str) -> None:
    """Raise PitstopError, placed, unless ``text`` is a well-formed XML document whose root is
    ``root_tag``: expat's checks without building the tree, for readers that scan the text."""
    parser = expat.ParserCreate()
    roots: list[str] = []

    def first(name: str, _attributes: dict[str, str]) -> None:
        roots.append(name)
        parser.StartElementHandler = None

    parser.StartElementHandler = first
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        message = expat.ErrorString(error.code) if error.code else str(error)
        raise PitstopError(
            f"not valid XML: {message}",
            Span(path, error.lineno, error.offset + 1, error.lineno, error.offset + 1, 0, 0),
        ) from None
    if roots[:1] != [root_tag]:
        raise PitstopError(
            f"expected a <{root_tag}> document, found <{roots[0] if roots else ''}>",
            Span.file_start(path),
        )


_REFERENCE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape(value: str) -> str:
    """An attribute's or a text's characters, its XML references (``&amp;``, ``&#233;``)
    replaced."""
    if "&" not in value:
        return value

    def one(found: re.Match[str]) -> str:
        name = found.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _REFERENCE.sub(one, value)


def int_attribute(element: ET.Element, name: str) -> int | None:
    """An attribute holding a whole number, or None when it is absent or is not one."""
    value = element.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
