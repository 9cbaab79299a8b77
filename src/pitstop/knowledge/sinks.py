"""Action inputs whose value runs as code, from ``sinks.toml``: where a ``${{ }}`` is a script
injection as it is in a ``run:`` step."""

from __future__ import annotations

from functools import cache

from pitstop.knowledge.tables import table


@cache
def sinks() -> dict[str, tuple[tuple[str, str], ...]]:
    """owner/repo[/path], lower case -> (the input that runs, the language it is), each."""
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    for row in table("sinks.toml")["action"]:
        name = row["name"].lower()
        found[name] = (*found.get(name, ()), (row["input"], row["language"]))
    return found


def sink(uses: str) -> tuple[tuple[str, str], ...]:
    """The inputs of the action ``uses`` names (any ref) that run as code, with their
    languages; none for other actions."""
    return sinks().get(uses.partition("@")[0].lower(), ())
