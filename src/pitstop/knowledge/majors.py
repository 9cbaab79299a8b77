"""Moving an action to its current major, from ``majors.toml``: which changes a step crosses,
and whether the move keeps what the step does (adding the inputs that keep the old meaning)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pitstop.knowledge.tables import table


@dataclass(frozen=True)
class Change:
    major: int
    what: str
    source: str
    when_input: str = ""
    when_value: str = ""
    unless_input: str = ""
    add: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Current:
    name: str
    major: int  # the first major on the runner's Node.js
    source: str
    changes: tuple[Change, ...] = ()


@dataclass
class Move:
    """A step's move from one major to the current one."""

    add: dict[str, Any] = field(default_factory=dict)  # inputs that keep the old meaning
    unsafe: list[str] = field(default_factory=list)  # the changes it cannot keep

    @property
    def safe(self) -> bool:
        return not self.unsafe


@cache
def currents() -> dict[str, Current]:
    """owner/repo, lower case -> its current major and the changes on the way."""
    found = {}
    for row in table("majors.toml")["action"]:
        changes = tuple(
            Change(
                c["major"],
                c["what"],
                c["source"],
                c.get("when_input", ""),
                c.get("when_value", ""),
                c.get("unless_input", ""),
                c.get("add", {}),
            )
            for c in row.get("change", [])
        )
        found[row["name"].lower()] = Current(row["name"], row["current"], row["source"], changes)
    return found


def move(current: Current, major: int, inputs: Mapping[str, Any]) -> Move:
    """What moving a step with ``inputs`` from ``major`` to ``current.major`` takes."""
    result = Move()
    for change in current.changes:
        if not major < change.major <= current.major:
            continue
        if change.when_input:
            if change.when_input not in inputs:
                continue
            value = str(inputs[change.when_input])
            if change.when_value and not re.search(change.when_value, value):
                continue
        if change.unless_input and change.unless_input in inputs:
            continue
        if change.add:
            result.add.update(change.add)
        else:
            result.unsafe.append(change.what)
    return result
