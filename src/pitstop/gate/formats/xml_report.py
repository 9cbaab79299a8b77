"""XML reports read with their errors placed (a truncated or broken file names its line and
column, as every input error pitstop reports does), and their number attributes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pitstop.errors import PitstopError, Span


def parse_xml(text: str, path: str, root_tag: str) -> ET.Element:
    """The document's root, which must be ``root_tag``. Python's expat refuses entity
    expansion bombs; external entities and DTDs are not fetched."""
    try:
        root = ET.fromstring(text)
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


def int_attribute(element: ET.Element, name: str) -> int | None:
    """An attribute holding a whole number, or None when it is absent or is not one."""
    value = element.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
