"""``uses:`` steps: local actions, emulated common actions, cached remote actions, or an honest
"not run locally".

Each emulation is one module of this package with ``async def run(job, call)``; ``EMULATIONS``
maps the action's ``owner/repo[/path]`` (case-insensitive, any ref) to it.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from pitstop.errors import PitstopError
from pitstop.expr.values import to_string
from pitstop.runner.action_ref import EMULATIONS, split_uses
from pitstop.runner.fetch import action_key, cached_action_folder, known_commit
from pitstop.runner.results import FAILURE, StepResult
from pitstop.runner.scope import Scope
from pitstop.runner.uses import ActionCall, evaluate_inputs, load_local_action, not_run_locally
from pitstop.workflow.model import Step

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


async def run_action(
    job: StepContext,
    step: Step,
    scope: Scope,
    result: StepResult,
    contexts: dict[str, Any],
    step_env: dict[str, str],
    timeout: float | None,
) -> None:
    uses = to_string(job.render_value(step.uses or "", contexts))
    name, ref = ("", "") if uses.startswith("./") else split_uses(uses)
    call = ActionCall(step, scope, result, uses, name.lower(), ref, step_env, timeout)
    if uses.startswith("docker://"):
        not_run_locally(job, result, docker_reason(uses))
        return
    if uses.startswith("./"):
        folder = os.path.normpath(os.path.join(job.workspace, uses))
        await _run_folder_action(job, call, contexts, folder)
        return
    module = EMULATIONS.get(call.name)
    if module is not None:
        call.inputs = evaluate_inputs(job, step, contexts, None)
        emulation = importlib.import_module(f"pitstop.runner.actions.{module}")
        await emulation.run(job, call)
        return
    cached = cached_action_folder(job.state.tool_cache, name, ref)
    if cached is not None:
        owner, repo = name.split("/")[:2]
        commit = known_commit(job.state.tool_cache, owner, repo, ref) or ""
        job.state.action_commits[action_key(name, ref)] = commit
        job.log.line(f"{name}@{ref} is commit {commit} (the local action cache)")
        await _run_folder_action(job, call, contexts, cached)
        return
    failures = job.state.fetch_failures
    if job.state.options.offline:
        failures = {action_key(name, ref): OFFLINE}
    not_run_locally(job, result, uncached_reason(uses, failures))


def docker_reason(uses: str) -> str:
    return f"'{uses}' is a Docker action and needs a Docker engine"


OFFLINE = "offline"  # fetch_failures' value for every action when the run is --offline


def uncached_reason(uses: str, fetch_failures: dict[str, str]) -> str:
    failed = fetch_failures.get(action_key(*split_uses(uses)))
    if failed == OFFLINE:
        return f"'{uses}' is not in the local action cache, and --offline does not fetch it"
    if failed:
        return f"'{uses}' could not be fetched: {failed}"
    return f"'{uses}' is not in the local action cache"


def predict(
    uses: str, cache_root: str, fetch_failures: dict[str, str], offline: bool = False
) -> tuple[str, str | None]:
    """How a ``uses:`` step would run, told before the run: (how, why it would not run
    locally or None)."""
    if "${{" in uses:
        return "decided when it runs (uses: holds an expression)", None
    if uses.startswith("docker://"):
        return "", docker_reason(uses)
    if uses.startswith("./"):
        return "local action", None
    name, ref = split_uses(uses)
    if name.lower() in EMULATIONS:
        return "emulated", None
    if cached_action_folder(cache_root, name, ref) is not None:
        return "from the local action cache", None
    if offline:
        return "", uncached_reason(uses, {action_key(name, ref): OFFLINE})
    return "fetched when the run starts", None


async def _run_folder_action(
    job: StepContext, call: ActionCall, contexts: dict[str, Any], folder: str
) -> None:
    result, uses = call.result, call.uses
    try:
        action = load_local_action(folder)
    except FileNotFoundError as missing:
        if str(missing) == "Dockerfile":
            not_run_locally(job, result, docker_reason(uses))
            return
        job.log.emit(
            "error",
            f"Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '{folder}'. Did you "
            "forget to run actions/checkout before running your local action?",
        )
        result.outcome = FAILURE
        result.message = "action not found"
        return
    except PitstopError as error:
        job.log.emit("error", str(error))
        result.outcome = FAILURE
        result.message = str(error)
        return
    call.inputs = evaluate_inputs(job, call.step, contexts, action)
    using = (action.using or "").lower()
    if using == "composite":
        from pitstop.runner.composite import run_composite

        await run_composite(job, call, action, folder)
    elif using.startswith("node"):
        from pitstop.runner.javascript import run_node_action

        await run_node_action(job, call, action, folder)
    elif using == "docker":
        not_run_locally(job, result, docker_reason(uses))
    else:
        job.log.emit("error", f"'{uses}': unsupported runs.using '{action.using}'")
        result.outcome = FAILURE
