"""Which steps ship, from ``deploys.toml``: the deploy and publish commands and actions, each
with its kind (a service rollout, a package, a site, a release) and a source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pitstop.knowledge.tables import table
from pitstop.workflow.model import Step

KINDS = ("service", "package", "pages", "release")
# Where a command starts: a line, after ; & | ( or a shell word that runs what follows.
COMMAND_START = r"(?:^[ \t]*|[;&|(][ \t]*|\b(?:then|do|else|exec|sudo|time)[ \t]+)"


@dataclass(frozen=True)
class Ships:
    name: str  # the action, or the command's pattern
    kind: str
    source: str
    when_input: str = ""
    when_value: str = ""


@cache
def _commands() -> list[tuple[re.Pattern[str], Ships]]:
    return [
        (
            re.compile(f"{COMMAND_START}(?:{row['pattern']})", re.MULTILINE),
            Ships(row["pattern"], row["kind"], row["source"]),
        )
        for row in table("deploys.toml")["command"]
    ]


@cache
def _actions() -> dict[str, Ships]:
    return {
        row["name"].lower(): Ships(
            row["name"],
            row["kind"],
            row["source"],
            row.get("when_input", ""),
            row.get("when_value", ""),
        )
        for row in table("deploys.toml")["action"]
    }


def shipping(step: Step) -> Ships | None:
    """What the step ships, by the table: None for a step that does not deploy or publish."""
    if step.run:
        for pattern, ships in _commands():
            if pattern.search(step.run):
                return ships
        return None
    if not step.uses or step.uses.startswith(("./", "$/", "docker://")):
        return None
    name = step.uses.partition("@")[0].lower()
    parts = name.split("/")
    known = _actions()
    for length in range(len(parts), 1, -1):
        found = known.get("/".join(parts[:length]))
        if found is None:
            continue
        if found.when_input:
            inputs = step.with_ if isinstance(step.with_, dict) else {}
            value = inputs.get(found.when_input, "")  # absent: as an empty value
            if not re.search(found.when_value, _text(value)):
                return None
        return found
    return None


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
