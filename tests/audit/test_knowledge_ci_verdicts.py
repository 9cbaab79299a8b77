"""The CI-verdict table (``pitstop/knowledge/ci_verdicts.toml``), entry by entry: each is well
formed and sourced, and recognises its examples; near misses (a step that only mentions a
status, a `gh run watch` that does not fail with the run) are not waits. The rule that follows
it, deploy-without-tests, has its fixtures in ``fixtures/deploy-without-tests``
(``ok_waits_for_the_checks``, ``flag_waits_for_a_build_check``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pitstop.knowledge.ci_verdicts import reads_status, waits_for_checks
from pitstop.knowledge.tables import table
from pitstop.workflow.model import Step
from pitstop.workflow.repository import load_file

ACTIONS = table("ci_verdicts.toml")["action"]
COMMANDS = table("ci_verdicts.toml")["command"]


def step(uses: str, with_: dict[str, Any] | None = None) -> Step:
    text = (
        "on: push\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: {uses}\n        with: {json.dumps(with_ or {})}\n"
    )
    workflow = load_file(".github/workflows/ship.yml", text=text).workflow
    assert workflow is not None
    return workflow.jobs["ship"].steps[0]


@pytest.mark.parametrize("entry", ACTIONS + COMMANDS, ids=lambda e: e.get("name") or e["pattern"])
def test_entry_is_well_formed_and_sourced(entry: dict[str, Any]) -> None:
    assert entry["examples"] and entry["checks"]
    assert str(entry["source"]).startswith("https://")


@pytest.mark.parametrize(
    "entry,uses", [(e, u) for e in ACTIONS for u in e["examples"]], ids=lambda v: str(v)[:40]
)
def test_action_examples_wait(entry: dict[str, Any], uses: str) -> None:
    checks = entry["checks"]
    named = {} if checks == "all" else {checks: "Run tests"}
    assert waits_for_checks(step(uses, named)) == ("all" if checks == "all" else "Run tests")


@pytest.mark.parametrize("text", [t for e in COMMANDS for t in e["examples"]])
def test_command_examples_read_the_verdict(text: str) -> None:
    assert reads_status(text)


@pytest.mark.parametrize(
    "text",
    [
        "gh run watch $RUN_ID",  # waits, but exits 0 whatever the run's conclusion
        "echo 'check the status page'",
        "curl https://api.github.com/repos/o/r/commits/main",  # the commit, not its status
        "gh pr checks 12",  # a one-off look, neither waiting nor required
    ],
)
def test_near_misses_are_not_waits(text: str) -> None:
    assert not reads_status(text)


def test_a_named_check_wait_without_the_name_waits_for_nothing() -> None:
    assert waits_for_checks(step("lewagon/wait-on-check-action@v1")) is None
    assert waits_for_checks(step("actions/checkout@v4")) is None
