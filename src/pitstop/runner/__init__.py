"""Executing workflows on this machine: ``execute`` runs the selected jobs of some workflows and
writes the run directory (logs, ``summary.md``, ``report.json``, ``junit.xml``) and history."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import os
import time
from dataclasses import dataclass
from typing import Any

from pitstop.report.run import render_json, render_junit, render_markdown
from pitstop.runner.history import next_run_number, record_run
from pitstop.runner.results import RunResult
from pitstop.runner.scheduler import WorkflowRun
from pitstop.runner.state import RunState
from pitstop.workflow.model import Workflow


@dataclass(frozen=True)
class Target:
    workflow: Workflow
    jobs: frozenset[str]


def ensure_pitstop_dir(root: str) -> str:
    folder = os.path.join(root, ".pitstop")
    os.makedirs(folder, exist_ok=True)
    ignore = os.path.join(folder, ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as handle:
            handle.write("# pitstop's runs, caches and history; never committed\n*\n")
    return folder


def new_run_directory(root: str) -> tuple[str, int, str]:
    """(run id, run number, directory) for a new run under ``.pitstop/runs``."""
    folder = ensure_pitstop_dir(root)
    number = next_run_number(os.path.join(folder, "history.sqlite"))
    runs = os.path.join(folder, "runs")
    os.makedirs(runs, exist_ok=True)
    while True:
        run_id = str(number)
        directory = os.path.join(runs, run_id)
        try:
            os.makedirs(directory)
        except FileExistsError:
            number += 1
            continue
        return run_id, number, directory


async def execute(
    state: RunState,
    targets: list[Target],
    inputs: dict[str, Any],
    matrix_filter: dict[str, str],
    wanted: list[str] | None = None,
) -> RunResult:
    """Run ``targets``; ``wanted`` are the jobs the user named (``-j``), which must run for the
    run to count as having run."""
    run = RunResult(
        id=state.info.run_id,
        directory=state.directory,
        event=state.info.event.name,
        workflows=[t.workflow.path for t in targets],
        started_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        wanted=list(wanted or []),
    )
    state.started = time.monotonic()
    slots = asyncio.Semaphore(max(1, state.options.parallel))
    runs = [
        WorkflowRun(
            state=state,
            workflow=t.workflow,
            info=dataclasses.replace(
                state.info, workflow_name=t.workflow.display_name, workflow_path=t.workflow.path
            ),
            inputs=inputs,
            secrets=dict(state.secrets),
            selected=set(t.jobs),
            matrix_filter=matrix_filter,
            slots=slots,
        )
        for t in targets
    ]
    try:
        await asyncio.gather(*(r.run() for r in runs))
    finally:
        run.duration = time.monotonic() - state.started
        run.interrupted = state.interrupted.is_set()
        run.actions = dict(sorted(state.action_commits.items()))
        order = {j: i for r in runs for i, j in enumerate(r.workflow.jobs)}
        run.jobs = sorted(
            (j for r in runs for j in r.results), key=lambda j: (j.workflow, order.get(j.job_id, 0))
        )
        write_reports(state, run)
    return run


def write_reports(state: RunState, run: RunResult) -> None:
    files = {
        "summary.md": render_markdown(run),
        "report.json": render_json(run),
        "junit.xml": render_junit(run),
    }
    for name, text in files.items():
        path = os.path.join(state.directory, name)
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(state.masker.mask(text))
        os.replace(path + ".tmp", path)
    record_run(os.path.join(state.pitstop_dir, "history.sqlite"), run)
