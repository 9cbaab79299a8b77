"""``pitstop run --dry-run``: what the same command would run, from the same selection (workflows,
``-j``, ``--only``, ``--matrix``, ``--all``), job by job, row by row and step by step, with the
reason for each thing that would not run. Nothing runs and nothing is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pitstop.expr.values import to_string
from pitstop.plan import Event, JobPlan, plan_jobs
from pitstop.report.plan import describe_event
from pitstop.runner.actions import predict
from pitstop.runner.scheduler import matrix_wanted, no_row_matches, row_matches
from pitstop.workflow.model import Job, Workflow


@dataclass(frozen=True)
class Chosen:
    """A workflow the run would start, and the jobs selected in it."""

    workflow: Workflow
    jobs: frozenset[str]
    why: str  # why the event starts it


def describe(
    chosen: Sequence[Chosen],
    left_out: Sequence[tuple[str, str]],
    event: Event,
    matrix_filter: dict[str, str],
    selection: str,
    cache_root: str,
    host_containers: bool,
    offline: bool = False,
) -> str:
    """The preview as text; ``selection`` names what chose the jobs (``-j lint``)."""
    lines = [f"Dry run for {describe_event(event)}: nothing runs", ""]
    jobs = rows = missing = 0
    for item in chosen:
        workflow = item.workflow
        lines.append(f"{workflow.display_name} ({workflow.path}) runs: {item.why}")
        for plan in plan_jobs(workflow, event):
            job = workflow.jobs[plan.id]
            if plan.id not in item.jobs:
                lines.append(f"  - {plan.id}: not selected ({selection})")
                continue
            if plan.verdict and plan.verdict.startswith("skipped"):
                lines.append(f"  - {plan.id}: {plan.verdict}")
                continue
            shown, count = _rows(plan, matrix_filter)
            if count == 0:
                lines.append(f"  - {plan.id}: skipped: {shown}")
                continue
            jobs, rows = jobs + 1, rows + count
            note = f" — {plan.verdict}" if plan.verdict else ""
            lines.append(f"  ✓ {plan.id}{shown}{note}")
            if job.uses:
                lines.append(f"      calls {job.uses}")
                continue
            if job.container is not None and not host_containers:
                missing += 1
                lines.append("      not run locally: container jobs need a Docker engine")
                continue
            for text, not_run in _steps(job, cache_root, offline):
                missing += not_run
                lines.append(f"      {'✗' if not_run else '·'} {text}")
        lines.append("")
    for path, why in left_out:
        lines.append(f"{path} does not run: {why}")
    if left_out:
        lines.append("")
    lines.append(
        f"{jobs} job(s), {rows} with their matrix rows, in {len(chosen)} workflow(s) would run"
        + (f"; {missing} step(s) or job(s) would not run locally" if missing else "")
    )
    return "\n".join(lines)


def _rows(plan: JobPlan, matrix_filter: dict[str, str]) -> tuple[str, int]:
    """The rows that would run, as text, and how many (0: none would)."""
    matrix = plan.matrix
    if matrix.pending or matrix.error:
        return f" [matrix {matrix.pending or matrix.error}]", 1
    rows = matrix.rows
    wanted = matrix_wanted(rows, matrix_filter)
    if wanted:
        kept = [r for r in rows if row_matches(r, wanted)]
        if not kept:
            return no_row_matches(wanted, rows), 0
        rows = kept
    if rows == [{}]:
        return "", 1
    listed = "; ".join(", ".join(f"{k}={to_string(v)}" for k, v in r.items()) for r in rows)
    return f" [{len(rows)} row(s): {listed}]", len(rows)


def _steps(job: Job, cache_root: str, offline: bool) -> list[tuple[str, bool]]:
    found = []
    for step in job.steps:
        condition = f" (if: {to_string(step.if_)})" if step.if_ is not None else ""
        if step.uses is None:
            found.append((f"{step.label}{condition}", False))
            continue
        how, not_run = predict(step.uses, cache_root, {}, offline)
        if not_run:
            found.append((f"{step.label}: not run locally: {not_run}", True))
        else:
            found.append((f"{step.label}: {how}{condition}", False))
    return found
