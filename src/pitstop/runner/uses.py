"""A ``uses:`` step as its handler sees it: the call (inputs, env, result), the inputs evaluated
against the action's declared ones, where a repository action's files are, and the honest
"not run locally" when a handler cannot run it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pitstop.errors import PitstopError
from pitstop.expr.values import to_string
from pitstop.runner.action_ref import remote_action
from pitstop.runner.results import FAILURE, SKIPPED, StepResult
from pitstop.runner.scope import Scope
from pitstop.workflow.model import Action, Step, build_action
from pitstop.workflow.yaml import load_yaml

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


class JobNotRunLocally(Exception):
    """A handler found that this machine cannot run the job as GitHub would (no Python of the
    version a matrix row asks for, say): the job stops here and is reported as not run locally,
    rather than running its steps on something else."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def not_run_locally(job: StepContext, result: StepResult, reason: str) -> None:
    job.log.emit("warning", f"Not run locally: {reason}")
    result.not_run_locally = reason
    if job.state.options.strict:
        result.outcome = FAILURE
        result.message = f"not run locally (--strict): {reason}"
    else:
        result.outcome = SKIPPED


def evaluate_inputs(
    job: StepContext, step: Step, contexts: dict[str, Any], action: Action | None
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


def repository_action(job: StepContext, step: Step) -> tuple[Action, str] | None:
    """The action a step's ``uses:`` names when it is a repository action in the local action
    cache, with its folder."""
    found = remote_action(step.uses)
    if found is None:
        return None
    from pitstop.runner.fetch import cached_action_folder  # the network side only when needed

    folder = cached_action_folder(job.state.tool_cache, *found)
    if folder is None:
        return None
    try:
        return load_local_action(folder), folder
    except (FileNotFoundError, PitstopError):
        return None
