"""``mysql`` and ``mariadb`` images served by a MariaDB (or MySQL) server found on this machine
(Debian's ``mariadb-server`` package: ``mariadbd``, ``mariadb-install-db``, ``mariadb``).

Honours the images' environment as their entrypoints do (hub.docker.com/_/mariadb and
hub.docker.com/_/mysql), each ``MARIADB_*`` name with its ``MYSQL_*`` twin: ``ROOT_PASSWORD``
(required unless ``ALLOW_EMPTY_ROOT_PASSWORD``/``MYSQL_ALLOW_EMPTY_PASSWORD`` or
``RANDOM_ROOT_PASSWORD``), ``DATABASE``, ``USER`` and ``PASSWORD`` (the user gets every right on
the database). ``root`` may connect from any host, as in the images; names are not resolved
(``skip-name-resolve``, as the images set). The server listens on 127.0.0.1 at the mapped port.
"""

from __future__ import annotations

import os
import secrets
import socket
from typing import TYPE_CHECKING

from pitstop.runner.services import (
    Running,
    ServiceError,
    ServiceSpec,
    launch,
    program_version,
    spawn,
)
from pitstop.runner.services.binaries import find_on_path, private_folder, run_as

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext

CONTAINER_PORT = 3306
READY_SECONDS = 60.0
SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/local/mysql/bin")


def find_server() -> tuple[str, str, str] | None:
    """(server, install-db program, client) of MariaDB, else MySQL, on the PATH or in sbin."""
    for server, install, client in (
        ("mariadbd", "mariadb-install-db", "mariadb"),
        ("mysqld", "mysql_install_db", "mysql"),
    ):
        folder = find_on_path(server, SBIN)
        tools = find_on_path(install, SBIN)
        talk = find_on_path(client, SBIN)
        if folder and tools and talk:
            return (
                os.path.join(folder, server),
                os.path.join(tools, install),
                os.path.join(talk, client),
            )
    return None


def _setting(env: dict[str, str], name: str) -> str:
    return env.get(f"MARIADB_{name}") or env.get(f"MYSQL_{name}") or ""


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def setup_sql(env: dict[str, str]) -> tuple[str, str]:
    """(the SQL that sets the server up as the image would, the root password)."""
    password = _setting(env, "ROOT_PASSWORD")
    empty = _setting(env, "ALLOW_EMPTY_ROOT_PASSWORD") or env.get("MYSQL_ALLOW_EMPTY_PASSWORD")
    if _setting(env, "RANDOM_ROOT_PASSWORD"):
        password = secrets.token_urlsafe(24)
    elif not password and not empty:
        raise ServiceError(
            "Database is uninitialized and password option is not specified. You need to specify "
            "one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, "
            "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD (the image "
            "refuses to start without one; MYSQL_* names work too)"
        )
    pw = _quoted(password)
    # install-db also makes root@127.0.0.1, root@::1 and root@<host name> without a password,
    # which a TCP login would match first; the images drop them, leaving root@localhost and %
    others = ", ".join(f"'root'@{_quoted(h)}" for h in ("127.0.0.1", "::1", socket.gethostname()))
    lines = [
        f"DROP USER IF EXISTS {others};",
        f"ALTER USER 'root'@'localhost' IDENTIFIED BY {pw};",
        f"CREATE USER 'root'@'%' IDENTIFIED BY {pw};",
        "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;",
    ]
    database = _setting(env, "DATABASE")
    if database:
        lines.append(f"CREATE DATABASE IF NOT EXISTS `{database.replace('`', '``')}`;")
    user, user_password = _setting(env, "USER"), _setting(env, "PASSWORD")
    if user and user != "root":
        lines.append(f"CREATE USER {_quoted(user)}@'%' IDENTIFIED BY {_quoted(user_password)};")
        if database:
            lines.append(f"GRANT ALL ON `{database.replace('`', '``')}`.* TO {_quoted(user)}@'%';")
    lines.append("FLUSH PRIVILEGES;")
    return "\n".join(lines), password


async def _run(argv: list[str], log_path: str, user: int | None = None, sql: str = "") -> int:
    if not sql:
        return await (await spawn(argv, log_path, user)).wait()
    import asyncio

    with open(log_path, "ab") as log:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=log, stderr=log, user=user
        )
        await proc.communicate(sql.encode())
    return proc.returncode or 0


async def start(job: StepContext, spec: ServiceSpec) -> Running:
    found = find_server()
    if found is None:
        raise ServiceError(
            "no MariaDB or MySQL server found: install one (Debian: apt-get install "
            "mariadb-server) so that mariadbd, mariadb-install-db and mariadb are on the PATH"
        )
    server, install, client = found
    version = program_version([server, "--version"])
    name = "MariaDB" if "maria" in os.path.basename(server) or "MariaDB" in version else "MySQL"
    version = version if version != "?" else "(version unknown)"
    sql, _password = setup_sql(spec.env)
    port = spec.ports.get(CONTAINER_PORT) or next(iter(spec.ports.values()), CONTAINER_PORT)
    uid = run_as()
    home = private_folder("pitstop-mysql-")
    data, sock = os.path.join(home, "data"), os.path.join(home, "mysqld.sock")
    log_path = job.service_log(spec.id)
    user_args = ["--user=nobody"] if uid is not None else []
    code = await _run(
        [install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
         "--skip-test-db", *user_args],
        log_path,
    )  # fmt: skip
    if code != 0:
        raise ServiceError(f"{os.path.basename(install)} failed (exit {code}); see {log_path}")
    argv = [
        server, "--no-defaults", f"--datadir={data}", f"--socket={sock}", f"--port={port}",
        "--bind-address=127.0.0.1", f"--pid-file={os.path.join(home, 'mysqld.pid')}",
        "--skip-name-resolve", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
        *user_args,
    ]  # fmt: skip

    async def ready() -> bool:
        ping = [client, "--no-defaults", "-uroot", f"--socket={sock}", "-e", "SELECT 1"]
        return await _run(ping, log_path) == 0

    running = await launch(
        spec, f"{name} {version}, {server}", argv, log_path=log_path, home=home, ready=ready,
        seconds=READY_SECONDS, grace=5.0,
    )  # fmt: skip
    try:
        login = [client, "--no-defaults", "-uroot", f"--socket={sock}"]
        if await _run(login, log_path, sql=sql) != 0:
            raise ServiceError(f"setting up users and the database failed; see {log_path}")
    except BaseException:
        await running.stop()
        raise
    return running
