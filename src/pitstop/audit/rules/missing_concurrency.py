"""missing-concurrency: a pull-request workflow that lets superseded runs finish."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import PULL_REQUEST_EVENTS
from pitstop.audit.repo import Repo, key_span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix
from pitstop.workflow.model import Job, Trigger, Workflow
from pitstop.workflow.yaml import MappingNode

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

# One group per pull request; every other event gets a group of its own (its run id), so pushes
# to the default branch are never queued behind or cancelled by one another.
GROUP = "${{ github.workflow }}-${{ github.event.pull_request.number || github.run_id }}"


def check(repo: Repo, out: Check) -> None:
    for workflow in repo.workflows:
        root = workflow.doc.root
        if not isinstance(root, MappingNode) or not any(
            _pushes_start_it(workflow.triggers.get(t)) for t in PULL_REQUEST_EVENTS
        ):
            continue
        jobs = list(workflow.jobs.values())
        if jobs and not any(_works_on_the_code(j) for j in jobs):
            continue  # a bot's API call (sqlmodel's add-to-project, fastapi's conflict labels):
            # seconds a run, nothing saved by cancelling it
        out.checked += 1
        if workflow.concurrency is not None or (jobs and all(_cancels(repo, j) for j in jobs)):
            continue
        out.flag(
            key_span(workflow.doc, root, "on"),
            "a new push to a pull request starts a full run while the old one keeps going: "
            "runners spend their time on commits nobody will merge",
            fix=Fix("added a concurrency group per pull request", "safe", partial(_add, workflow)),
        )
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} pull-request workflows cancel superseded runs"
    )


def _cancels(repo: Repo, job: Job) -> bool:
    """The job has a concurrency group, or calls a workflow of the repository that has one, or
    calls another repository's, which pitstop cannot read and so does not judge (radius'
    dependabot-manager.yml calls radius-project/.github's, which groups by pull request)."""
    if job.concurrency:
        return True
    if job.uses and not job.uses.startswith(("./", "$/")):
        return True
    called = repo.called(job.uses) if job.uses else None
    return called is not None and called.concurrency is not None


# A script that fetches the repository's code itself.
CLONES = re.compile(r"\bgit\s+(clone|fetch|checkout)\b|\bgh\s+(repo\s+clone|pr\s+checkout)\b")


def _works_on_the_code(job: Job) -> bool:
    """The job fetches the pushed code (a checkout, a clone) or calls a workflow that may:
    a run of it builds, tests or lints, and a superseded one wastes a runner."""
    if job.uses:
        return True
    return any(
        (s.uses or "").lower().startswith("actions/checkout@")
        or (s.run is not None and CLONES.search(s.run))
        for s in job.steps
    )


def _pushes_start_it(trigger: Trigger | None) -> bool:
    """Whether a push to a pull request starts the workflow: its types include `synchronize`
    (the default types are opened, synchronize and reopened). A workflow run on `closed` or
    `labeled` only (a backport bot) has no superseded runs to cancel."""
    return trigger is not None and (trigger.types is None or "synchronize" in trigger.types)


def _add(workflow: Workflow, context: FixContext) -> None:
    root = workflow.doc.root
    if not isinstance(root, MappingNode):
        raise CannotFix("the workflow is not a mapping")
    value = {"group": GROUP, "cancel-in-progress": True}
    context.patch(workflow.doc).insert_entry(
        root, "concurrency", value, after=("permissions",), before=("jobs",), spaced=True
    )


RULE = Rule(
    id="missing-concurrency",
    category="speed",
    severity="low",
    summary="A pull-request workflow does not cancel superseded runs.",
    docs=Docs(
        what="Flags workflows triggered by `pull_request` or `pull_request_target` with no "
        "`concurrency:` for the workflow (or for every job, a job that calls a workflow of the "
        "repository counting that workflow's; one that calls another repository's is not "
        "judged, pitstop cannot read it). Workflows whose pull-request "
        "types leave out `synchronize` (run on `closed` or `labeled` only) are left alone: a "
        "push does not start them; so are workflows none of whose jobs fetches the code (a "
        "checkout, `git clone`, a reusable workflow): a bot's API call is over in seconds.",
        why="Each push to a pull request starts the whole pipeline again, and the run for the "
        "previous push goes on to the end. On a busy repository that doubles the queue, and "
        "the result nobody will read arrives first.",
        example="on:\n  pull_request:\njobs:\n  test: …",
        instead="on:\n  pull_request:\nconcurrency:\n  group: ${{ github.workflow }}-"
        "${{ github.event.pull_request.number || github.run_id }}\n  cancel-in-progress: true\n"
        "jobs:\n  test: …\n\nThe run id gives every push and schedule its own group, so only "
        "runs for the same pull request cancel one another.",
    ),
    check=check,
    fixable="safe",
)
