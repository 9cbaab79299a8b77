"""JavaScript actions (``runs.using: node20`` and the like) with node from the PATH.

Source: actions/runner ``NodeScriptActionHandler.cs`` and docs "Metadata syntax for GitHub
Actions" (runs for JavaScript actions). Inputs arrive as ``INPUT_<NAME>`` (upper case, spaces as
``_``); ``pre`` runs before ``main``, ``post`` at the end of the job (``post-if`` defaults to
``always()``), and state saved with ``GITHUB_STATE`` arrives as ``STATE_<name>``. Unlike GitHub,
``pre`` runs just before ``main`` rather than at the start of the job.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from pitstop.expr import ExpressionError, evaluate_condition
from pitstop.runner.results import FAILURE, SKIPPED, StepResult
from pitstop.runner.scope import Scope
from pitstop.workflow.model import Action

if TYPE_CHECKING:
    from pitstop.runner.actions import ActionCall
    from pitstop.runner.job import JobRun


def input_variables(inputs: dict[str, str]) -> dict[str, str]:
    return {f"INPUT_{k.replace(' ', '_').upper()}": v for k, v in inputs.items()}


async def run_node_action(job: JobRun, call: ActionCall, action: Action, folder: str) -> None:
    from pitstop.runner.actions import not_run_locally
    from pitstop.runner.script import run_process

    step, scope, result, inputs = call.step, call.scope, call.result, call.inputs
    step_env, timeout = call.env, call.timeout
    node = shutil.which("node", path=job.process_env(scope, {}, "").get("PATH"))
    if node is None:
        not_run_locally(job, result, "JavaScript actions need node on the PATH, and none was found")
        return
    if not action.main:
        job.log.emit("error", "The action has no runs.main")
        result.outcome = FAILURE
        return
    action_scope = Scope(
        steps=scope.steps,
        inputs=inputs,
        env=scope.env,
        action_path=folder,
        action_name=step.uses or "",
        composite=scope.composite,
        depth=scope.depth,
    )
    state: dict[str, str] = {}
    action_id = scope.action_id(step.id)

    async def run_script(entry: str) -> Any:
        env = job.process_env(action_scope, {**step_env, **input_variables(inputs)}, action_id)
        env.update({f"STATE_{k}": v for k, v in state.items()})
        outcome = await run_process(
            job,
            [node, f"{folder}/{entry}"],
            cwd=job.workspace,
            env=env,
            timeout=timeout,
            cancel=job.step_cancel,
        )
        state.update(outcome.state)
        return outcome

    if action.pre:
        pre = await run_script(action.pre)
        if pre.finished.exit_code:
            job.finish_process(result, pre, timeout)
            return
    outcome = await run_script(action.main)
    job.finish_process(result, outcome, timeout)
    if action.post:
        post_entry = action.post
        condition = str(action.post_if) if action.post_if is not None else "always()"

        async def post() -> StepResult | None:
            post_result = StepResult(label=f"Post {step.label}", id=None)
            status = job.status(scope)
            try:
                runs = evaluate_condition(condition, job.contexts(scope), status=status)
            except ExpressionError as error:
                job.log.emit("error", str(error))
                post_result.outcome = post_result.conclusion = FAILURE
                return post_result
            if not runs:
                post_result.outcome = post_result.conclusion = SKIPPED
                return post_result
            post_outcome = await run_script(post_entry)
            job.finish_process(post_result, post_outcome, timeout)
            post_result.conclusion = post_result.outcome
            return post_result

        job.post_steps.append((step.label, post))
