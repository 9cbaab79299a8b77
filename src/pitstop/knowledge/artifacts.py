"""How a job downloads another run's artifacts, from ``artifacts.toml``."""

from __future__ import annotations

import re
from functools import cache

from pitstop.knowledge.tables import table
from pitstop.workflow.model import Step


@cache
def _actions() -> dict[str, str]:
    """owner/repo, lower case -> the input that fetches another run's ("" : always)."""
    return {row["name"].lower(): row["other_run"] for row in table("artifacts.toml")["action"]}


@cache
def _commands() -> re.Pattern[str]:
    return re.compile(
        "|".join(f"(?:{row['pattern']})" for row in table("artifacts.toml")["command"])
    )


def downloads_another_runs(step: Step) -> bool:
    """The step brings in artifacts of another workflow run: an action of the table (with its
    input for another run, where it needs one), or a script or github-script that does."""
    uses = (step.uses or "").partition("@")[0].lower()
    if uses in _actions():
        other = _actions()[uses]
        return not other or bool(step.with_.get(other))
    texts = [
        step.run or "",
        str(step.with_.get("script", "")) if uses == "actions/github-script" else "",
    ]
    return any(_commands().search(text) for text in texts if text)
