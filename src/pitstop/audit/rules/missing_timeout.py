"""missing-timeout: a job without ``timeout-minutes`` may run for GitHub's default 360 minutes."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import commands, words
from pitstop.knowledge.time_limits import step_time_limit
from pitstop.workflow.model import Job, Step
from pitstop.workflow.yaml import YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext


# Runners with a shorter cap of their own: ubuntu-slim jobs stop at 15 minutes (GitHub changelog
# 2025-10-28, "1 vCPU Linux runner now available in GitHub Actions").
CAPPED = frozenset({"ubuntu-slim"})


def check(repo: Repo, out: Check) -> None:
    minutes = int(out.options.get("minutes", 30))
    for workflow, job in repo.jobs():
        if job.uses:
            continue  # a job that calls a workflow cannot set timeout-minutes
        if str(job.runs_on).strip() in CAPPED:
            continue  # GitHub stops these itself, long before 360 minutes
        if job.steps and all(_cannot_hang(s) for s in job.steps):
            continue  # a status job: it only prints or exits
        if job.steps and _bounded_by_its_steps(job.steps):
            continue  # each step stops itself in time (greenboot-rs's Testing Farm jobs,
            # `timeout: 90`)
        out.checked += 1
        if job.timeout_minutes is None:
            out.flag(
                span(workflow.doc, job.key),
                f"job '{job.id}' has no timeout-minutes: a hung step holds a runner for "
                "360 minutes",
                fix=Fix(
                    f"added timeout-minutes: {minutes}",
                    "unsafe",  # a job that needs longer now fails
                    partial(_add, workflow.doc, job, minutes),
                ),
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} jobs have timeout-minutes"


# Shell built-ins that return at once: a job made only of them cannot hang.
INSTANT = frozenset({"echo", "printf", "exit", "true", "false", ":", "test", "[", "[["})


def _cannot_hang(step: Step) -> bool:
    if step.uses or not step.run:
        return False
    return all(words(c.text)[:1] and words(c.text)[0] in INSTANT for c in commands(step.run))


def _bounded_by_its_steps(steps: Sequence[Step]) -> bool:
    """Whether the steps' own limits (``knowledge/time_limits.toml``, a step's
    ``timeout-minutes``) add up to less than GitHub's 360 minutes, every step that can hang
    having one."""
    total = 0.0
    for step in steps:
        if _cannot_hang(step):
            continue
        limit = step_time_limit(step)
        if limit is None:
            return False
        total += limit
    return total < GITHUB_LIMIT


# GitHub's default for a job on a hosted runner (GitHub's docs, "Workflow syntax":
# jobs.<job_id>.timeout-minutes, default 360).
GITHUB_LIMIT = 360


def _add(doc: YamlDocument, job: Job, minutes: int, context: FixContext) -> None:
    context.patch(doc).insert_entry(
        job.node, "timeout-minutes", minutes, after=("runs-on",), before=("steps",)
    )


RULE = Rule(
    id="missing-timeout",
    category="reliability",
    severity="medium",
    summary="A job has no timeout-minutes.",
    docs=Docs(
        what="Flags jobs (other than reusable-workflow calls) without `timeout-minutes`. Jobs "
        "on ubuntu-slim (capped at 15 minutes by GitHub) and jobs whose steps only print or "
        "exit (a status job: `echo`, `exit 1`) are left alone, and so are jobs whose steps "
        "each stop in time, together under 360 minutes: a step's own `timeout-minutes`, or an "
        "action's input that limits its run (`knowledge/time_limits.toml`: Testing Farm's "
        "`timeout`).",
        why="GitHub's default is 360 minutes. A test waiting on a dead service, or a deploy "
        "waiting for an approval that never comes, holds a runner and blocks the queue for six "
        "hours before anyone hears of it.",
        example="jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: …",
        instead="jobs:\n  test:\n    runs-on: ubuntu-latest\n    timeout-minutes: 15\n"
        "    steps: …\n\nOption `minutes` (default 30) is what `pitstop fix` writes.",
    ),
    check=check,
    options={"minutes": 30},
    fixable="unsafe",
)
