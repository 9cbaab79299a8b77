"""Jobs that call a reusable workflow in this repository (``uses: ./.github/workflows/x.yml``).

Docs "Reusing workflows": inputs come from ``with`` (defaults and types from
``on.workflow_call.inputs``), secrets from ``secrets`` or all of the caller's with
``secrets: inherit``; the called workflow's jobs run as ``caller / job``; its outputs are
``on.workflow_call.outputs.<name>.value`` evaluated against its ``jobs`` context.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any

from pitstop.errors import PitstopError
from pitstop.expr import ExpressionError, evaluate
from pitstop.expr.template import render
from pitstop.expr.values import to_string
from pitstop.runner.results import FAILURE, SKIPPED, SUCCESS
from pitstop.workflow.model import Job
from pitstop.workflow.repository import load_file

if TYPE_CHECKING:
    from pitstop.runner.scheduler import JobOutcome, WorkflowRun


def _typed(value: Any, kind: str) -> Any:
    if kind == "boolean" and isinstance(value, str):
        return value.strip().lower() == "true"
    if kind == "number" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


async def run_called_workflow(
    caller: WorkflowRun, job: Job, contexts: dict[str, Any]
) -> JobOutcome:
    from pitstop.runner.scheduler import JobOutcome, WorkflowRun

    uses = job.uses or ""
    if not uses.startswith("./"):
        return caller.skip(
            job,
            None,
            FAILURE if caller.state.options.strict else SKIPPED,
            not_run_locally=f"'{uses}' is a reusable workflow in another repository",
        )
    path = os.path.join(caller.state.root, uses[2:].split("@")[0])
    loaded = load_file(path, "workflow")
    if loaded.workflow is None or loaded.problems:
        problem = loaded.problems[0] if loaded.problems else PitstopError("cannot be read")
        return caller.skip(job, f"{uses}: {problem}", FAILURE)
    called = loaded.workflow
    trigger = called.triggers.get("workflow_call")
    if trigger is None:
        return caller.skip(job, f"{uses} is not triggered by workflow_call", FAILURE)
    data = {**contexts, "secrets": dict(caller.secrets), "matrix": {}, "strategy": {}}

    def evaluate_value(value: Any) -> Any:
        if isinstance(value, str):
            return render(value, lambda e: evaluate(e, data))
        return value

    try:
        given = {k: evaluate_value(v) for k, v in job.with_.items()}
        if job.secrets_inherit:
            secrets = dict(caller.secrets)
        elif isinstance(job.secrets, dict):
            secrets = {k: to_string(evaluate_value(v)) for k, v in job.secrets.items()}
        else:
            secrets = {}
    except ExpressionError as error:
        return caller.skip(job, f"{uses}: {error}", FAILURE)
    inputs: dict[str, Any] = {}
    for name, spec in trigger.inputs.items():
        spec = spec if isinstance(spec, dict) else {}
        kind = str(spec.get("type", "string"))
        if name in given:
            inputs[name] = _typed(given[name], kind)
        elif spec.get("default") is not None:
            inputs[name] = _typed(evaluate_value(spec["default"]), kind)
        elif spec.get("required"):
            return caller.skip(job, f"{uses}: input '{name}' is required", FAILURE)
    nested = WorkflowRun(
        state=caller.state,
        workflow=called,
        info=caller.info,
        inputs=inputs,
        secrets=secrets,
        selected=set(called.jobs),
        matrix_filter={},
        prefix=f"{caller.prefix}{job.id} / ",
        slots=caller.slots,
    )
    outcomes = await nested.run()
    caller.results.extend(nested.results)
    jobs_context = {k: {"result": o.result, "outputs": o.outputs} for k, o in outcomes.items()}
    outputs: dict[str, str] = {}
    for name, spec in trigger.outputs.items():
        value = spec.get("value") if isinstance(spec, dict) else None
        if value is None:
            continue
        with contextlib.suppress(ExpressionError):
            outputs[name] = to_string(
                render(str(value), lambda e: evaluate(e, {**data, "jobs": jobs_context}))
            )
    results = [o.result for o in outcomes.values()]
    result = FAILURE if FAILURE in results else "cancelled" if "cancelled" in results else SUCCESS
    return JobOutcome(result, outputs)
