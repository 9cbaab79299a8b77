"""What a run produced: step and job results, kept plain so reports and history can read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Step outcomes and conclusions, and job results, use GitHub's words.
SUCCESS = "success"
FAILURE = "failure"
CANCELLED = "cancelled"
SKIPPED = "skipped"


@dataclass
class StepResult:
    label: str
    id: str | None
    outcome: str = SKIPPED  # before continue-on-error
    conclusion: str = SKIPPED  # after continue-on-error
    outputs: dict[str, str] = field(default_factory=dict)
    duration: float = 0.0
    exit_code: int | None = None
    not_run_locally: str | None = None  # why pitstop could not run it as GitHub would
    differs: str | None = None  # it ran, but not exactly as on GitHub: why
    message: str | None = None  # why it failed, when pitstop knows better than the exit code
    tail: list[str] = field(default_factory=list)
    summary: str = ""  # what the step wrote to GITHUB_STEP_SUMMARY
    post: bool = False  # a post step (an action's cleanup)


@dataclass
class JobResult:
    key: str  # unique within the run: job id, plus the matrix row for matrix jobs
    job_id: str
    name: str
    workflow: str
    result: str = SKIPPED
    matrix: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    started: float = 0.0  # seconds since the run started
    duration: float = 0.0
    log_path: str | None = None
    reason: str | None = None  # why it was skipped, cancelled or not run
    not_run_locally: str | None = None
    may_fail: bool = False  # continue-on-error let this job fail without failing the run

    @property
    def failed_steps(self) -> list[StepResult]:
        return [s for s in self.steps if s.outcome == FAILURE]


@dataclass
class RunResult:
    id: str
    directory: str
    event: str
    workflows: list[str]
    jobs: list[JobResult] = field(default_factory=list)
    duration: float = 0.0
    interrupted: bool = False
    started_at: str = ""  # ISO time
    actions: dict[str, str] = field(default_factory=dict)  # owner/repo@ref -> the commit run
    wanted: list[str] = field(default_factory=list)  # the job ids -j named; empty: every job

    @property
    def ran(self) -> bool:
        """Whether a job that was asked for ran on this machine (skipped ones and ones not run
        locally did not; with ``-j``, only the named jobs count, not the jobs they need)."""
        return any(j.result != SKIPPED and self._asked_for(j) for j in self.jobs)

    def _asked_for(self, job: JobResult) -> bool:
        top = job.key.split(" / ")[0].split(" (")[0]  # "caller / inner", "tests (3.11)"
        return not self.wanted or top in self.wanted

    @property
    def result(self) -> str:
        """``skipped`` when no job ran: that is not a success, nothing was checked."""
        if self.interrupted:
            return CANCELLED
        if any(j.result in (FAILURE, CANCELLED) and not j.may_fail for j in self.jobs):
            return FAILURE
        return SUCCESS if self.ran else SKIPPED

    @property
    def headline(self) -> str:
        """The result in words, saying what did not run: "success, 2 steps not run locally"."""
        if self.result == SKIPPED:
            return "nothing ran"
        missing = self.not_run_locally
        steps = sum(1 for _, step in missing if step is not None)
        jobs = len(missing) - steps
        parts = [
            f"{n} {word}{'s' if n != 1 else ''}"
            for n, word in ((steps, "step"), (jobs, "job"))
            if n
        ]
        said = [f"{' and '.join(parts)} not run locally"] if parts else []
        differs = len(self.differs)
        if differs:
            said.append(f"{differs} step{'s' if differs != 1 else ''} not as on GitHub")
        return f"{self.result}, {', '.join(said)}" if said else self.result

    @property
    def not_run_locally(self) -> list[tuple[JobResult, StepResult | None]]:
        found: list[tuple[JobResult, StepResult | None]] = []
        for job in self.jobs:
            if job.not_run_locally:
                found.append((job, None))
            found.extend((job, s) for s in job.steps if s.not_run_locally)
        return found

    @property
    def differs(self) -> list[tuple[JobResult, StepResult]]:
        """Steps that ran, but not exactly as GitHub would run them."""
        return [(job, s) for job in self.jobs for s in job.steps if s.differs]
