"""What a step handler is given: the job as a handler may use it, and nothing of how the job runs.

As in GitHub's runner (a handler per kind of step: script, node, composite, the emulated actions),
handlers see a step context, never the job module: ``runner/job.py`` imports the handlers, and
they import this. ``JobRun`` is the one implementation; mypy holds it to this shape wherever a
handler is called.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pitstop.runner.contexts import RunInfo
from pitstop.runner.log import JobLog
from pitstop.runner.process import ProcessOutcome
from pitstop.runner.results import JobResult, StepResult
from pitstop.runner.scope import Scope
from pitstop.runner.state import RunState
from pitstop.runner.workspace import Slot
from pitstop.workflow.model import Job, Step, Workflow

PostStep = Callable[[], Awaitable[StepResult | None]]


class StepContext(Protocol):
    # where the job is, and what it is
    state: RunState
    workflow: Workflow
    job: Job
    result: JobResult
    log: JobLog
    info: RunInfo | None
    workspace: str
    slot: Slot | None

    # what steps change for the steps after them
    global_env: dict[str, str]
    services: dict[str, Any]
    post_steps: list[tuple[str, PostStep]]
    pre_state: dict[int, dict[str, str]]
    port_locks: list[asyncio.Lock]
    groups: set[int]

    # cancellation
    cancelled: bool
    timed_out: bool
    service_failed: bool
    step_cancel: asyncio.Event

    @property
    def temp_dir(self) -> str: ...

    @property
    def files_dir(self) -> str: ...

    @property
    def home_dir(self) -> str: ...

    def service_log(self, service: str) -> str: ...

    def add_path(self, folder: str) -> None: ...

    def status(self, scope: Scope) -> str: ...

    def contexts(self, scope: Scope, env: dict[str, str] | None = None) -> dict[str, Any]: ...

    def evaluate(self, text: str, contexts: dict[str, Any], status: str = ...) -> Any: ...

    def render_value(self, value: Any, contexts: dict[str, Any]) -> Any: ...

    def render_env(self, env: dict[str, Any] | str, contexts: dict[str, Any]) -> dict[str, str]: ...

    def process_env(
        self, scope: Scope, step_env: dict[str, str], action: str
    ) -> dict[str, str]: ...

    def finish_process(
        self, result: StepResult, outcome: ProcessOutcome, timeout: float | None
    ) -> None: ...

    async def run_steps(self, steps: tuple[Step, ...], scope: Scope) -> None: ...
