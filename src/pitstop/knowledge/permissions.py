"""What a step needs from the job's GITHUB_TOKEN, from ``permissions.toml``: the scopes an
action or a command uses, or None when pitstop cannot know (an action not in the table, a script
that hands the token to something the table does not list)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pitstop.knowledge.tables import table
from pitstop.workflow.schema import PERMISSION_SCOPES

LEVELS = {"none": 0, "read": 1, "write": 2}
SCOPES = PERMISSION_SCOPES  # GitHub's own list, kept in the workflow schema
# A script that names the token can call the API with it (curl, gh api, a script of its own).
TOKEN = re.compile(r"GITHUB_TOKEN|GH_TOKEN|github\.token|GITHUB_PAT", re.IGNORECASE)
ANY_API = re.compile(
    r"\bgh\s+api\b|\bcurl\b|\bwget\b|\bhttp\b|octokit|requests\.|Invoke-RestMethod"
)


@dataclass(frozen=True)
class Entry:
    """One row of the table: an action or a command and the scopes it needs."""

    name: str  # the action (owner/repo[/path]) or the command's pattern
    needs: Mapping[str, str]
    may: Mapping[str, str]
    source: str
    example: str = ""
    may_when: Mapping[str, str] = field(default_factory=dict)  # input -> pattern

    def may_apply(self, inputs: Mapping[str, object]) -> bool:
        """Whether the step's inputs are ones `may` is for (always, without ``may_when``)."""
        if not self.may_when:
            return True
        for name, pattern in self.may_when.items():
            value = inputs.get(name)
            if value is None:
                continue
            text = str(value).lower()
            if "${{" in text or re.search(pattern, text):
                return True
        return False


@dataclass
class Needs:
    """The scopes a set of steps needs, or why that is not known."""

    scopes: dict[str, str] = field(default_factory=dict)  # needs and may, the higher level
    required: dict[str, str] = field(default_factory=dict)  # needs alone
    unknown: str = ""  # why the needs cannot be known: "uses some/action"

    def add(self, entry: Entry, inputs: Mapping[str, object] | None = None) -> None:
        raise_to(self.required, entry.needs)
        raise_to(self.scopes, entry.needs)
        if inputs is None or entry.may_apply(inputs):
            raise_to(self.scopes, entry.may)

    def merge(self, other: Needs) -> None:
        raise_to(self.required, other.required)
        raise_to(self.scopes, other.scopes)
        if other.unknown and not self.unknown:
            self.unknown = other.unknown

    def grants(self) -> dict[str, str]:
        """The ``permissions:`` these steps run with: reading the repository, plus what they
        need, in scope order."""
        scopes = dict(self.scopes)
        raise_to(scopes, {"contents": "read"})
        return {s: scopes[s] for s in SCOPES if s in scopes}


def raise_to(into: dict[str, str], scopes: Mapping[str, str]) -> None:
    for scope, level in scopes.items():
        if LEVELS.get(level, 0) > LEVELS.get(into.get(scope, "none"), 0):
            into[scope] = level


@cache
def actions() -> dict[str, Entry]:
    """owner/repo[/path], lower case -> entry."""
    return {
        row["name"].lower(): Entry(
            row["name"],
            row["needs"],
            row.get("may", {}),
            row["source"],
            row.get("example", ""),
            row.get("may_when", {}),
        )
        for row in table("permissions.toml")["action"]
    }


@cache
def commands() -> list[tuple[re.Pattern[str], Entry]]:
    return [
        (
            re.compile(row["pattern"]),
            Entry(row["pattern"], row["needs"], row.get("may", {}), row["source"]),
        )
        for row in table("permissions.toml")["command"]
    ]


def action_entry(uses: str) -> Entry | None:
    """The entry for a step's ``uses:`` (``owner/repo/path@ref``): the action's own, else its
    repository's."""
    name = uses.partition("@")[0].lower().rstrip("/")
    known = actions()
    parts = name.split("/")
    for length in range(len(parts), 1, -1):
        found = known.get("/".join(parts[:length]))
        if found is not None:
            return found
    return None


@lru_cache(maxsize=16384)
def _script_commands(script: str) -> tuple[Entry, ...]:
    """The table's commands a script runs, each script searched once."""
    return tuple(entry for pattern, entry in commands() if pattern.search(script))


def script_needs(script: str, env: Iterable[str] = ()) -> Needs:
    """What a ``run:`` script needs: the commands of the table it runs; unknown when it hands
    the token to anything else (the step's ``env`` values count as the script's)."""
    needs = Needs()
    found = _script_commands(script)
    for entry in found:
        needs.add(entry)
    matched = bool(found)
    text = "\n".join([script, *env])
    if TOKEN.search(text) and (ANY_API.search(script) or not matched):
        needs.unknown = "a script hands the token to a command pitstop does not know"
    return needs
