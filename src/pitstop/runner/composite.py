"""Composite actions: their steps run inside the calling step, with their own ``inputs``,
``steps`` and success state, and the outputs they declare evaluated at the end.

Source: actions/runner ``CompositeActionHandler.cs``; docs "Metadata syntax for GitHub Actions"
(runs for composite actions). ``secrets`` is not available inside a composite action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pitstop.expr import ExpressionError
from pitstop.expr.values import to_string
from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.scope import Scope
from pitstop.workflow.model import Action

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext
    from pitstop.runner.uses import ActionCall

MAX_DEPTH = 9


async def run_composite(job: StepContext, call: ActionCall, action: Action, folder: str) -> None:
    step, outer, result, uses = call.step, call.scope, call.result, call.uses
    if outer.depth >= MAX_DEPTH:
        job.log.emit("error", f"'{uses}': composite actions are nested more than {MAX_DEPTH} deep")
        result.outcome = FAILURE
        return
    scope = Scope(
        inputs=dict(call.inputs),
        env={**outer.env, **call.env},
        action_path=folder,
        action_name=uses,
        composite=True,
        depth=outer.depth + 1,
        prefix=f"{outer.prefix}{step.label} › ",
    )
    if action.env:
        contexts = job.contexts(scope)
        scope.env.update(job.render_env(action.env, contexts))
    await job.run_steps(action.steps, scope)
    inner = len(scope.prefix)
    if scope.not_run_locally:
        result.not_run_locally = "; ".join(
            f"{label[inner:]}: {why}" for label, why in scope.not_run_locally
        )
    if scope.differs:
        result.differs = "; ".join(f"{label[inner:]}: {why}" for label, why in scope.differs)
    contexts = job.contexts(scope)
    for name, spec in action.outputs.items():
        value = spec.get("value") if isinstance(spec, dict) else None
        if value is None:
            continue
        try:
            result.outputs[name] = to_string(job.evaluate(str(value), contexts))
        except ExpressionError as error:
            job.log.emit("warning", f"Output '{name}' of '{uses}' could not be evaluated: {error}")
    result.outcome = FAILURE if scope.failed or job.timed_out else SUCCESS
