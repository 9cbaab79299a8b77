"""``uses:`` steps: local actions, emulated common actions, cached remote actions, or an honest
"not run locally".

Each emulation is one module of this package with ``async def run(job, call)``; ``EMULATIONS``
maps the action's ``owner/repo[/path]`` (case-insensitive, any ref) to it.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pitstop.errors import PitstopError
from pitstop.expr.values import to_string
from pitstop.runner.fetch import action_key, action_root, known_commit
from pitstop.runner.results import FAILURE, SKIPPED, StepResult
from pitstop.runner.scope import Scope
from pitstop.workflow.model import Action, Step, build_action
from pitstop.workflow.yaml import load_yaml

if TYPE_CHECKING:
    from pitstop.runner.job import JobRun

EMULATIONS = {
    "actions/checkout": "checkout",
    "actions/setup-python": "setup_python",
    "actions/setup-node": "setup_node",
    "actions/cache": "cache",
    "actions/cache/restore": "cache",
    "actions/cache/save": "cache",
    "actions/upload-artifact": "artifacts",
    "actions/download-artifact": "artifacts",
    "astral-sh/setup-uv": "setup_uv",
}


@dataclass
class ActionCall:
    """One ``uses:`` step as an emulation sees it."""

    step: Step
    scope: Scope
    result: StepResult
    uses: str  # as written, expressions evaluated
    name: str  # owner/repo[/path], lower case; empty for local actions
    ref: str
    env: dict[str, str]  # the step's own env, evaluated
    timeout: float | None
    inputs: dict[str, str] = field(default_factory=dict)  # lower-case names

    def input(self, name: str, default: str = "") -> str:
        value = self.inputs.get(name.lower())
        return default if value is None or value == "" else value


def split_uses(uses: str) -> tuple[str, str]:
    """``owner/repo/path@ref`` → (``owner/repo/path``, ``ref``)."""
    name, _, ref = uses.partition("@")
    return name.strip(), ref.strip()


def not_run_locally(job: JobRun, result: StepResult, reason: str) -> None:
    job.log.emit("warning", f"Not run locally: {reason}")
    result.not_run_locally = reason
    if job.state.options.strict:
        result.outcome = FAILURE
        result.message = f"not run locally (--strict): {reason}"
    else:
        result.outcome = SKIPPED


def evaluate_inputs(
    job: JobRun, step: Step, contexts: dict[str, Any], action: Action | None
) -> dict[str, str]:
    """``with:`` evaluated, plus the action's defaults for inputs not given."""
    rendered = job.render_value(dict(step.with_), contexts)  # ${{ insert }} keys merged
    given = {str(k).lower(): to_string(v) for k, v in rendered.items()}
    if action is None:
        return given
    declared = {k.lower(): v for k, v in action.inputs.items()}
    unexpected = [k for k in given if k not in declared]
    if unexpected:
        names = ", ".join(f"'{k}'" for k in unexpected)
        valid = ", ".join(f"'{k}'" for k in declared)
        job.log.emit("warning", f"Unexpected input(s) {names}, valid inputs are [{valid}]")
    for name, spec in declared.items():
        if name not in given and isinstance(spec, dict) and spec.get("default") is not None:
            given[name] = to_string(job.render_value(spec["default"], contexts))
    return given


def load_local_action(folder: str) -> Action:
    for name in ("action.yml", "action.yaml"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return build_action(load_yaml(path))
    if os.path.isfile(os.path.join(folder, "Dockerfile")):
        raise FileNotFoundError("Dockerfile")
    raise FileNotFoundError(folder)


async def run_action(
    job: JobRun,
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


def remote_action(uses: str | None) -> tuple[str, str] | None:
    """``(owner/repo[/path], ref)`` of a repository action pitstop does not emulate; None for
    local, Docker, emulated and expression ``uses:``, and for names without owner or ref."""
    if not uses or uses.startswith(("./", "docker://")) or "${{" in uses:
        return None
    name, ref = split_uses(uses)
    if name.lower() in EMULATIONS or "/" not in name or not ref:
        return None
    return name, ref


def repository_action(job: JobRun, step: Step) -> tuple[Action, str] | None:
    """The action a step's ``uses:`` names when it is a repository action in the local action
    cache, with its folder."""
    found = remote_action(step.uses)
    if found is None:
        return None
    folder = cached_action_folder(job.state.tool_cache, *found)
    if folder is None:
        return None
    try:
        return load_local_action(folder), folder
    except (FileNotFoundError, PitstopError):
        return None


def cached_action_folder(cache_root: str, name: str, ref: str) -> str | None:
    """``<pitstop home>/actions/<owner>/<repo>/<commit>[/<path>]`` when it holds an action, the
    commit being the one ``ref`` named when it was last fetched."""
    parts = name.split("/")
    if len(parts) < 2 or not ref:
        return None
    commit = known_commit(cache_root, parts[0], parts[1], ref)
    if commit is None:
        return None
    folder = os.path.join(action_root(cache_root, parts[0], parts[1], commit), *parts[2:])
    for file in ("action.yml", "action.yaml"):
        if os.path.isfile(os.path.join(folder, file)):
            return folder
    return None


async def _run_folder_action(
    job: JobRun, call: ActionCall, contexts: dict[str, Any], folder: str
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
