"""unfiltered-heavy-trigger: a workflow that runs tests on ``push`` or ``pull_request`` with no
path filter, so a typo fixed in the README costs a full CI run."""

from __future__ import annotations

import re

from pitstop.audit.jobs import is_deploy, runs_test_commands, runs_tests, step_text
from pitstop.audit.repo import Repo, event_node, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job, Trigger, Workflow

EVENTS = ("push", "pull_request")
# Jobs that decide for themselves what changed.
CHANGE_DETECTION = re.compile(
    r"dorny/paths-filter|tj-actions/changed-files|git\s+diff\s+[^\n]*--name-only"
    r"|changed-files|paths-filter|skip-duplicate-actions",
    re.IGNORECASE,
)


def check(repo: Repo, out: Check) -> None:
    for workflow in repo.workflows:
        if not any(_heavy(job, repo) for job in workflow.jobs.values()):
            continue
        if any(is_deploy(job, repo) for job in workflow.jobs.values()):
            continue  # it runs to ship what was pushed, docs and all
        if _detects_changes(workflow) or _checks_docs(workflow, repo):
            continue
        if "merge_group" in workflow.triggers:
            continue  # a merge queue's required checks: a path filter that skips the workflow
            # leaves them pending and blocks the merge (GitHub's docs, "Workflow syntax":
            # on.<push|pull_request>.paths, skipped workflows and required checks; "Managing a
            # merge queue": required checks must run on merge_group). osbuild's gitlab-helper.yml
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


def _heavy(job: Job, repo: Repo, seen: frozenset[str] = frozenset()) -> bool:
    """A job that runs a test command or starts services, or calls this repository's workflow
    that does; a job only named for tests counts unless it runs a linter action
    (cosign's `golangci-test-e2e` lints the e2e tests)."""
    called = repo.called(job.uses) if job.uses else None
    if called is not None:
        inner = seen | {called.path}
        return called.path not in seen and any(_heavy(j, repo, inner) for j in called.jobs.values())
    if LABEL_GATE.search(str(job.if_ or "")):
        return False  # it runs when a maintainer labels the pull request (okhttp's containers)
    if job.services or runs_test_commands(job):
        return True
    lints = any(LINTER.search((s.uses or "").partition("@")[0]) for s in job.steps)
    return runs_tests(job, repo) and not lints


LABEL_GATE = re.compile(r"pull_request\.labels\.\*\.name|github\.event\.label\.name")
# An action that lints (golangci/golangci-lint-action, super-linter, reviewdog's): not a suite.
LINTER = re.compile(r"lint", re.IGNORECASE)


def _detects_changes(workflow: Workflow) -> bool:
    for job in workflow.jobs.values():
        if any(CHANGE_DETECTION.search(f"{s.uses or ''}\n{s.run or ''}") for s in job.steps):
            return True
    return False


# A job that builds, tests or lints the documentation: ignoring docs/** and *.md would switch it
# off for the very changes it exists for (structlog's Sphinx doctests, a docs-lint target).
DOCS_CHECKS = re.compile(
    r"sphinx|mkdocs|doctest|docs?[-_:]?(lint|check|build|test)|make\s+(docs|html|linkcheck)"
    r"|(tox|nox)\s[^\n]*\bdocs\b|markdownlint|\bvale\s|lychee|linkcheck|\bdocs/[\w.-]+\.md\b"
    # Prettier checking the whole tree, or Markdown: it formats .md files (prettier.io/docs,
    # "Options": Markdown is among the languages it parses; `--check`, `-c`, `--list-different`)
    r"|prettier\s[^\n]*(--check|-c|--list-different|-l)\b[^\n]*(\s\.(?=\s|$|\\)|\.md\b|\*\*)",
    re.IGNORECASE,
)


# Every alternative of DOCS_CHECKS holds one of these: a text with none cannot match it (a
# cheap test first, as most scripts have none).
DOCS_WORDS = ("sphinx", "doc", "make", "lint", "linkcheck", "vale", "lychee", "prettier")


def _docs_check_in(text: str) -> bool:
    lowered = text.lower()
    return any(w in lowered for w in DOCS_WORDS) and DOCS_CHECKS.search(text) is not None


def _checks_docs(workflow: Workflow, repo: Repo, seen: frozenset[str] = frozenset()) -> bool:
    """A step builds or checks the documentation: in its script, the repository scripts and
    make targets it runs (actionlint's `make lint` checks docs/checks.md), or a workflow of
    this repository a job calls (opentelemetry-python's misc.yml runs `tox -e docs`)."""
    for job in workflow.jobs.values():
        called = repo.called(job.uses) if job.uses else None
        inner = seen | {called.path} if called is not None else seen
        if called is not None and called.path not in seen and _checks_docs(called, repo, inner):
            return True
        envs = [workflow.env, job.env]
        if any(
            isinstance(e, dict) and DOCS_ENV.search(str(e.get(k, "")))
            for e in envs
            for k in SESSION_VARS
        ):
            return True  # mypy's docs.yml picks the docs build with TOXENV: docs
        matrix = job.strategy.matrix if job.strategy is not None else None
        rows = _docs_check_in(str(matrix)) if matrix else False
        for s in job.steps:
            if _docs_check_in(s.uses or "") or (s.run and _docs_check_in(s.run)):
                return True
            if rows and s.run and "matrix." in s.run:
                return True  # pytest's `tox -e ${{ matrix.tox_env }}` with a doctesting row
            if s.run and RUNS_OWN.search(s.run) and _docs_check_in(step_text(s, repo)):
                return True  # in a make target or a script of the repository
    return False


RUNS_OWN = re.compile(r"\bmake\b|\.sh\b|(^|\s)(\./)?scripts/[\w-]+")  # httpx: scripts/build
# The variables tox and nox read the session to run from.
SESSION_VARS = ("TOXENV", "NOXSESSION")
DOCS_ENV = re.compile(r"\bdocs?\b", re.IGNORECASE)


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
        "Tag-only pushes, workflows that deploy, workflows that also build, test or lint "
        "the documentation (Sphinx, MkDocs, doctests, markdownlint, link checks, Prettier over "
        "the tree or its Markdown), and workflows that run for a merge queue (`merge_group`: "
        "their checks are required, and a skipped run would leave them pending) are exempt.",
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
