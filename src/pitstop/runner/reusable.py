"""Jobs that call a reusable workflow in this repository (``uses: ./.github/workflows/x.yml``).

Docs "Reusing workflows": inputs come from ``with`` (defaults and types from
``on.workflow_call.inputs``), secrets from ``secrets`` or all of the caller's with
``secrets: inherit``; the called workflow's jobs run as ``caller / job``; its outputs are
``on.workflow_call.outputs.<name>.value`` evaluated against its ``jobs`` context.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Any

from pitstop.errors import PitstopError
from pitstop.expr import ExpressionError, evaluate
from pitstop.expr.template import render
from pitstop.expr.values import to_string
from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.workflow.model import Job, Workflow
from pitstop.workflow.repository import load_file


def _typed(value: Any, kind: str) -> Any:
    if kind == "boolean" and isinstance(value, str):
        return value.strip().lower() == "true"
    if kind == "number" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


class Refused(Exception):
    """The call cannot run: the job ends with ``result`` and this reason."""

    def __init__(self, reason: str | None, result: str, not_run_locally: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.result = result
        self.not_run_locally = not_run_locally


@dataclass
class Call:
    """A called workflow ready to run: its inputs and secrets, and the contexts its outputs are
    evaluated with once its jobs are done."""

    workflow: Workflow
    inputs: dict[str, Any]
    secrets: dict[str, str]
    data: dict[str, Any]


def prepare_call(
    root: str, job: Job, contexts: dict[str, Any], secrets: dict[str, str], not_run: str
) -> Call:
    """The workflow ``job`` calls, with its inputs typed and its secrets; ``Refused`` when it
    cannot run here (``not_run``: the result a job not run locally ends with)."""
    uses = job.uses or ""
    if not uses.startswith("./"):
        raise Refused(
            None,
            not_run,
            not_run_locally=f"'{uses}' is a reusable workflow in another repository",
        )
    path = os.path.join(root, uses[2:].split("@")[0])
    loaded = load_file(path, "workflow")
    if loaded.workflow is None or loaded.problems:
        problem = loaded.problems[0] if loaded.problems else PitstopError("cannot be read")
        raise Refused(f"{uses}: {problem}", FAILURE)
    called = loaded.workflow
    trigger = called.triggers.get("workflow_call")
    if trigger is None:
        raise Refused(f"{uses} is not triggered by workflow_call", FAILURE)
    data = {**contexts, "secrets": dict(secrets), "matrix": {}, "strategy": {}}

    def evaluate_value(value: Any) -> Any:
        if isinstance(value, str):
            return render(value, lambda e: evaluate(e, data))
        return value

    try:
        given = {k: evaluate_value(v) for k, v in job.with_.items()}
        if job.secrets_inherit:
            passed = dict(secrets)
        elif isinstance(job.secrets, dict):
            passed = {k: to_string(evaluate_value(v)) for k, v in job.secrets.items()}
        else:
            passed = {}
    except ExpressionError as error:
        raise Refused(f"{uses}: {error}", FAILURE) from None
    inputs: dict[str, Any] = {}
    for name, spec in trigger.inputs.items():
        spec = spec if isinstance(spec, dict) else {}
        kind = str(spec.get("type", "string"))
        if name in given:
            inputs[name] = _typed(given[name], kind)
        elif spec.get("default") is not None:
            inputs[name] = _typed(evaluate_value(spec["default"]), kind)
        elif spec.get("required"):
            raise Refused(f"{uses}: input '{name}' is required", FAILURE)
    return Call(called, inputs, passed, data)


def called_outputs(
    call: Call, outcomes: dict[str, tuple[str, dict[str, str]]]
) -> tuple[str, dict[str, str]]:
    """The call's result and ``on.workflow_call.outputs``, from its jobs' (result, outputs)."""
    trigger = call.workflow.triggers["workflow_call"]
    jobs_context = {k: {"result": r, "outputs": o} for k, (r, o) in outcomes.items()}
    outputs: dict[str, str] = {}
    for name, spec in trigger.outputs.items():
        value = spec.get("value") if isinstance(spec, dict) else None
        if value is None:
            continue
        with contextlib.suppress(ExpressionError):
            outputs[name] = to_string(
                render(str(value), lambda e: evaluate(e, {**call.data, "jobs": jobs_context}))
            )
    results = [r for r, _ in outcomes.values()]
    result = FAILURE if FAILURE in results else "cancelled" if "cancelled" in results else SUCCESS
    return result, outputs
