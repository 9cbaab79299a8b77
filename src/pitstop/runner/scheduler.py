"""Jobs in ``needs`` order, each starting as soon as every job it needs is done.

No stages: a job waits only for its own ``needs``. ``--parallel`` bounds the jobs running at once,
``strategy.max-parallel`` the rows of one matrix. ``fail-fast`` (default true) cancels the running
and queued rows of a matrix when one fails, unless that row may fail (``continue-on-error``).

``needs.<id>.result`` (docs "Contexts reference", needs): ``success``, ``failure``, ``cancelled`` or
``skipped``. A job whose ``continue-on-error`` let it fail reports ``success`` to the jobs that need
it, as GitHub does (community thread quoted in tikoci/mikropkl#15: "job1 result is always seen as
success even though it is failed and marked as such in the UI"). A matrix job's outputs are the
rows' outputs merged, later rows overwriting earlier ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

from pitstop.expr import ExpressionError, evaluate, evaluate_condition
from pitstop.expr.template import render
from pitstop.expr.values import to_string, truthy
from pitstop.runner.contexts import RunInfo
from pitstop.runner.job import JobRun
from pitstop.runner.log import JobLog
from pitstop.runner.results import CANCELLED, FAILURE, SKIPPED, SUCCESS, JobResult
from pitstop.runner.scope import Scope
from pitstop.runner.state import RunState
from pitstop.runner.workspace import claim_slot
from pitstop.workflow.matrix import expand_matrix
from pitstop.workflow.model import Job, Workflow


@dataclass
class JobOutcome:
    """What the jobs that need this one see."""

    result: str
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class WorkflowRun:
    state: RunState
    workflow: Workflow
    info: RunInfo
    inputs: dict[str, Any]
    secrets: dict[str, str]
    selected: set[str]
    matrix_filter: dict[str, str]
    prefix: str = ""  # "caller / " for jobs of a called workflow
    slots: asyncio.Semaphore | None = None
    results: list[JobResult] = field(default_factory=list)
    outcomes: dict[str, JobOutcome] = field(default_factory=dict)
    done: dict[str, asyncio.Event] = field(default_factory=dict)

    async def run(self) -> dict[str, JobOutcome]:
        if self.slots is None:
            self.slots = asyncio.Semaphore(max(1, self.state.options.parallel))
        jobs = [j for j in self.workflow.jobs if j in self.selected]
        self.done = {j: asyncio.Event() for j in jobs}
        await asyncio.gather(*(self._run_job(self.workflow.jobs[j]) for j in jobs))
        return self.outcomes

    # -- one job (all its matrix rows) -----------------------------------------------------------

    async def _run_job(self, job: Job) -> None:
        try:
            for need in job.needs:
                if need in self.done:
                    await self.done[need].wait()
            self.outcomes[job.id] = await self._start_job(job)
        finally:
            self.done[job.id].set()

    def _needs_context(self, job: Job) -> dict[str, Any]:
        return {
            n: {"result": o.result, "outputs": dict(o.outputs)}
            for n in job.needs
            if (o := self.outcomes.get(n)) is not None
        }

    def _base_contexts(self, needs: dict[str, Any]) -> dict[str, Any]:
        from pitstop.runner import contexts as ctx

        github = ctx.github_context(self.info, "", os.path.join(self.state.root))
        return {
            "github": github,
            "needs": needs,
            "vars": dict(self.state.vars),
            "inputs": self.inputs,
        }

    def skip(
        self,
        job: Job,
        reason: str | None,
        result: str = SKIPPED,
        not_run_locally: str | None = None,
    ) -> JobOutcome:
        """Record ``job`` as not run, with why; return what the jobs that need it see."""
        record = JobResult(
            key=self.prefix + job.id,
            job_id=job.id,
            name=self.prefix + (job.name or job.id),
            workflow=self.workflow.path,
            result=result,
            reason=reason,
            not_run_locally=not_run_locally,
        )
        self.results.append(record)
        self.state.sink_job(record)
        return JobOutcome(result)

    async def _start_job(self, job: Job) -> JobOutcome:
        needs = self._needs_context(job)
        results = [n["result"] for n in needs.values()]
        if self.state.interrupted.is_set():
            status = CANCELLED
        elif any(r in (FAILURE, CANCELLED) for r in results):
            status = FAILURE
        elif any(r == SKIPPED for r in results):
            status = SKIPPED
        else:
            status = SUCCESS
        contexts = self._base_contexts(needs)
        condition = "" if job.if_ is None else to_string(job.if_)
        try:
            runs = evaluate_condition(condition, contexts, status=status)
        except ExpressionError as error:
            return self.skip(job, f"if: {condition}: {error}", FAILURE)
        if not runs:
            if status == SKIPPED or (status == FAILURE and not condition):
                blocked = next(n for n, v in needs.items() if v["result"] != SUCCESS)
                return self.skip(job, f"needs '{blocked}', which {_verb(needs[blocked])}")
            if status == CANCELLED:
                return self.skip(job, "the run was interrupted", CANCELLED)
            return self.skip(job, f"if: {condition or 'success()'} is false")
        if job.uses:
            return await self._run_called(job, contexts)
        return await self._run_matrix(job, contexts)

    async def _run_called(self, job: Job, contexts: dict[str, Any]) -> JobOutcome:
        """A job that calls a reusable workflow: its jobs run as ``caller / job``."""
        from pitstop.runner.reusable import Refused, called_outputs, prepare_call

        try:
            call = prepare_call(
                self.state.root, job, contexts, self.secrets, self.state.options.not_run_result
            )
        except Refused as refused:
            return self.skip(job, refused.reason, refused.result, refused.not_run_locally)
        nested = WorkflowRun(
            state=self.state,
            workflow=call.workflow,
            info=self.info,
            inputs=call.inputs,
            secrets=call.secrets,
            selected=set(call.workflow.jobs),
            matrix_filter={},
            prefix=f"{self.prefix}{job.id} / ",
            slots=self.slots,
        )
        outcomes = await nested.run()
        self.results.extend(nested.results)
        done = {k: (o.result, dict(o.outputs)) for k, o in outcomes.items()}
        return JobOutcome(*called_outputs(call, done))

    async def _run_matrix(self, job: Job, contexts: dict[str, Any]) -> JobOutcome:
        def evaluate_at_start(text: str) -> Any:
            try:
                return render(text, lambda e: evaluate(e, contexts))
            except ExpressionError as error:
                raise ValueError(error.message) from error

        try:
            matrix = (
                expand_matrix(job.strategy.matrix, evaluate_at_start)
                if job.strategy is not None
                else None
            )
        except ValueError as error:
            return self._matrix_failed(job, str(error))
        if matrix is not None and (matrix.error or matrix.pending):
            return self._matrix_failed(job, str(matrix.error or matrix.pending))
        rows = matrix.rows if matrix is not None else [{}]
        if matrix is not None and not rows:
            return self.skip(job, "the matrix has no rows", FAILURE)
        wanted = matrix_wanted(rows, self.matrix_filter)
        if wanted:
            kept = [r for r in rows if row_matches(r, wanted)]
            if not kept:
                return self.skip(job, no_row_matches(wanted, rows))
            rows = kept
        strategy = job.strategy
        fail_fast = True
        max_parallel = len(rows)
        if strategy is not None:
            fail_fast = truthy(_render(strategy.fail_fast, contexts))
            if strategy.max_parallel is not None:
                max_parallel = max(
                    1, int(float(to_string(_render(strategy.max_parallel, contexts))))
                )
        matrix_slots = asyncio.Semaphore(max_parallel)
        siblings: list[JobRun] = []
        cancelled = asyncio.Event()
        outcome = JobOutcome(SUCCESS)
        row_results: list[JobResult] = []

        async def run_row(index: int, row: dict[str, Any]) -> None:
            strategy_context = {
                "fail-fast": fail_fast,
                "job-index": index,
                "job-total": len(rows),
                "max-parallel": max_parallel,
            }
            async with matrix_slots:
                if cancelled.is_set():
                    row_results.append(self._cancelled_row(job, row))
                    return
                assert self.slots is not None
                async with self.slots:
                    if cancelled.is_set() or self.state.interrupted.is_set():
                        row_results.append(self._cancelled_row(job, row))
                        return
                    run = self._job_run(job, row, strategy_context, contexts["needs"])
                    siblings.append(run)
                    self.state.sink_job(run.result, started=True)
                    result = await run.run()
                    siblings.remove(run)
            result.may_fail = may_fail = _may_fail(run)
            row_results.append(result)
            self.results.append(result)
            self.state.sink_job(result)
            if result.result == FAILURE and fail_fast and not may_fail and len(rows) > 1:
                cancelled.set()
                for sibling in siblings:
                    if not _may_fail(sibling):
                        sibling.log.emit("error", f"Cancelled: fail-fast after {result.key} failed")
                        sibling.cancel()

        await asyncio.gather(*(run_row(i, r) for i, r in enumerate(rows)))
        for result in row_results:
            # an empty value does not overwrite another row's: the runner does not send empty
            # outputs, which is what makes the one-output-per-row pattern work
            outcome.outputs.update({k: v for k, v in result.outputs.items() if v != ""})
        outcome.result = _combined(row_results)
        return outcome

    def _matrix_failed(self, job: Job, error: str) -> JobOutcome:
        """A matrix that cannot be expanded fails the job, unless it reads the outputs of a job
        that ran a step pitstop could not: then the job is not run locally, as its input is."""
        missing = [
            r.job_id
            for r in self.results
            if r.job_id in job.needs and any(step.not_run_locally for step in r.steps)
        ]
        if missing:
            reason = (
                f"strategy.matrix reads the outputs of '{missing[0]}', which has a step not run "
                f"locally ({error})"
            )
            result = self.state.options.not_run_result
            return self.skip(job, reason, result, not_run_locally=reason)
        return self.skip(job, f"strategy.matrix: {error}", FAILURE)

    def _cancelled_row(self, job: Job, row: dict[str, Any]) -> JobResult:
        key, name = _names(self.prefix, job, row)
        record = JobResult(
            key=key,
            job_id=job.id,
            name=name,
            workflow=self.workflow.path,
            result=CANCELLED,
            matrix=row,
            reason="cancelled by fail-fast",
        )
        self.results.append(record)
        self.state.sink_job(record)
        return record

    def _job_run(
        self, job: Job, row: dict[str, Any], strategy: dict[str, Any], needs: dict[str, Any]
    ) -> JobRun:
        key, name = _names(self.prefix, job, row)
        if job.name and "${{" in job.name:
            contexts = {**self._base_contexts(needs), "matrix": row, "strategy": strategy}
            with contextlib.suppress(ExpressionError):
                name = self.prefix + to_string(render(job.name, lambda e: evaluate(e, contexts)))
        slug = self.state.claim_slug(key, self.workflow.path)
        slot = claim_slot(self.state.tool_cache, self.state.root)
        log_path = os.path.join(self.state.directory, "logs", f"{slug}.log")
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        result = JobResult(
            key=key,
            job_id=job.id,
            name=name,
            workflow=self.workflow.path,
            matrix=row,
            started=time.monotonic() - self.state.started,
            log_path=log_path,
        )
        log = JobLog(key, log_path, self.state.masker, self.state.sink, self.state.options.debug)
        workspace = self.state.root if self.state.options.in_place else slot.workspace
        return JobRun(
            state=self.state,
            workflow=self.workflow,
            job=job,
            result=result,
            log=log,
            matrix=row,
            strategy=strategy,
            needs=needs,
            inputs=self.inputs,
            secrets=self.secrets,
            folder=slot.folder,
            workspace=workspace,
            slot=slot,
            info=self.info,
        )


def _may_fail(run: JobRun) -> bool:
    try:
        value = run.render_value(run.job.continue_on_error, run.contexts(Scope()))
    except ExpressionError:
        return False
    return truthy(value)


def _combined(rows: list[JobResult]) -> str:
    """The result the jobs that need this one see."""
    results = [SUCCESS if r.result == FAILURE and r.may_fail else r.result for r in rows]
    if any(r == FAILURE for r in results):
        return FAILURE
    if any(r == CANCELLED for r in results):
        return CANCELLED
    if results and all(r == SKIPPED for r in results):
        return SKIPPED
    return SUCCESS


def _names(prefix: str, job: Job, row: dict[str, Any]) -> tuple[str, str]:
    base = job.name if job.name and "${{" not in job.name else job.id
    if not row:
        return prefix + job.id, prefix + base
    values = ", ".join(
        to_string(v) if not isinstance(v, dict | list) else str(v) for v in row.values()
    )
    return f"{prefix}{job.id} ({values})", f"{prefix}{base} ({values})"


def matrix_wanted(rows: list[dict[str, Any]], given: dict[str, str]) -> dict[str, str]:
    """The part of ``--matrix`` that concerns a job: the keys its matrix has. A job without
    them (one the selected job needs, say) runs all its rows."""
    keys = {k for row in rows for k in row}
    return {k: v for k, v in given.items() if k in keys}


def no_row_matches(wanted: dict[str, str], rows: list[dict[str, Any]]) -> str:
    given = " ".join(f"{k}={v}" for k, v in wanted.items())
    shown = "; ".join(", ".join(f"{k}={to_string(v)}" for k, v in r.items()) for r in rows)
    return f"no matrix row matches --matrix {given} (its rows: {shown})"


def row_matches(row: dict[str, Any], wanted: dict[str, str]) -> bool:
    return all(k in row and to_string(row[k]) == v for k, v in wanted.items())


def _render(value: Any, contexts: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return render(value, lambda e: evaluate(e, contexts))
    return value


def _verb(need: dict[str, Any]) -> str:
    result = str(need["result"])
    return {"failure": "failed", "cancelled": "was cancelled", "skipped": "was skipped"}.get(
        result, result
    )
