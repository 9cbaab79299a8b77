"""Values written as YAML the way a person would write them in a workflow: block mappings and
sequences, plain scalars where YAML 1.2 reads them back as the same value, quotes otherwise."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pitstop.workflow.yaml import resolve_plain

# Characters that start an indicator, or sequences that end a plain scalar early.
_PLAIN_START = re.compile(r"[-?:,\[\]{}#&*!|>'\"%@`\s]")
_PLAIN_BREAK = re.compile(r": |:$| #|[\n\r\t]|\s$")
_FLOW = re.compile(r"[,\[\]{}]")


@dataclass(frozen=True)
class Folded:
    """A string written as a folded block (``>-``), one part per line; it reads as the parts
    joined by spaces."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def scalar(value: Any, flow: bool = False, quote: str = "") -> str:
    """``value`` as a scalar: in ``quote`` style (``'`` or ``"``) when given, else plain when it
    reads back the same (in a flow collection too, when ``flow``), else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if quote == "'" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    if quote == '"':
        return json.dumps(text, ensure_ascii=False)
    plain = (
        text
        and not (_PLAIN_START.match(text) and not _dash_word(text))
        and not _PLAIN_BREAK.search(text)
        and not (flow and _FLOW.search(text))
        and resolve_plain(text) == text
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    """A mapping or sequence of scalars on one line: ``{contents: read}``, ``[a, b]``."""
    if isinstance(value, dict):
        inner = ", ".join(f"{scalar(k, True)}: {scalar(v, True)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v, True) for v in value) + "]"
    return scalar(value, True)


def _dash_word(text: str) -> bool:
    """``--health-cmd …``: a ``-`` followed by a non-space starts a plain scalar."""
    return len(text) > 1 and text[0] == "-" and not text[1].isspace()


def entry(key: str, value: Any, indent: str, unit: str, newline: str = "\n") -> str:
    """``key: value`` at ``indent``, nested values one ``unit`` deeper; each line ends with
    ``newline``."""
    return "".join(line + newline for line in _entry_lines(key, value, indent, unit))


def _entry_lines(key: str, value: Any, indent: str, unit: str) -> list[str]:
    name = scalar(key)
    if isinstance(value, dict) and value:
        lines = [f"{indent}{name}:"]
        for inner_key, inner in value.items():
            lines += _entry_lines(str(inner_key), inner, indent + unit, unit)
        return lines
    if isinstance(value, list) and value:
        lines = [f"{indent}{name}:"]
        for item in value:
            if isinstance(item, (dict, list)):
                raise ValueError("nested collections in a sequence are not written")
            lines.append(f"{indent}{unit}- {scalar(item)}")
        return lines
    if isinstance(value, Folded):
        return [f"{indent}{name}: >-"] + [f"{indent}{unit}{part}" for part in value.parts]
    if value is None:
        return [f"{indent}{name}:"]
    if isinstance(value, (dict, list)):
        return [f"{indent}{name}: {'{}' if isinstance(value, dict) else '[]'}"]
    return [f"{indent}{name}: {scalar(value)}"]
