"""unfiltered-heavy-trigger: a workflow that runs tests on ``push`` or ``pull_request`` with no
path filter, so a typo fixed in the README costs a full CI run."""

from __future__ import annotations

import re

from pitstop.audit.jobs import is_deploy, runs_tests
from pitstop.audit.repo import Repo, event_node, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job, Trigger, Workflow

EVENTS = ("push", "pull_request")
# Jobs that decide for themselves what changed.
CHANGE_DETECTION = re.compile(
    r"dorny/paths-filter|tj-actions/changed-files|git\s+diff\s+[^\n]*--name-only"
    r"|changed-files|paths-filter",
    re.IGNORECASE,
)


def check(repo: Repo, out: Check) -> None:
    for workflow in repo.workflows:
        if not any(_heavy(job) for job in workflow.jobs.values()):
            continue
        if any(is_deploy(job) for job in workflow.jobs.values()):
            continue  # it runs to ship what was pushed, docs and all
        if _detects_changes(workflow) or _checks_docs(workflow):
            continue
        for event in EVENTS:
            trigger = workflow.triggers.get(event)
            if trigger is None or _tags_only(trigger):
                continue
            out.checked += 1
            if trigger.paths is not None or trigger.paths_ignore is not None:
                continue
            out.flag(
                span(workflow.doc, event_node(workflow, event)),
                f"'{event}' runs the whole test suite on every change, including changes that "
                "touch only documentation; add `paths-ignore` (docs/**, '**.md') or a "
                "changed-files job",
                confidence="medium",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} test triggers filter paths"


def _heavy(job: Job) -> bool:
    return runs_tests(job) or bool(job.services)


def _detects_changes(workflow: Workflow) -> bool:
    for job in workflow.jobs.values():
        if any(CHANGE_DETECTION.search(f"{s.uses or ''}\n{s.run or ''}") for s in job.steps):
            return True
    return False


# A job that builds, tests or lints the documentation: ignoring docs/** and *.md would switch it
# off for the very changes it exists for (structlog's Sphinx doctests, a docs-lint target).
DOCS_CHECKS = re.compile(
    r"sphinx|mkdocs|doctest|docs?[-_:]?(lint|check|build|test)|make\s+(docs|html|linkcheck)"
    r"|(tox|nox)\s[^\n]*\bdocs\b|markdownlint|\bvale\s|lychee|linkcheck",
    re.IGNORECASE,
)


def _checks_docs(workflow: Workflow) -> bool:
    return any(
        (s.run and DOCS_CHECKS.search(s.run)) or DOCS_CHECKS.search(s.uses or "")
        for job in workflow.jobs.values()
        for s in job.steps
    )


def _tags_only(trigger: Trigger) -> bool:
    return trigger.event == "push" and bool(trigger.tags) and trigger.branches is None


RULE = Rule(
    id="unfiltered-heavy-trigger",
    category="speed",
    severity="low",
    summary="Tests run on push or pull_request with no path filter.",
    docs=Docs(
        what="Flags `push` and `pull_request` triggers without `paths` or `paths-ignore` in "
        "workflows whose jobs run tests or start services, unless a job decides what changed "
        "itself (dorny/paths-filter, tj-actions/changed-files, `git diff --name-only`). "
        "Tag-only pushes, workflows that deploy, and workflows that also build, test or lint "
        "the documentation (Sphinx, MkDocs, doctests, markdownlint, link checks) are exempt.",
        why="A documentation change waits for, and pays for, the full suite: runner minutes, a "
        "queue that delays real changes, and flaky tests that block a README fix.",
        example="on:\n  push:\n    branches: [main]\n  pull_request:",
        instead="on:\n  push:\n    branches: [main]\n    paths-ignore: ['docs/**', '**.md']\n"
        "  pull_request:\n    paths-ignore: ['docs/**', '**.md']\n\nIf the workflow is a "
        "required status check, a skipped run leaves the check pending and the pull request "
        "blocked (GitHub's docs, 'Handling skipped but required checks'): filter inside the "
        "workflow instead, with a job that detects changes and an `if:` on the heavy jobs.",
    ),
    check=check,
)
