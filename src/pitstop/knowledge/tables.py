"""Reading the knowledge tables shipped in this package (TOML, with a source per entry)."""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed ``name`` (a file of this package), read once."""
    text = resources.files("pitstop.knowledge").joinpath(name).read_text(encoding="utf-8")
    found: dict[str, Any] = tomllib.loads(text)
    return found


def parse_toml(text: str) -> dict[str, Any] | None:
    """A TOML document of the repository's own (pyproject.toml), or None when it is invalid."""
    try:
        found: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return found
