"""needless-serial-jobs: a ``needs`` edge whose job uses nothing from the job it waits for."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import TESTS, is_deploy, never_runs, says
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix
from pitstop.workflow.model import Job, Workflow
from pitstop.workflow.yaml import Node, ScalarNode, SequenceNode

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

# The waiting job reads every needed job at once: needs.*, toJSON(needs), ${{ needs }}.
WHOLE = re.compile(r"\bneeds\s*(\.\s*\*|\)|\}\})")
# A job-level `if:` with a status function runs on the needed jobs' results.
STATUS = re.compile(r"\b(success|failure|always|cancelled)\s*\(")
# Anything that can fetch what another job left: the artifact actions (merge included), the
# GitHub CLI, the cache.
HANDOFF = re.compile(
    r"^actions/(download-artifact|upload-artifact/merge)@|download-artifact|artifact",
    re.IGNORECASE,
)
MERGE = re.compile(r"^actions/upload-artifact/merge@", re.IGNORECASE)
HANDOFF_SCRIPT = re.compile(r"\bgh\s+run\s+download\b|\bartifacts?\b", re.IGNORECASE)
# A job is a check when it runs tests, a linter or a type checker and ships nothing: only
# between two checks is a wait a cost with nothing carried (a release pipeline, a summary or a
# merge job orders its jobs on purpose).
LINTS = re.compile(
    r"\b(ruff|flake8|pylint|mypy|pyright|black\s+--check|isort\s+--check|eslint|tsc|"
    r"prettier\s+--check|golangci-lint|go\s+vet|cargo\s+(clippy|check|fmt)|rubocop|"
    r"pre-commit\s+run)\b",
    re.IGNORECASE,
)
DOWNLOAD = re.compile(r"^actions/download-artifact@", re.IGNORECASE)
# A quick job that this many jobs or more wait for is a gate by design: webpack's `basic`, which
# six slow suites wait for, spends no runner minutes on them until the basics pass.
GATE_FAN_OUT = 3
UPLOAD = re.compile(r"^actions/upload-artifact@", re.IGNORECASE)
# A cache one job saves and the waiting job restores is handed over like an artifact.
CACHE_READ = re.compile(r"^actions/cache(/restore)?@", re.IGNORECASE)
CACHE_WRITE = re.compile(r"^actions/cache(/save)?@", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    for workflow, job in repo.jobs():
        for index, needed in enumerate(job.needs):
            other = workflow.jobs.get(needed)
            if other is None:
                continue
            out.checked += 1
            if not _needless(repo, workflow, job, other):
                continue
            if any(
                k != needed
                and k in workflow.jobs
                and not _needless(repo, workflow, job, workflow.jobs[k])
                and not _uses(workflow, job, workflow.jobs[k])
                and needed not in workflow.with_needs(workflow.jobs[k].needs)
                for k in job.needs
            ):
                continue  # it waits anyway, for nothing it reads, for a job beside this one
                # (fastify's package, after the test-unit matrix): "after all of them" by design,
                # and dropping the edge saves time only if this one is the longer
            node = _needs_item(job, index)
            out.flag(
                span(workflow.doc, node),
                f"job '{job.id}' waits for '{needed}' but uses nothing from it (no outputs, "
                "result, artifacts or cache): run side by side, the workflow takes the longer "
                "of the two, not their sum",
                confidence="medium",
                fix=Fix(
                    f"'{job.id}' no longer waits for '{needed}'",
                    "unsafe",  # the wait may be a deliberate gate: cheap checks first
                    partial(_drop, workflow, job, index),
                ),
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} needs edges carry something"


def _needless(repo: Repo, workflow: Workflow, job: Job, other: Job) -> bool:
    """``job`` waits for ``other`` for nothing: both only check, ``other`` is no gate many
    wait for, and ``job`` reads nothing of it."""
    if not (_check_job(repo, job, tests=True) and _check_job(repo, other, tests=False)):
        return False  # a gate, a hand-off or a pipeline's order: not ours to judge
    if sum(other.id in j.needs for j in workflow.jobs.values()) >= GATE_FAN_OUT:
        return False  # a job many wait for is a gate by design (webpack's "basic")
    return not _uses(workflow, job, other)


def _check_job(repo: Repo, job: Job, tests: bool) -> bool:
    """A job that only checks: it runs tests (the waiting job may also be one with service
    containers, a check against a database; the needed job may also run a linter or a type
    checker), calls no reusable workflow, ships nothing, and as the waiting job touches no
    artifact."""
    if job.uses or never_runs(job) or is_deploy(job, repo):
        return False
    if tests:  # the waiting job: anything that may fetch what another job left
        if any(s.uses and HANDOFF.search(s.uses) for s in job.steps):
            return False
        if any(s.run and HANDOFF_SCRIPT.search(s.run) for s in job.steps):
            return False
    elif any(s.uses and MERGE.match(s.uses) for s in job.steps):
        return False  # a merge of artifacts is a hand-off whoever waits
    runs = [s.run for s in job.steps if s.run]
    if any(says(TESTS, r) for r in runs):
        return True
    if tests:
        return bool(job.services)  # a check against a database (migrations, integration)
    return any(says(LINTS, r) for r in runs)


def _uses(workflow: Workflow, job: Job, other: Job) -> bool:
    text = workflow.doc.text[job.node.start.offset : job.node.end.offset]
    name = re.escape(other.id)
    if re.search(rf"\bneeds\s*(\.\s*{name}\b|\[\s*['\"]{name}['\"]\s*\])", text):
        return True
    if WHOLE.search(text) or STATUS.search(str(job.if_ or "")):
        return True
    downloads = any(DOWNLOAD.match(s.uses or "") for s in job.steps)
    if downloads and (
        other.uses is not None or any(UPLOAD.match(s.uses or "") for s in other.steps)
    ):
        return True
    restores = any(CACHE_READ.match(s.uses or "") for s in job.steps)
    return restores and any(CACHE_WRITE.match(s.uses or "") for s in other.steps)


def _needs_item(job: Job, index: int) -> Node:
    node = job.node.get("needs")
    assert node is not None
    return node.items[index] if isinstance(node, SequenceNode) else node


def _drop(workflow: Workflow, job: Job, index: int, context: FixContext) -> None:
    needed = workflow.jobs.get(job.needs[index])
    upstream = set(workflow.with_needs(tuple(n for n in job.needs if n != job.needs[index])))
    lost = [n for n in (needed.needs if needed else ()) if n not in upstream]
    if lost:
        raise CannotFix(
            f"'{job.needs[index]}' is the only path from '{job.id}' to {', '.join(lost)}; "
            "left as it is"
        )
    patch = context.patch(workflow.doc)
    node = job.node.get("needs")
    if isinstance(node, ScalarNode) or (isinstance(node, SequenceNode) and len(node.items) == 1):
        patch.delete_entry(job.node, "needs")
    elif isinstance(node, SequenceNode):
        patch.delete_item(node, index)
    else:
        raise CannotFix("needs: is not a name or a list")


RULE = Rule(
    id="needless-serial-jobs",
    category="speed",
    severity="low",
    summary="A job waits (needs:) for a job it uses nothing from.",
    docs=Docs(
        what="Flags a `needs:` entry between two check jobs, a test job waiting for a test, "
        "lint or type-check job, when the waiting job reads none of the needed job's outputs "
        "or result (`needs.<id>`, `needs.*`, `success()`, `failure()`, `always()`) and "
        "restores none of the caches it saves, and fewer than three jobs wait for the needed one "
        "(a job three or more wait for is a gate by design), and the waiting job does not "
        "also wait, for nothing it reads, for another job beside it (then it runs after all "
        "of them by design). Every other edge is left alone: "
        "deploys, "
        "releases, publishing, summary and merge jobs, calls of reusable workflows, and any "
        "job that touches artifacts order their jobs on purpose or hand something over.",
        why="Each needless edge makes the workflow take the sum of the two jobs instead of the "
        "longer one. Integration tests that wait for unit tests they do not use add the whole "
        "unit-test time to every pull request's feedback.",
        example="jobs:\n  unit: …\n  integration:\n    needs: unit   # uses nothing from unit\n"
        "    steps: …",
        instead="jobs:\n  unit: …\n  integration:\n    steps: …\n\nWhen the wait is a "
        "deliberate gate (spend no runner minutes on slow tests until fast ones pass), say so: "
        "`needs: unit  # pitstop: ignore[needless-serial-jobs] gate`. `pitstop fix --unsafe` "
        "removes the edge.",
    ),
    check=check,
    fixable="unsafe",
)
