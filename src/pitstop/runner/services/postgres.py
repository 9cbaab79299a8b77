"""``postgres`` images served by a real PostgreSQL server.

Honours the image's environment as its entrypoint does (hub.docker.com/_/postgres):
``POSTGRES_USER`` (default ``postgres``), ``POSTGRES_PASSWORD`` (required unless
``POSTGRES_HOST_AUTH_METHOD=trust``), ``POSTGRES_DB`` (default: the user's name). TCP connections
need the password; the server listens on 127.0.0.1 at the mapped host port.
"""

from __future__ import annotations

import glob
import importlib.util
import os
from typing import TYPE_CHECKING

from pitstop.runner.services import (
    Running,
    Server,
    ServiceError,
    ServiceSpec,
    choose,
    launch,
    program_version,
    spawn,
)
from pitstop.runner.services.binaries import (
    find_on_path,
    private_folder,
    run_as,
    shared_copy,
)

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext

CONTAINER_PORT = 5432
READY_SECONDS = 60.0


def find_binaries(preference: str) -> list[Server]:
    """Every PostgreSQL here (a folder with postgres, initdb, pg_isready and createdb), in the
    order of preference: the PATH, Debian's /usr/lib/postgresql/<major>/bin, the pgserver wheel."""
    folders: list[tuple[str, str]] = []
    if preference in ("auto", "path"):
        on_path = find_on_path("postgres")
        if on_path:
            folders.append((on_path, "postgres on the PATH"))
        for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
            folders.append((folder, f"postgres in {folder}"))
    if preference in ("auto", "wheel"):
        spec = importlib.util.find_spec("pgserver")
        if spec is not None and spec.submodule_search_locations:
            package = next(iter(spec.submodule_search_locations))
            site = os.path.dirname(package)
            # the wheel's binaries find their libraries at $ORIGIN/../../../pgserver.libs
            shared = shared_copy(site, ("pgserver/pginstall", "pgserver.libs"))
            folders.append(
                (os.path.join(shared, "pgserver", "pginstall", "bin"), "the pgserver wheel")
            )
    found: list[Server] = []
    seen: set[str] = set()
    for folder, provider in folders:
        real = os.path.realpath(folder)
        if real in seen or not os.path.exists(os.path.join(folder, "initdb")):
            continue
        seen.add(real)
        version = program_version([os.path.join(folder, "postgres"), "--version"])
        found.append(Server(folder, provider, "PostgreSQL", version))
    return found


async def _run(argv: list[str], user: int | None, log_path: str) -> int:
    return await (await spawn(argv, log_path, user)).wait()


async def start(job: StepContext, spec: ServiceSpec) -> Running:
    servers = find_binaries(job.state.options.services)
    if not servers:
        raise ServiceError(
            "no PostgreSQL server found: install pitstop[services] (the pgserver wheel) or put "
            "postgres on the PATH"
        )
    server, warning = choose(servers, spec.image)
    if warning:
        job.log.emit("warning", warning)
    bin_dir, provider = server.path, f"PostgreSQL {server.version}, {server.provider}"
    user_name = spec.env.get("POSTGRES_USER") or "postgres"
    password = spec.env.get("POSTGRES_PASSWORD", "")
    trust = spec.env.get("POSTGRES_HOST_AUTH_METHOD", "") == "trust"
    if not password and not trust:
        raise ServiceError(
            "Database is uninitialized and superuser password is not specified. You must specify "
            "POSTGRES_PASSWORD to a non-empty value for the superuser (the postgres image refuses "
            "to start without it)"
        )
    database = spec.env.get("POSTGRES_DB") or user_name
    port = spec.ports.get(CONTAINER_PORT) or next(iter(spec.ports.values()), CONTAINER_PORT)
    uid = run_as()
    home = private_folder("pitstop-postgres-")
    data = os.path.join(home, "data")
    log_path = job.service_log(spec.id)
    pwfile = os.path.join(home, "pwfile")
    with open(pwfile, "w", encoding="utf-8") as handle:
        handle.write(password or "postgres")
    if uid is not None:
        os.chown(pwfile, uid, uid)
    auth_host = "trust" if trust else "scram-sha-256"
    code = await _run(
        [
            os.path.join(bin_dir, "initdb"),
            "-D",
            data,
            "-U",
            user_name,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            f"--auth-host={auth_host}",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        ],
        uid,
        log_path,
    )
    if code != 0:
        raise ServiceError(f"initdb failed (exit {code}); see {log_path}")
    argv = [
        os.path.join(bin_dir, "postgres"), "-D", data, "-p", str(port), "-k", home,
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off",
    ]  # fmt: skip

    async def ready() -> bool:
        probe = [os.path.join(bin_dir, "pg_isready"), "-q", "-h", home, "-p", str(port)]
        return await _run(probe, uid, log_path) == 0

    running = await launch(
        spec, provider, argv, log_path=log_path, home=home, ready=ready,
        seconds=READY_SECONDS, grace=5.0, user=uid,
    )  # fmt: skip
    if database != "postgres":
        create = [
            os.path.join(bin_dir, "createdb"), "-h", home, "-p", str(port), "-U", user_name,
            database,
        ]  # fmt: skip
        try:
            if await _run(create, uid, log_path) != 0:
                raise ServiceError(f"creating database '{database}' failed; see {log_path}")
        except BaseException:
            await running.stop()
            raise
    return running
