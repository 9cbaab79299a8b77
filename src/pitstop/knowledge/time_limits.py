"""How long a step may run before it stops itself, from ``time_limits.toml`` and the step's own
``timeout-minutes``."""

from __future__ import annotations

from functools import cache
from typing import Any

from pitstop.knowledge.tables import action_entry, table
from pitstop.workflow.model import Step


@cache
def _actions() -> dict[str, dict[str, Any]]:
    """owner/repo, lower case -> its entry."""
    return {row["name"].lower(): row for row in table("time_limits.toml")["action"]}


def step_time_limit(step: Step) -> float | None:
    """The minutes after which the step stops: its ``timeout-minutes`` (GitHub's docs,
    "Workflow syntax": jobs.<job_id>.steps[*].timeout-minutes), else the limit an action of
    the table sets through its input, or that input's default; None when nothing bounds it or
    the limit is an expression known only at run time."""
    if step.timeout_minutes is not None:
        return _minutes(step.timeout_minutes)
    entry = action_entry(step.uses, _actions()) if step.uses else None
    if entry is None:
        return None
    given = step.with_.get(entry["input"])
    return _minutes(given) if given is not None else float(entry["default"])


def _minutes(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None  # `${{ inputs.minutes }}`: not known before the run
