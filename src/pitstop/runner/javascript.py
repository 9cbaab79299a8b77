"""JavaScript actions (``runs.using: node20`` and the like) with node from the PATH.

Source: actions/runner ``NodeScriptActionHandler.cs`` and docs "Metadata syntax for GitHub
Actions" (runs for JavaScript actions). Inputs arrive as ``INPUT_<NAME>`` (upper case, spaces as
``_``); ``post`` runs at the end of the job (``post-if`` defaults to ``always()``), and state saved
with ``GITHUB_STATE`` arrives as ``STATE_<name>``.

``pre`` (ADR 0361 "wrapper action", actions/runner#389): the ``pre`` of every repository action the
job's steps use runs during job set-up, in step order, before the first step, when ``pre-if``
(default ``always()``) holds. A local action's ``pre`` never runs; the runner says "`pre` execution
is not supported for local action from './x'" (``ActionRunner.cs``). Inside a composite action,
pitstop runs a nested repository action's ``pre`` just before its ``main``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from pitstop.expr import ExpressionError, evaluate_condition
from pitstop.runner.process import ProcessOutcome
from pitstop.runner.results import FAILURE, SKIPPED, StepResult
from pitstop.runner.scope import Scope
from pitstop.workflow.model import Action, Step

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext
    from pitstop.runner.uses import ActionCall


def input_variables(inputs: dict[str, str]) -> dict[str, str]:
    return {f"INPUT_{k.replace(' ', '_').upper()}": v for k, v in inputs.items()}


def pick_node(job: StepContext, scope: Scope, using: str) -> tuple[str | None, str]:
    """(node, note) for an action that asks for ``using`` (``node20``): the job's own node when
    it is at least that version, else the newest node here that is. A newer node than asked runs
    the action with a note, as GitHub's runner runs node12 and node16 actions on node20 and
    node20 ones on node24 ("Transitioning from Node 16 to Node 20", GitHub changelog 2023-09-22;
    "Deprecation of Node 20 on GitHub Actions runners", 2025-09-19). None: the reason."""
    from pitstop.runner.actions.setup_node import installed, major

    wanted = major(using.lower().removeprefix("node")) if using.lower() != "node" else 0
    nodes = installed(job.process_env(scope, {}, "").get("PATH"))
    if not nodes:
        return None, "JavaScript actions need node on the PATH, and none was found"
    fit = [(n, v) for n, v in nodes if major(v) >= wanted]
    if not fit:
        listed = ", ".join(sorted({v for _, v in nodes}))
        return None, f"the action runs on {using}, and only node {listed} is here"
    node, version = fit[0] if major(fit[0][1]) == wanted else max(fit, key=lambda f: major(f[1]))
    if major(version) != wanted:
        return (
            node,
            f"{using} action run on node {version}, as GitHub's runner runs it on a newer one",
        )
    return node, ""


def _script_runner(
    job: StepContext,
    node: str,
    folder: str,
    step: Step,
    scope: Scope,
    env: tuple[dict[str, str], dict[str, str]],  # the step's env, the action's inputs
    state: dict[str, str],
    timeout: float | None,
) -> Callable[[str], Awaitable[ProcessOutcome]]:
    """Run one entry point of the action; the state it saves is kept for the next ones."""

    step_env, inputs = env
    action_scope = Scope(
        steps=scope.steps,
        inputs=inputs,
        env=scope.env,
        action_path=folder,
        action_name=step.uses or "",
        composite=scope.composite,
        depth=scope.depth,
    )
    action_id = scope.action_id(step.id)

    async def run_script(entry: str) -> ProcessOutcome:
        from pitstop.runner.script import run_process

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

    return run_script


async def run_pre_steps(job: StepContext, scope: Scope) -> None:
    """The ``pre`` of the repository JavaScript actions the job's own steps use, in step order."""
    from pitstop.runner.uses import evaluate_inputs, repository_action

    for step in job.job.steps:
        found = repository_action(job, step)
        if found is None:
            continue
        action, folder = found
        if not action.pre or not (action.using or "").lower().startswith("node"):
            continue
        node, _ = pick_node(job, scope, action.using or "")
        if node is None:
            continue  # main reports node missing as not run locally
        label = f"Pre {step.label}"
        result = StepResult(label=label, id=None)
        job.log.begin_step(label)
        job.step_cancel = asyncio.Event()
        contexts = job.contexts(scope)
        condition = str(action.pre_if) if action.pre_if is not None else "always()"
        try:
            runs = evaluate_condition(condition, contexts, status=job.status(scope))
            step_env = job.render_env(step.env, contexts) if step.env else {}
            inputs = evaluate_inputs(job, step, contexts, action)
        except ExpressionError as error:
            job.log.emit("error", str(error))
            result.outcome = FAILURE
            runs = False
        if runs:
            state = job.pre_state.setdefault(id(step), {})
            run_script = _script_runner(
                job, node, folder, step, scope, (step_env, inputs), state, None
            )
            job.finish_process(result, await run_script(action.pre), None)
        elif result.outcome != FAILURE:
            result.outcome = SKIPPED
        result.conclusion = result.outcome
        job.result.steps.append(result)
        if result.conclusion == FAILURE:
            scope.failed = True


async def run_node_action(job: StepContext, call: ActionCall, action: Action, folder: str) -> None:
    from pitstop.runner.uses import not_run_locally

    step, scope, result, inputs = call.step, call.scope, call.result, call.inputs
    step_env, timeout = call.env, call.timeout
    node, note = pick_node(job, scope, action.using or "")
    if node is None:
        not_run_locally(job, result, note)
        return
    if note:
        job.log.emit("notice", note)
    if not action.main:
        job.log.emit("error", "The action has no runs.main")
        result.outcome = FAILURE
        return
    state = job.pre_state.get(id(step), {})
    run_script = _script_runner(job, node, folder, step, scope, (step_env, inputs), state, timeout)
    if action.pre and not call.name:
        job.log.emit(
            "warning", f"`pre` execution is not supported for local action from '{call.uses}'"
        )
    elif action.pre and scope.composite:
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
