"""What an event would trigger: which workflows run and why, and their jobs in ``needs`` order.

Trigger rules (docs: "Workflow syntax", on.<push|pull_request>.<branches|tags|paths>): a workflow
whose push filters name only branches does not run for tag pushes and the reverse; path filters are
not evaluated for tag pushes; when branch and path filters are both given, both must pass. Pull
requests match branch filters against the base branch and run, without ``types``, for opened,
synchronize and reopened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pitstop.errors import PitstopError
from pitstop.expr import ExpressionError, evaluate
from pitstop.expr.template import condition_text, render
from pitstop.expr.values import to_string, truthy
from pitstop.workflow.filters import Decision, names_workflow, path_filter, ref_filter
from pitstop.workflow.matrix import MatrixResult, expand_matrix
from pitstop.workflow.model import Job, Trigger, Workflow


@dataclass(frozen=True)
class Event:
    """The event being planned for: its name, the ref, the changed files and the inputs."""

    name: str
    ref: str
    changed: tuple[str, ...] | None  # None: unknown, path filters cannot be decided
    inputs: Mapping[str, Any] = field(default_factory=dict)
    action: str | None = None  # the activity type, e.g. "opened"
    base_ref: str | None = None  # pull requests: the branch merged into
    head_ref: str | None = None
    sha: str | None = None
    repository: str | None = None
    workflow_name: str | None = None  # workflow_run: the workflow that completed
    changes_from: str | None = None  # what the changed files were compared with, when not obvious
    default_branch: str = "main"

    @property
    def ref_kind(self) -> str:
        return "tag" if self.ref.startswith("refs/tags/") else "branch"

    @property
    def ref_name(self) -> str:
        for prefix in ("refs/heads/", "refs/tags/"):
            if self.ref.startswith(prefix):
                return self.ref[len(prefix) :]
        return self.ref


@dataclass(frozen=True)
class JobPlan:
    id: str
    name: str | None
    needs: tuple[str, ...]
    matrix: MatrixResult
    condition: str | None  # the job's ``if`` as written
    verdict: str | None  # None: runs; otherwise why it will be skipped or is undecided
    calls: str | None  # a reusable workflow it calls
    names: tuple[str, ...] = ()  # the name evaluated for each matrix row, when it has ${{ }}


@dataclass(frozen=True)
class WorkflowPlan:
    path: str
    name: str
    runs: bool
    reasons: tuple[str, ...]
    jobs: tuple[JobPlan, ...] = ()
    problems: tuple[PitstopError, ...] = ()


def decide(workflow: Workflow, event: Event) -> Decision:
    """Whether ``event`` starts ``workflow``, with the reason."""
    trigger = workflow.triggers.get(event.name)
    if trigger is None:
        listed = ", ".join(workflow.triggers) or "nothing"
        return Decision(False, f"not triggered by {event.name} (on: {listed})")
    if event.name == "push":
        return _decide_push(trigger, event)
    if event.name in ("pull_request", "pull_request_target"):
        return _decide_pull_request(trigger, event)
    if event.name == "workflow_run":
        return _decide_workflow_run(trigger, event)
    types = _decide_types(trigger, event)
    return types or Decision(True, f"on: {event.name}")


def _decide_types(trigger: Trigger, event: Event) -> Decision | None:
    if event.action is None:
        return None
    wanted = trigger.activity_types()
    if wanted and event.action not in wanted:
        return Decision(
            False, f"activity type '{event.action}' is not in types: [{', '.join(wanted)}]"
        )
    return None


def _decide_push(trigger: Trigger, event: Event) -> Decision:
    kind = event.ref_kind
    has_branch = trigger.branches is not None or trigger.branches_ignore is not None
    has_tag = trigger.tags is not None or trigger.tags_ignore is not None
    if kind == "tag" and has_branch and not has_tag:
        return Decision(False, "push filters name only branches, and this push is of a tag")
    if kind == "branch" and has_tag and not has_branch:
        return Decision(False, "push filters name only tags, and this push is of a branch")
    if kind == "tag":
        decision = ref_filter("tag", trigger.tags, trigger.tags_ignore, event.ref_name)
        return decision  # path filters are not evaluated for tag pushes
    decision = ref_filter("branch", trigger.branches, trigger.branches_ignore, event.ref_name)
    if not decision.runs:
        return decision
    return _with_paths(decision, trigger, event)


def _decide_pull_request(trigger: Trigger, event: Event) -> Decision:
    types = _decide_types(trigger, event)
    if types:
        return types
    base = event.base_ref or event.ref_name
    decision = ref_filter("branch", trigger.branches, trigger.branches_ignore, base)
    if not decision.runs:
        return Decision(False, f"base {decision.reason}")
    return _with_paths(decision, trigger, event)


def _decide_workflow_run(trigger: Trigger, event: Event) -> Decision:
    named = event.workflow_name
    if (
        trigger.workflows is not None
        and named is not None
        and not names_workflow([str(w) for w in trigger.workflows], named)
    ):
        listed = ", ".join(trigger.workflows)
        return Decision(False, f"'{named}' is not in workflows: [{listed}]")
    types = _decide_types(trigger, event)
    if types:
        return types
    return ref_filter("branch", trigger.branches, trigger.branches_ignore, event.ref_name)


def _with_paths(decision: Decision, trigger: Trigger, event: Event) -> Decision:
    if trigger.paths is None and trigger.paths_ignore is None:
        return decision
    if event.changed is None:
        return Decision(True, f"{decision.reason}; path filters not checked (changes unknown)")
    paths = path_filter(trigger.paths, trigger.paths_ignore, event.changed)
    if not paths.runs:
        return paths
    return Decision(True, f"{decision.reason}; {paths.reason}")


def github_context(event: Event, workflow: Workflow) -> dict[str, Any]:
    """The parts of the ``github`` context a plan can know."""
    owner = (event.repository or "").split("/")[0]
    return {
        "event_name": event.name,
        "ref": event.ref,
        "ref_name": event.ref_name,
        "ref_type": event.ref_kind,
        "base_ref": event.base_ref or "",
        "head_ref": event.head_ref or "",
        "sha": event.sha or "",
        "repository": event.repository or "",
        "repository_owner": owner,
        "workflow": workflow.display_name,
        "event": {"action": event.action} if event.action else {},
    }


def plan_workflow(
    workflow: Workflow, event: Event, problems: Sequence[PitstopError] = ()
) -> WorkflowPlan:
    if problems:
        return WorkflowPlan(
            workflow.path,
            workflow.display_name,
            False,
            ("the workflow is invalid; GitHub would not run it",),
            problems=tuple(problems),
        )
    decision = decide(workflow, event)
    if not decision.runs:
        return WorkflowPlan(workflow.path, workflow.display_name, False, (decision.reason,))
    return WorkflowPlan(
        workflow.path, workflow.display_name, True, (decision.reason,), plan_jobs(workflow, event)
    )


def plan_jobs(workflow: Workflow, event: Event) -> tuple[JobPlan, ...]:
    """Every job of ``workflow`` in needs order, with its matrix and verdict, for ``event``."""
    contexts = {"github": github_context(event, workflow), "inputs": dict(event.inputs), "vars": {}}
    jobs = tuple(_plan_job(workflow.jobs[j], contexts) for j in needs_order(workflow.jobs))
    return _skip_dependents(jobs)


def needs_order(jobs: Mapping[str, Job]) -> list[str]:
    """Job ids so that every job comes after the jobs it needs; file order breaks ties."""
    placed: list[str] = []
    done: set[str] = set()
    remaining = list(jobs)
    while remaining:
        ready = [j for j in remaining if all(n in done or n not in jobs for n in jobs[j].needs)]
        if not ready:  # a cycle (validation reports it): keep file order
            ready = remaining[:1]
        for job in ready:
            placed.append(job)
            done.add(job)
        remaining = [j for j in remaining if j not in done]
    return placed


def _plan_job(job: Job, contexts: dict[str, Any]) -> JobPlan:
    def evaluate_at_plan_time(text: str) -> Any:
        try:
            return render(text, lambda expression: evaluate(expression, contexts))
        except ExpressionError as error:
            raise LookupError(error.message) from error

    matrix = (
        expand_matrix(job.strategy.matrix, evaluate_at_plan_time)
        if job.strategy is not None
        else MatrixResult([{}])
    )
    condition = None if job.if_ is None else str(job.if_)
    verdict = None
    if job.if_ is not None and not isinstance(job.if_, bool):
        text = str(job.if_)
        try:
            if not truthy(evaluate(condition_text(text), {**contexts, "needs": {}})):
                verdict = f"skipped: if: {text} is false"
        except ExpressionError:
            verdict = f"decided at run time: if: {text}"
    elif job.if_ is False:
        verdict = "skipped: if: false"
    names: tuple[str, ...] = ()
    if job.name and "${{" in job.name and not matrix.pending and not matrix.error:
        try:
            names = tuple(_render_name(job.name, {**contexts, "matrix": r}) for r in matrix.rows)
        except ExpressionError:
            names = ()
    return JobPlan(job.id, job.name, job.needs, matrix, condition, verdict, job.uses, names)


def _render_name(name: str, contexts: dict[str, Any]) -> str:
    return to_string(render(name, lambda expression: evaluate(expression, contexts)))


def _skip_dependents(jobs: tuple[JobPlan, ...]) -> tuple[JobPlan, ...]:
    """A job whose needed job is skipped is skipped too, unless its ``if`` asks for status."""
    skipped: set[str] = set()
    out: list[JobPlan] = []
    for job in jobs:
        if job.verdict and job.verdict.startswith("skipped"):
            skipped.add(job.id)
        elif job.verdict is None:
            blocked = [n for n in job.needs if n in skipped]
            uses_status = job.condition is not None and any(
                f in job.condition for f in ("always()", "failure()", "cancelled()")
            )
            if blocked and not uses_status:
                job = replace(job, verdict=f"skipped: needs '{blocked[0]}', which is skipped")
                skipped.add(job.id)
        out.append(job)
    return tuple(out)
