"""Reading the knowledge tables shipped in this package (TOML, with a source per entry)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, TypeVar

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


T = TypeVar("T")


def action_entry(uses: str, known: Mapping[str, T]) -> T | None:
    """The entry of ``known`` (keyed by ``owner/repo[/path]``, lower case) for a step's
    ``uses:``: the action at any version, or an action under that path."""
    parts = uses.partition("@")[0].lower().split("/")
    for length in range(len(parts), 1, -1):
        found = known.get("/".join(parts[:length]))
        if found is not None:
            return found
    return None
