"""Services say what they are: which server (and version) serves which image, a warning when the
image's major differs, a busy host port named with its holder before anything starts, the
server's last log lines when it fails; Redis-protocol images (valkey) as Redis; ``mysql`` and
``mariadb`` images by a MariaDB server on this machine, set up from the image's variables
(hub.docker.com/_/mariadb: MARIADB_ROOT_PASSWORD, MARIADB_DATABASE, MARIADB_USER,
MARIADB_PASSWORD, and their MYSQL_* twins)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest
from conftest import make_repo, pitstop_run

from pitstop.runner.services import ServiceError, ServiceSpec, launch
from pitstop.runner.services.mysql import find_server

# These tests run workflows whose services bind fixed host ports (`ports: ["5432:5432"]`), or
# hold such a port themselves: under pytest-xdist, one worker runs all of them, one at a time.
pytestmark = pytest.mark.xdist_group("host-ports")


def test_a_busy_host_port_is_named_with_the_process_holding_it(tmp_path: Path) -> None:
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 5432))
    except OSError:
        holder.close()
        pytest.skip("port 5432 is taken on this machine already")
    holder.listen()
    try:
        repo = make_repo(
            tmp_path / "repo",
            """
on: push
jobs:
  check:
    runs-on: ubuntu-latest
    services:
      db:
        image: postgres:16
        env: {POSTGRES_PASSWORD: pw}
        ports: ["5432:5432"]
    steps:
      - run: echo never
""",
        )
        proc = pitstop_run(repo)
    finally:
        holder.close()
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert f"host port 5432 is already in use by pid {os.getpid()} (" in out
    assert "python" in out.split(f"pid {os.getpid()} (", 1)[1].split(")")[0]
    assert "echo never" not in out.split("Run 1")[0].split("started")[-1]


def test_the_server_serving_an_image_is_named_and_a_different_major_is_a_warning(
    tmp_path: Path,
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        """
on: push
jobs:
  check:
    runs-on: ubuntu-latest
    services:
      db:
        image: postgres:99-alpine
        env: {POSTGRES_PASSWORD: pw}
        ports: ["5498:5432"]
      cache:
        image: valkey/valkey:8
        ports: ["6398:6379"]
    steps:
      - run: |
          python3 - <<'PY'
          import socket
          with socket.create_connection(("127.0.0.1", 6398)) as s:
              s.sendall(b"PING\\r\\n")
              assert s.recv(64).startswith(b"+PONG")
          PY
""",
    )
    proc = pitstop_run(repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "postgres:99-alpine is served by PostgreSQL " in out
    assert "warning: postgres:99-alpine asks for PostgreSQL 99; the nearest here is " in out
    assert "valkey/valkey:8 is served by Redis " in out


def test_a_server_that_dies_puts_its_last_log_lines_in_the_message(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    spec = ServiceSpec("db", "postgres:16", {}, {5432: 5496})
    dying = [sys.executable, "-c", "print('starting'); print('FATAL: no such role'); exit(3)"]

    async def never() -> bool:
        await asyncio.sleep(0.05)
        return False

    with pytest.raises(ServiceError) as error:
        asyncio.run(
            launch(spec, "test", dying, log_path=str(log), home=str(tmp_path / "home"),
                   ready=never, seconds=30, grace=1)
        )  # fmt: skip
    message = str(error.value)
    assert "exited with code 3" in message
    assert "FATAL: no such role" in message and "starting" in message


@pytest.mark.skipif(
    find_server() is None,
    reason="no MariaDB server on this machine: .ci/deps installs Debian's mariadb-server as root",
)
@pytest.mark.parametrize("image,prefix", [("mariadb:10.11", "MARIADB"), ("mysql:8.0", "MYSQL")])
def test_a_mariadb_or_mysql_service_is_set_up_from_the_image_variables(
    tmp_path: Path, image: str, prefix: str
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        f"""
on: push
jobs:
  check:
    runs-on: ubuntu-latest
    services:
      db:
        image: {image}
        env:
          {prefix}_ROOT_PASSWORD: root-pw
          {prefix}_DATABASE: appdb
          {prefix}_USER: app
          {prefix}_PASSWORD: app-pw
        ports: ["3399:3306"]
    steps:
      - run: |
          test "$(mariadb -h127.0.0.1 -P3399 -uapp -papp-pw appdb -NBe 'select database()')" = appdb
          mariadb -h127.0.0.1 -P3399 -uroot -proot-pw -NBe 'create database other'
          ! mariadb -h127.0.0.1 -P3399 -uapp -pwrong appdb -e 'select 1'
""",
    )
    proc = pitstop_run(repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"{image} is served by MariaDB " in out


def test_a_mysql_image_without_a_root_password_is_refused_as_the_image_refuses(
    tmp_path: Path,
) -> None:
    if find_server() is None:
        pytest.skip("no MariaDB server on this machine: .ci/deps installs it as root")
    repo = make_repo(
        tmp_path / "repo",
        """
on: push
jobs:
  check:
    runs-on: ubuntu-latest
    services:
      db:
        image: mysql:8.0
        ports: ["3398:3306"]
    steps:
      - run: echo never
""",
    )
    proc = pitstop_run(repo)
    assert proc.returncode == 1
    assert "You need to specify one of MARIADB_ROOT_PASSWORD" in proc.stdout
