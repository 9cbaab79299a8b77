"""A plan as text, as a needs graph (text and Mermaid), and as JSON-ready data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pitstop.plan import Event, JobPlan, WorkflowPlan


def _matrix_text(job: JobPlan) -> str:
    m = job.matrix
    if m.pending:
        return f"matrix {m.pending}"
    if m.error:
        return f"matrix invalid: {m.error}"
    rows = [r for r in m.rows if r]
    if not rows:
        return ""
    shown = "; ".join(", ".join(f"{k}={v}" for k, v in r.items()) for r in rows[:4])
    more = f"; … {len(rows) - 4} more" if len(rows) > 4 else ""
    return f"matrix x{len(rows)}: {shown}{more}"


def _job_line(job: JobPlan) -> str:
    parts = [job.id]
    if job.names:
        more = f", … {len(job.names) - 2} more" if len(job.names) > 2 else ""
        parts.append(f"({', '.join(job.names[:2])}{more})")
    elif job.name and job.name != job.id:
        parts.append(f"({job.name})")
    if job.needs:
        parts.append(f"needs {', '.join(job.needs)}")
    if job.calls:
        parts.append(f"calls {job.calls}")
    matrix = _matrix_text(job)
    if matrix:
        parts.append(f"[{matrix}]")
    if job.verdict:
        parts.append(f"— {job.verdict}")
    return " ".join(parts)


def describe_event(event: Event) -> str:
    text = f"{event.name} to {event.ref}"
    if event.base_ref and event.name.startswith("pull_request"):
        text = f"{event.name} from {event.head_ref or event.ref_name} into {event.base_ref}"
    if event.action:
        text += f" (activity type {event.action})"
    return text


def describe_changes(event: Event) -> str:
    if event.changed is None:
        return "Changed files: unknown (not a git repository)"
    files = list(event.changed)
    source = f"\n  ({event.changes_from})" if event.changes_from else ""
    if not files:
        return f"Changed files: none{source}"
    shown = ", ".join(files[:5]) + (f", … {len(files) - 5} more" if len(files) > 5 else "")
    return f"Changed files ({len(files)}): {shown}{source}"


def render_text(event: Event, plans: Sequence[WorkflowPlan]) -> str:
    lines = [f"Plan for {describe_event(event)}", describe_changes(event), ""]
    for plan in plans:
        verb = "runs" if plan.runs else "does not run"
        lines.append(f"{plan.name} ({plan.path}) {verb}")
        for reason in plan.reasons:
            lines.append(f"    because {reason}")
        for problem in plan.problems:
            lines.append(f"    {problem}")
        for job in plan.jobs:
            lines.append(f"    - {_job_line(job)}")
        lines.append("")
    running = sum(p.runs for p in plans)
    jobs = sum(len(p.jobs) for p in plans)
    lines.append(f"{running} of {len(plans)} workflows run, {jobs} jobs.")
    return "\n".join(lines)


def render_graph(plans: Sequence[WorkflowPlan]) -> str:
    """The needs graph of each running workflow, as indented text and as a Mermaid block."""
    lines: list[str] = []
    for plan in plans:
        if not plan.runs:
            continue
        lines.append(f"{plan.name} ({plan.path})")
        lines.extend(_tree(plan))
        lines.append("")
        lines.append("```mermaid")
        lines.append("graph LR")
        for job in plan.jobs:
            if not job.needs:
                lines.append(f'  {_mermaid_id(job.id)}["{job.id}"]')
            for need in job.needs:
                lines.append(
                    f'  {_mermaid_id(need)}["{need}"] --> {_mermaid_id(job.id)}["{job.id}"]'
                )
        lines.append("```")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _tree(plan: WorkflowPlan) -> list[str]:
    """Jobs under the jobs they need; a job needed by several is shown once, then referred to."""
    children: dict[str, list[str]] = {j.id: [] for j in plan.jobs}
    for planned in plan.jobs:
        for need in planned.needs:
            children.setdefault(need, []).append(planned.id)
    lines: list[str] = []
    seen: set[str] = set()
    stack = [(j.id, 0) for j in reversed(plan.jobs) if not j.needs]
    while stack:
        job_id, depth = stack.pop()
        mark = " (see above)" if job_id in seen else ""
        lines.append("    " + "  " * depth + ("└─ " if depth else "") + job_id + mark)
        if job_id not in seen:
            seen.add(job_id)
            stack.extend((child, depth + 1) for child in reversed(children.get(job_id, [])))
    return lines


def _mermaid_id(job: str) -> str:
    return "j_" + "".join(c if c.isalnum() else "_" for c in job)


def to_data(event: Event, plans: Sequence[WorkflowPlan]) -> dict[str, Any]:
    return {
        "event": {
            "name": event.name,
            "ref": event.ref,
            "action": event.action,
            "base_ref": event.base_ref,
            "head_ref": event.head_ref,
            "changed_files": None if event.changed is None else list(event.changed),
            "changes_from": event.changes_from,
            "inputs": dict(event.inputs),
        },
        "workflows": [
            {
                "path": p.path,
                "name": p.name,
                "runs": p.runs,
                "reasons": list(p.reasons),
                "problems": [str(e) for e in p.problems],
                "jobs": [
                    {
                        "id": j.id,
                        "name": j.name,
                        "names": list(j.names),
                        "needs": list(j.needs),
                        "if": j.condition,
                        "verdict": j.verdict,
                        "calls": j.calls,
                        "matrix": {
                            "rows": j.matrix.rows,
                            "pending": j.matrix.pending,
                            "error": j.matrix.error,
                        },
                    }
                    for j in p.jobs
                ],
            }
            for p in plans
        ],
    }
