"""One job on this machine: its folders, services, steps in order, post steps, and outputs.

Step status follows the runner (``StepsRunner.cs``): a step's ``if`` gets ``success() &&`` in front
unless it calls a status function; after a failure only steps asking for ``failure()`` or
``always()`` run; after cancellation only ``always()`` and ``cancelled()``. ``continue-on-error``
turns a failed outcome into a successful conclusion. A step's ``timeout-minutes`` ends its process
group; the job's cancels the job.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from pitstop.expr import ExpressionError, evaluate, evaluate_condition
from pitstop.expr.template import merge_inserts, render
from pitstop.expr.values import to_string, truthy
from pitstop.runner import contexts as ctx
from pitstop.runner.home import own_home
from pitstop.runner.log import JobLog
from pitstop.runner.process import ProcessOutcome, end_group
from pitstop.runner.results import (
    CANCELLED,
    FAILURE,
    SKIPPED,
    SUCCESS,
    JobResult,
    StepResult,
)
from pitstop.runner.scope import Scope
from pitstop.runner.script import run_process, script_path
from pitstop.runner.shells import ShellError, resolve_shell
from pitstop.runner.state import RunState
from pitstop.runner.step_context import PostStep
from pitstop.runner.uses import JobNotRunLocally
from pitstop.runner.workspace import GIT_REDIRECTS, Slot, release_slot
from pitstop.workflow.model import Job, Step, Workflow
from pitstop.workflow.schema import CONTROL_STEP_KEYS

PARALLEL_STEP_KEYS = ("background", *CONTROL_STEP_KEYS)


class StepFailed(Exception):
    """A step cannot start: a bad expression, shell or path. The message is the runner's."""


