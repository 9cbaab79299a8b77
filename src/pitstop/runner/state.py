"""What one run shares between its jobs: options, folders, secrets, the masker, cancellation."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pitstop.runner.contexts import RunInfo
from pitstop.runner.log import Sink, _discard
from pitstop.runner.masking import Masker
from pitstop.runner.results import FAILURE, SKIPPED

if TYPE_CHECKING:
    from pitstop.runner.results import JobResult


def tool_cache_root() -> str:
    """pitstop's per-user folder: ``$PITSTOP_HOME``, else the platform's user cache folder
    (``~/.cache/pitstop`` on Linux, ``$XDG_CACHE_HOME`` honoured). Workspaces, action downloads,
    environments, tools and the cache action's entries live here, never in the repository."""
    home = os.environ.get("PITSTOP_HOME")
    if home:
        return os.path.abspath(os.path.expanduser(home))
    import platformdirs

    return platformdirs.user_cache_dir("pitstop", appauthor=False)


def _ignore_job(result: JobResult, started: bool) -> None:
    pass


@dataclass(frozen=True)
class RunOptions:
    parallel: int = os.cpu_count() or 2
    in_place: bool = False
    strict: bool = False
    offline: bool = False  # never touch the network (remote actions: the cache only)
    host_containers: bool = False
    services: str = "auto"  # where service servers come from: auto, docker, path, wheel
    reuse_envs: bool = False  # keep setup-python environments between runs (--reuse-envs)
    debug: bool = False

    @property
    def not_run_result(self) -> str:
        """What a job that could not run here ends as: skipped, or a failure with --strict."""
        return FAILURE if self.strict else SKIPPED


@dataclass
class RunState:
    root: str  # the repository's working tree
    directory: str  # .pitstop/runs/<id>
    info: RunInfo
    options: RunOptions
    masker: Masker
    secrets: dict[str, str]
    vars: dict[str, str]
    sink: Sink = _discard
    job_sink: Callable[[JobResult, bool], None] = _ignore_job
    interrupted: asyncio.Event = field(default_factory=asyncio.Event)
    port_locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    started: float = 0.0
    active: set[Any] = field(default_factory=set)  # the JobRuns running now
    fetch_failures: dict[str, str] = field(default_factory=dict)  # owner/repo@ref -> why
    action_commits: dict[str, str] = field(default_factory=dict)  # owner/repo@ref -> commit run
    slugs: set[str] = field(default_factory=set)  # job folder and log names taken in this run

    def claim_slug(self, key: str, workflow_path: str) -> str:
        """A job's folder and log name, from its key; when another workflow of the run has a
        job with that key, the workflow file's name goes in front."""

        def clean(text: str) -> str:
            return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:80]

        slug = clean(key)
        if slug in self.slugs:
            slug = clean(f"{os.path.splitext(os.path.basename(workflow_path))[0]}__{key}")
        base, number = slug, 2
        while slug in self.slugs:
            slug, number = f"{base}_{number}", number + 1
        self.slugs.add(slug)
        return slug

    @property
    def pitstop_dir(self) -> str:
        return os.path.join(self.root, ".pitstop")

    @property
    def cache_dir(self) -> str:
        """The cache action's entries for this repository, in pitstop's per-user folder."""
        from pitstop.runner.workspace import repository_key

        return os.path.join(self.tool_cache, "caches", repository_key(self.root))

    @property
    def artifacts_dir(self) -> str:
        return os.path.join(self.directory, "artifacts")

    @property
    def tool_cache(self) -> str:
        return tool_cache_root()

    def interrupt(self) -> None:
        """Ctrl-C: cancel every running job; their always() steps still run."""
        self.interrupted.set()
        for job in list(self.active):
            job.cancel()

    def sink_job(self, result: JobResult, started: bool = False) -> None:
        """Tell the front end a job started or ended."""
        self.job_sink(result, started)

    def port_lock(self, port: int) -> asyncio.Lock:
        """Jobs that map the same host port take turns: on GitHub each job has its own machine."""
        return self.port_locks.setdefault(port, asyncio.Lock())
