"""dangerous-trigger: ``pull_request_target`` or ``workflow_run`` that checks out the pull
request's code and then runs it, with the base repository's secrets and write token."""

from __future__ import annotations

import re

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job
from pitstop.workflow.yaml import MappingNode, Node

PRIVILEGED = ("pull_request_target", "workflow_run")
# Refs that name the pull request's (or the triggering run's) code, not the base branch.
HEAD_REF = re.compile(
    r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs/pull/"
    r"|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.number"
    r"|github\.event\.pull_request\.number|merge_commit_sha",
    re.IGNORECASE,
)
HEAD_FETCH = re.compile(r"gh\s+pr\s+checkout|git\s+(fetch|checkout|pull)\b[^\n]*(pull/|head)")


def check(repo: Repo, out: Check) -> None:
    for workflow in repo.workflows:
        events = [e for e in PRIVILEGED if e in workflow.triggers]
        if not events:
            continue
        for job in workflow.jobs.values():
            out.checked += 1
            found = _checkout_of_head(job)
            if found is None:
                continue
            index, node = found
            runs_later = any(s.run or s.uses for s in job.steps if s.index > index)
            out.flag(
                span(workflow.doc, node),
                f"'{events[0]}' runs with the repository's secrets and a write token, and job "
                f"'{job.id}' checks out the pull request's code"
                + (" and then runs it" if runs_later else ""),
                confidence="high" if runs_later else "medium",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} privileged jobs keep to trusted code"


def _checkout_of_head(job: Job) -> tuple[int, Node] | None:
    """The step that brings the pull request's code into the job, and the node to point at."""
    for step in job.steps:
        uses = (step.uses or "").lower()
        given = step.node.get("with")
        if uses.startswith("actions/checkout@") and isinstance(given, MappingNode):
            for key in ("ref", "repository"):
                value = given.get(key)
                if value is not None and HEAD_REF.search(str(value.to_python())):
                    return step.index, value
        node = step.node.get("run")
        if step.run and node is not None and HEAD_FETCH.search(step.run):
            return step.index, node
    return None


RULE = Rule(
    id="dangerous-trigger",
    category="security",
    severity="high",
    summary="pull_request_target or workflow_run checks out and runs the pull request's code.",
    docs=Docs(
        what="Flags jobs of workflows triggered by `pull_request_target` or `workflow_run` that "
        "check out the pull request's head (`ref: ${{ github.event.pull_request.head.sha }}`, "
        "`github.head_ref`, `refs/pull/…`, `gh pr checkout`) — the 'pwn request'.",
        why="These triggers run in the base repository's context: with its secrets, a token "
        "that can write, and access to its caches. Checking out a fork's code and then "
        "installing or testing it hands all of that to whoever opened the pull request: a "
        "`setup.py`, a `conftest.py` or a `postinstall` script is enough.",
        example="on: pull_request_target\njobs:\n  test:\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make test",
        instead="Run untrusted code under `on: pull_request`, which has no secrets and a "
        "read-only token. When a privileged step must follow (a comment, a label), split it "
        "into a `workflow_run` workflow that reads the first run's artifacts as data and never "
        "executes them.",
    ),
    check=check,
)
