"""Action inputs whose value runs as code, from ``sinks.toml``: where a ``${{ }}`` is a script
injection as it is in a ``run:`` step."""

from __future__ import annotations

from functools import cache

from pitstop.knowledge.tables import table


@cache
def sinks() -> dict[str, tuple[str, str]]:
    """owner/repo[/path], lower case -> (the input that runs, the language it is)."""
    return {
        row["name"].lower(): (row["input"], row["language"])
        for row in table("sinks.toml")["action"]
    }


def sink(uses: str) -> tuple[str, str] | None:
    """The input of the action ``uses`` names (any ref) that runs as code, and its language."""
    return sinks().get(uses.partition("@")[0].lower())
