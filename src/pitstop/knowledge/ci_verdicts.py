"""Steps that wait for the commit's CI verdict, from ``ci_verdicts.toml``: an action that waits
for the commit's checks, or a command that reads its combined status."""

from __future__ import annotations

import re
from functools import cache

from pitstop.knowledge.tables import table
from pitstop.workflow.model import Step


@cache
def _actions() -> dict[str, str]:
    return {a["name"].lower(): a["checks"] for a in table("ci_verdicts.toml")["action"]}


@cache
def _commands() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{c['pattern']})" for c in table("ci_verdicts.toml")["command"]))


def waits_for_checks(step: Step) -> str | None:
    """What the step waits for: "all" (every check of the commit), the name of the one check it
    waits for, or None when it waits for no verdict. Reads the step's ``uses:`` only; see
    ``reads_status`` for scripts."""
    name = (step.uses or "").split("@", 1)[0].lower()
    checks = _actions().get(name)
    if checks is None:
        return None
    if checks == "all":
        return "all"
    named = step.with_.get(checks) if isinstance(step.with_, dict) else None
    return str(named) if named else None


def reads_status(text: str) -> bool:
    """A script (with the repository's scripts it runs) reads the commit's CI verdict."""
    return bool(_commands().search(text))
