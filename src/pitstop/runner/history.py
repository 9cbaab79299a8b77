"""``.pitstop/history.sqlite``: every run, job and step with its outcome and duration, for trends
and flaky-step detection."""

from __future__ import annotations

import sqlite3

from pitstop.runner.results import RunResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, started_at TEXT, event TEXT, workflows TEXT, result TEXT,
    duration REAL, interrupted INTEGER
);
CREATE TABLE IF NOT EXISTS jobs (
    run_id TEXT, key TEXT, job_id TEXT, name TEXT, workflow TEXT, result TEXT, started REAL,
    duration REAL, reason TEXT, PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS steps (
    run_id TEXT, job_key TEXT, position INTEGER, label TEXT, step_id TEXT, outcome TEXT,
    conclusion TEXT, duration REAL, exit_code INTEGER, not_run_locally TEXT,
    PRIMARY KEY (run_id, job_key, position)
);
"""


def record_run(path: str, run: RunResult) -> None:
    with sqlite3.connect(path, timeout=30) as db:
        db.executescript(SCHEMA)
        db.execute(
            "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                run.id,
                run.started_at,
                run.event,
                ",".join(run.workflows),
                run.result,
                run.duration,
                int(run.interrupted),
            ),
        )
        for job in run.jobs:
            db.execute(
                "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.id,
                    job.key,
                    job.job_id,
                    job.name,
                    job.workflow,
                    job.result,
                    job.started,
                    job.duration,
                    job.reason,
                ),
            )
            for position, step in enumerate(job.steps):
                db.execute(
                    "INSERT OR REPLACE INTO steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run.id,
                        job.key,
                        position,
                        step.label,
                        step.id,
                        step.outcome,
                        step.conclusion,
                        step.duration,
                        step.exit_code,
                        step.not_run_locally,
                    ),
                )


def next_run_number(path: str) -> int:
    try:
        with sqlite3.connect(path, timeout=30) as db:
            db.executescript(SCHEMA)
            (count,) = db.execute("SELECT COUNT(*) FROM runs").fetchone()
            return int(count) + 1
    except sqlite3.Error:
        return 1
