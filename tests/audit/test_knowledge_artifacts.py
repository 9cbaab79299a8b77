"""The artifact-download table (``pitstop/knowledge/artifacts.toml``), entry by entry: each is
well formed and sourced; an action counts as bringing in another run's artifacts only with the
input that asks for them; near misses (uploading, listing runs) are not downloads. The rule
that reads it, github-env, has its fixtures in ``fixtures/github-env``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pitstop.knowledge.artifacts import downloads_another_runs
from pitstop.knowledge.tables import table
from pitstop.workflow.model import Step
from pitstop.workflow.repository import load_file

ACTIONS = table("artifacts.toml")["action"]
COMMANDS = table("artifacts.toml")["command"]


def step(uses: str | None = None, with_: dict[str, Any] | None = None, run: str = "") -> Step:
    body = (
        f"run: {json.dumps(run)}"
        if run
        else f"uses: {uses}\n        with: {json.dumps(with_ or {})}"
    )
    text = (
        "on: workflow_run\njobs:\n  report:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - {body}\n"
    )
    workflow = load_file(".github/workflows/report.yml", text=text).workflow
    assert workflow is not None
    return workflow.jobs["report"].steps[0]


@pytest.mark.parametrize("entry", ACTIONS + COMMANDS, ids=lambda e: e.get("name") or e["pattern"])
def test_entry_is_well_formed_and_sourced(entry: dict[str, Any]) -> None:
    assert str(entry["source"]).startswith("https://")
    assert "name" in entry or entry["examples"]


@pytest.mark.parametrize("entry", ACTIONS, ids=lambda e: e["name"])
def test_an_action_downloads_another_runs_artifacts_with_its_input(entry: dict[str, Any]) -> None:
    other = entry["other_run"]
    given = {other: "${{ github.event.workflow_run.id }}"} if other else {"workflow": "ci.yml"}
    assert downloads_another_runs(step(f"{entry['name']}@v4", given))
    if other:  # without it, the current run's own artifacts
        assert not downloads_another_runs(step(f"{entry['name']}@v4", {"name": "report"}))


@pytest.mark.parametrize("text", [t for e in COMMANDS for t in e["examples"]])
def test_command_examples_download(text: str) -> None:
    assert downloads_another_runs(step(run=text))


def test_github_script_that_downloads() -> None:
    script = "await github.rest.actions.downloadArtifact({artifact_id: 1, archive_format: 'zip'})"
    assert downloads_another_runs(step("actions/github-script@v7", {"script": script}))


@pytest.mark.parametrize(
    "made",
    [
        step("actions/upload-artifact@v4", {"name": "pr", "path": "pr_number"}),
        step(run="gh run list --workflow ci.yml"),
        step(run="gh run view $RUN_ID --log"),
        step("actions/github-script@v7", {"script": "await github.rest.actions.listArtifacts()"}),
    ],
)
def test_near_misses_are_not_downloads(made: Step) -> None:
    assert not downloads_another_runs(made)
