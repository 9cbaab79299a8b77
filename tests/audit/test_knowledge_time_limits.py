"""The time-limit table (``pitstop/knowledge/time_limits.toml``), entry by entry: each is well
formed and sourced; its input sets the step's limit in minutes, its default stands when the
input is not given, and an expression leaves the limit unknown. The rule that reads it,
missing-timeout, has its fixtures in ``fixtures/missing-timeout``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pitstop.knowledge.tables import table
from pitstop.knowledge.time_limits import step_time_limit
from pitstop.workflow.model import Step
from pitstop.workflow.repository import load_file

ACTIONS = table("time_limits.toml")["action"]


def step(body: str) -> Step:
    text = f"on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - {body}\n"
    workflow = load_file(".github/workflows/t.yml", text=text).workflow
    assert workflow is not None
    return workflow.jobs["t"].steps[0]


@pytest.mark.parametrize("entry", ACTIONS, ids=lambda e: e["name"])
def test_entry_is_well_formed_and_sourced(entry: dict[str, Any]) -> None:
    assert str(entry["source"]).startswith("https://")
    assert entry["name"].count("/") >= 1 and entry["input"]
    assert isinstance(entry["default"], int) and entry["default"] > 0


@pytest.mark.parametrize("entry", ACTIONS, ids=lambda e: e["name"])
def test_the_input_sets_the_limit_and_its_default_stands_without_it(entry: dict[str, Any]) -> None:
    uses = f"uses: {entry['name']}@v1"
    assert step_time_limit(step(f"{uses}\n        with: {json.dumps({entry['input']: 45})}")) == 45
    assert step_time_limit(step(f"{uses}\n        with: {{}}")) == entry["default"]
    unknown = {entry["input"]: "${{ inputs.minutes }}"}
    assert step_time_limit(step(f"{uses}\n        with: {json.dumps(unknown)}")) is None


def test_a_steps_own_timeout_minutes_is_its_limit_and_other_steps_have_none() -> None:
    assert step_time_limit(step("run: make test\n        timeout-minutes: 20")) == 20
    assert step_time_limit(step("run: make test")) is None
    assert step_time_limit(step("uses: actions/checkout@v5")) is None