@dataclass(eq=False)
class JobRun:
    state: RunState
    workflow: Workflow
    job: Job
    result: JobResult
    log: JobLog
    matrix: dict[str, Any]
    strategy: dict[str, Any]
    needs: dict[str, Any]
    inputs: dict[str, Any]
    secrets: dict[str, str]
    folder: str  # this job's own folder: workspace, temp, file commands
    workspace: str
    slot: Slot | None = None  # the folder's lock and checkouts; None: --in-place
    global_env: dict[str, str] = field(default_factory=dict)  # GITHUB_ENV and the job's env
    path_prepend: list[str] = field(default_factory=list)
    groups: set[int] = field(default_factory=set)
    services: dict[str, Any] = field(default_factory=dict)
    post_steps: list[tuple[str, PostStep]] = field(default_factory=list)
    cancelled: bool = False
    service_failed: bool = False
    timed_out: bool = False
    step_cancel: asyncio.Event = field(default_factory=asyncio.Event)
    job_env: dict[str, str] = field(default_factory=dict)
    port_locks: list[asyncio.Lock] = field(default_factory=list)  # host ports held by services
    container: str = ""  # the job's container image, when it has one
    pre_state: dict[int, dict[str, str]] = field(default_factory=dict)  # id(step) -> pre's state
    info: ctx.RunInfo | None = None  # this workflow's; the run's when None
    not_run_here: str | None = None  # why the job stopped as not run locally (JobNotRunLocally)

    # -- folders ---------------------------------------------------------------------------------

    @property
    def temp_dir(self) -> str:
        return os.path.join(self.folder, "temp")

    @property
    def files_dir(self) -> str:
        return os.path.join(self.folder, "file_commands")

    @property
    def home_dir(self) -> str:
        """The job's `$HOME`, empty when the job starts: `git config --global`, `pip install
        --user`, `~/.npmrc` and every `~/.cache` a step writes stay in the job's folder."""
        return os.path.join(self.folder, "home")

    @property
    def event_path(self) -> str:
        return os.path.join(self.folder, "event.json")

    def service_log(self, service: str) -> str:
        """A service's own log, beside the job's in the run directory."""
        base = os.path.splitext(self.result.log_path or os.path.join(self.folder, "job"))[0]
        return f"{base}.service-{service}.log"

    def add_path(self, folder: str) -> None:
        if folder in self.path_prepend:
            self.path_prepend.remove(folder)
        self.path_prepend.append(folder)

    # -- status ----------------------------------------------------------------------------------

    def status(self, scope: Scope) -> str:
        if self.cancelled:
            return CANCELLED
        return FAILURE if scope.failed else SUCCESS

    def cancel(self, timed_out: bool = False) -> None:
        """Cancel the job: the running step ends; only always()/cancelled() steps still run."""
        if timed_out:
            self.timed_out = True
        self.cancelled = True
        self.step_cancel.set()

    # -- contexts --------------------------------------------------------------------------------

    def github(self, scope: Scope, action: str = "") -> dict[str, Any]:
        github = ctx.github_context(
            self.info or self.state.info, self.job.id, self.workspace, action, scope.action_path
        )
        github["event_path"] = self.event_path
        github["action_repository"] = scope.action_name
        return github

    def runner(self) -> dict[str, Any]:
        return ctx.runner_context(self.temp_dir, os.path.join(self.state.tool_cache, "toolcache"))

    def job_context(self) -> dict[str, Any]:
        context: dict[str, Any] = {"status": SUCCESS}
        if self.container:
            context["container"] = {"id": "", "network": ""}
        if self.services:
            context["services"] = self.services
        return context

    def contexts(self, scope: Scope, env: dict[str, str] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "github": self.github(scope),
            "env": dict(env if env is not None else self.env_context(scope)),
            "vars": dict(self.state.vars),
            "inputs": scope.inputs if scope.composite else self.inputs,
            "matrix": self.matrix,
            "strategy": self.strategy,
            "needs": self.needs,
            "steps": scope.steps,
            "job": {**self.job_context(), "status": self.status(scope)},
            "runner": self.runner(),
        }
        if not scope.composite:
            data["secrets"] = dict(self.secrets)
        return data

    def env_context(self, scope: Scope) -> dict[str, str]:
        """Workflow env, job env, GITHUB_ENV, then a composite action step's env."""
        return {**self.job_env, **self.global_env, **scope.env}

    def evaluate(self, text: str, contexts: dict[str, Any], status: str = SUCCESS) -> Any:
        return render(text, lambda expression: evaluate(expression, contexts, status=status))

    def render_value(self, value: Any, contexts: dict[str, Any]) -> Any:
        if isinstance(value, str):
            return self.evaluate(value, contexts)
        if isinstance(value, dict):
            return merge_inserts(value, lambda v: self.render_value(v, contexts))
        if isinstance(value, list):
            return [self.render_value(v, contexts) for v in value]
        return value

    def render_env(self, env: dict[str, Any] | str, contexts: dict[str, Any]) -> dict[str, str]:
        value = self.render_value(env, contexts)
        if not isinstance(value, dict):
            raise ExpressionError("env must evaluate to a mapping", "evaluation", 0)
        return {str(k): to_string(v) for k, v in value.items()}

    # -- the process environment -----------------------------------------------------------------

    def process_env(self, scope: Scope, step_env: dict[str, str], action: str) -> dict[str, str]:
        base = ctx.host_environment()
        for name in GIT_REDIRECTS:
            base.pop(name, None)
        own_home(base, self.home_dir)
        if self.slot is not None:
            base["GIT_CEILING_DIRECTORIES"] = self.folder  # git never walks up out of the job
            if "NPM_CONFIG_PREFIX" not in base:
                # `npm install -g` lands in the job's own folder, not in the machine's node
                prefix = os.path.join(self.slot.tools, "npm-global")
                base["NPM_CONFIG_PREFIX"] = prefix
                base["PATH"] = os.path.join(prefix, "bin") + os.pathsep + base.get("PATH", "")
        env = {**base, **self.env_context(scope), **step_env}
        if self.path_prepend:
            prepend = os.pathsep.join(reversed(self.path_prepend))
            env["PATH"] = prepend + os.pathsep + env.get("PATH", base.get("PATH", ""))
        github = self.github(scope, action)
        env.update(ctx.default_variables(github, self.runner()))
        if scope.action_path:
            env["GITHUB_ACTION_PATH"] = scope.action_path
        return env

    # -- steps -----------------------------------------------------------------------------------

    async def run_steps(self, steps: tuple[Step, ...], scope: Scope) -> None:
        for step in steps:
            if self.not_run_here:
                break
            result = await self.run_step(step, scope)
            if not scope.composite:
                self.result.steps.append(result)
            else:  # the calling step answers for them: its result is the one a report shows
                if result.not_run_locally:
                    scope.not_run_locally.append((result.label, result.not_run_locally))
                if result.differs:
                    scope.differs.append((result.label, result.differs))
            if step.id:
                scope.steps[step.id] = {
                    "outputs": dict(result.outputs),
                    "outcome": result.outcome,
                    "conclusion": result.conclusion,
                }
            if result.conclusion == FAILURE:
                scope.failed = True

    async def run_step(self, step: Step, scope: Scope) -> StepResult:
        label = scope.prefix + step.label
        result = StepResult(label=label, id=step.id)
        status = self.status(scope)
        contexts = self.contexts(scope)
        condition = "" if step.if_ is None else to_string(step.if_)
        try:
            runs = evaluate_condition(condition, contexts, status=status)
        except ExpressionError as error:
            self.log.begin_step(label)
            self.log.emit("error", f"The step's condition '{condition}' is invalid: {error}")
            result.outcome = result.conclusion = FAILURE
            result.message = str(error)
            return result
        if not runs:
            return result  # skipped
        if scope.composite:
            self.log.emit("group", label)
        else:
            self.log.begin_step(label)
        started = time.monotonic()
        # a fresh event per step: after a cancellation, always() steps still get to run
        self.step_cancel = asyncio.Event()
        try:
            continue_on_error = truthy(self.render_value(step.continue_on_error, contexts))
            timeout = _minutes(self.render_value(step.timeout_minutes, contexts))
            await self._execute(step, scope, result, contexts, timeout)
        except (ExpressionError, StepFailed, ShellError) as error:
            self.log.emit("error", str(error))
            result.outcome = FAILURE
            result.message = str(error)
            continue_on_error = False
        except JobNotRunLocally as stop:
            self.log.emit("warning", f"Not run locally: {stop.reason}; the job stops here")
            self.not_run_here = stop.reason
            result.outcome = SKIPPED
            result.message = f"not run locally: {stop.reason}"
            continue_on_error = False
        except Exception as error:  # a pitstop bug fails the step, not the whole run
            message = f"pitstop could not run this step ({type(error).__name__}: {error})"
            self.log.emit("error", message + "; please report it")
            result.outcome = FAILURE
            result.message = message
            continue_on_error = False
        result.duration = time.monotonic() - started
        result.tail = list(self.log.tail)
        if result.outcome == FAILURE and continue_on_error:
            result.conclusion = SUCCESS
        else:
            result.conclusion = result.outcome
        return result

    async def _execute(
        self,
        step: Step,
        scope: Scope,
        result: StepResult,
        contexts: dict[str, Any],
        timeout: float | None,
    ) -> None:
        concurrent = [k for k in PARALLEL_STEP_KEYS if k in step.node]
        if concurrent:
            raise JobNotRunLocally(
                f"the step uses `{concurrent[0]}:`, one of GitHub's parallel-step keywords "
                "(background, wait, wait-all, cancel, parallel), which pitstop does not run yet"
            )
        step_env = {**scope.env, **self.render_env(step.env, contexts)} if step.env else {}
        if step.run is not None:
            await self._run_script(step, scope, result, contexts, step_env, timeout)
            return
        from pitstop.runner.actions import run_action

        await run_action(self, step, scope, result, contexts, step_env, timeout)

    async def _run_script(
        self,
        step: Step,
        scope: Scope,
        result: StepResult,
        contexts: dict[str, Any],
        step_env: dict[str, str],
        timeout: float | None,
    ) -> None:
        env_context = {**self.env_context(scope), **step_env}
        contexts = {**contexts, "env": env_context}
        script = to_string(self.evaluate(step.run or "", contexts))
        defaults_run = self.workflow.defaults_run(self.job)
        shell_text = step.shell or (None if scope.composite else defaults_run.get("shell"))
        if shell_text is not None:
            shell_text = to_string(self.evaluate(str(shell_text), contexts))
        if scope.composite and not shell_text:
            raise StepFailed("Required property is missing: shell")
        action = scope.action_id(step.id)
        env = self.process_env(scope, step_env, action)
        if not shell_text and self.container:
            shell_text = "sh"
        shell = resolve_shell(shell_text, env.get("PATH"))
        workdir = step.working_directory or (
            None if scope.composite else defaults_run.get("working-directory")
        )
        cwd = self.workspace
        if workdir:
            workdir = to_string(self.evaluate(str(workdir), contexts))
            cwd = os.path.join(self.workspace, workdir)
        if not os.path.isdir(cwd):
            raise StepFailed(
                f"An error occurred trying to start process '{shell.name}' with working directory "
                f"'{cwd}'. No such file or directory"
            )
        path = script_path(self, shell.extension)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(shell.wrap(script))
        for line in script.splitlines()[:20]:
            self.log.emit("debug", line)
        try:
            outcome = await run_process(
                self,
                shell.command(path),
                cwd=cwd,
                env=env,
                timeout=timeout,
                cancel=self.step_cancel,
            )
        finally:
            os.remove(path)  # it holds the expanded expressions, secrets included
        self.finish_process(result, outcome, timeout)

    def finish_process(
        self, result: StepResult, outcome: ProcessOutcome, timeout: float | None
    ) -> None:
        """Turn a finished process into the step's outcome, outputs and summary."""
        finished = outcome.finished
        result.exit_code = finished.exit_code
        result.outputs.update(outcome.outputs)
        result.summary = outcome.summary
        if finished.timed_out:
            minutes = (timeout or 0) / 60
            self.log.emit("error", f"The action has timed out after {minutes:g} minutes.")
            result.outcome = FAILURE
            result.message = "timed out"
        elif finished.cancelled:
            self.log.emit("error", "The operation was canceled.")
            result.outcome = CANCELLED if not self.timed_out else FAILURE
            result.message = "cancelled"
        elif finished.exit_code:
            self.log.emit("error", f"Process completed with exit code {finished.exit_code}.")
            result.outcome = FAILURE
            result.message = f"exit code {finished.exit_code}"
        elif outcome.failed_command:
            result.outcome = FAILURE
        else:
            result.outcome = SUCCESS

    # -- the job ---------------------------------------------------------------------------------

    async def run(self) -> JobResult:
        started = time.monotonic()
        for folder in (self.folder, self.temp_dir, self.files_dir, self.workspace, self.home_dir):
            os.makedirs(folder, exist_ok=True)
        with open(self.event_path, "w", encoding="utf-8") as handle:
            json.dump((self.info or self.state.info).payload, handle, indent=2)
        self.log.open()
        self.state.active.add(self)
        if self.state.interrupted.is_set():
            self.cancelled = True
        scope = Scope()
        timer: asyncio.TimerHandle | None = None
        running_services: list[Any] = []
        try:
            self.job_env = self._evaluate_job_env()
            if not self._enter_container(scope):
                return self._not_run_in_container()
            timeout = _minutes(self.render_value(self.job.timeout_minutes, self.contexts(scope)))
            timeout = 360 * 60 if timeout is None else timeout
            loop = asyncio.get_running_loop()
            timer = loop.call_later(timeout, self._time_out, timeout)
            if self.job.services:
                from pitstop.runner.services import start_services

                running_services = await start_services(self, scope)
            scope.failed = self.service_failed
            if not self.cancelled and not self.service_failed:
                if any(step.uses for step in self.job.steps):
                    from pitstop.runner.javascript import run_pre_steps

                    await run_pre_steps(self, scope)
                await self.run_steps(self.job.steps, scope)
            await self._run_post_steps(scope)
            self.result.outputs = self._evaluate_outputs(scope)
        except (ExpressionError, StepFailed) as error:
            self.log.emit("error", str(error))
            scope.failed = True
            self.result.reason = str(error)
        finally:
            if timer is not None:
                timer.cancel()
            if self.job.services:  # also frees the ports a failed start held
                from pitstop.runner.services import stop_services

                await stop_services(self, running_services)
            await self._end_leftovers()
            self._clean_up()
            self.state.active.discard(self)
            self.log.close()
        self.result.duration = time.monotonic() - started
        if self.timed_out:
            self.result.result = FAILURE
            self.result.reason = "timed out"
        elif self.cancelled:
            self.result.result = CANCELLED
        elif self.not_run_here and not scope.failed:
            self._mark_not_run(self.not_run_here)
        else:
            self.result.result = FAILURE if scope.failed else SUCCESS
        return self.result

    def _enter_container(self, scope: Scope) -> bool:
        """``container:``: False when the job needs a container pitstop cannot give it. With
        ``--host-containers`` the steps run on this machine, with the container's env beneath the
        job's and ``sh`` as the default shell, as in a container (docs "Running jobs in a
        container"). An image that evaluates empty means no container, as on GitHub
        (actions/runner#266, #2235)."""
        if self.job.container is None:
            return True
        value = self.render_value(self.job.container, self.contexts(scope))
        spec = value if isinstance(value, dict) else {"image": value}
        image = to_string(spec.get("image") or "")
        if not image:
            return True
        self.container = image
        if not self.state.options.host_containers:
            return False
        self.log.emit(
            "warning",
            f"Running on this machine, not in the container '{image}' (--host-containers)",
        )
        if self.job.services:
            self.log.emit(
                "warning",
                "Services are on 127.0.0.1 at their mapped ports, not at their service names as "
                "a container job would reach them",
            )
        env = spec.get("env")
        if isinstance(env, dict):
            self.job_env = {**{str(k): to_string(v) for k, v in env.items()}, **self.job_env}
        return True

    def _not_run_in_container(self) -> JobResult:
        reason = (
            f"container '{self.container}' needs a Docker engine; --host-containers runs the "
            "job's steps on this machine instead"
        )
        self.log.emit("warning", f"Not run locally: {reason}")
        self._mark_not_run(reason)
        return self.result

    def _mark_not_run(self, reason: str) -> None:
        self.result.not_run_locally = reason
        self.result.result = self.state.options.not_run_result
        strict = self.state.options.strict
        self.result.reason = "not run locally (--strict)" if strict else "not run locally"

    def _time_out(self, seconds: float) -> None:
        self.log.emit(
            "error",
            f"The job running on runner pitstop has exceeded the maximum execution time of "
            f"{seconds / 60:g} minutes.",
        )
        self.cancel(timed_out=True)

    def _evaluate_job_env(self) -> dict[str, str]:
        scope = Scope()
        base = self.contexts(scope, env={})
        workflow_env = self.render_env(self.workflow.env, base) if self.workflow.env else {}
        contexts = self.contexts(scope, env=workflow_env)
        job_env = self.render_env(self.job.env, contexts) if self.job.env else {}
        return {**workflow_env, **job_env}

    def _evaluate_outputs(self, scope: Scope) -> dict[str, str]:
        outputs: dict[str, str] = {}
        contexts = self.contexts(scope)
        for name, value in self.job.outputs.items():
            try:
                outputs[name] = to_string(self.evaluate(str(value), contexts))
            except ExpressionError as error:
                self.log.emit("warning", f"Job output '{name}' could not be evaluated: {error}")
        return outputs

    async def _run_post_steps(self, scope: Scope) -> None:
        for label, post in reversed(self.post_steps):
            self.log.begin_step(f"Post {label}")
            self.step_cancel = asyncio.Event()
            result = await post()
            if result is not None:
                result.post = True
                self.result.steps.append(result)
                if result.conclusion == FAILURE:
                    scope.failed = True

    def _clean_up(self) -> None:
        """As the runner empties RUNNER_TEMP and the workspace between jobs: what steps wrote
        there (expanded scripts, tokens) does not stay; the checkout is parked for the next job
        to reset (``workspace.release_slot``)."""
        if self.slot is not None:
            release_slot(self.slot)

    async def _end_leftovers(self) -> None:
        """The runner's orphan clean-up: nothing a step started outlives its job."""
        await asyncio.gather(*(end_group(pgid, grace=1.0) for pgid in self.groups))


def _minutes(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise StepFailed(f"timeout-minutes must be a number, got '{value}'") from None
    return minutes * 60 if minutes > 0 else None
