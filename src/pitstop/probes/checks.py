"""One attempt at each kind of target: it returns when the target is ready and raises
``NotReady`` with what was seen otherwise (connection refused, status 503, body mismatch)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from pitstop.probes.json_path import MISSING, dig
from pitstop.probes.targets import Target

if TYPE_CHECKING:
    import httpx


class NotReady(Exception):
    """The target answered, or failed to, in a way that is not ready yet."""


async def attempt(target: Target, timeout: float, client: httpx.AsyncClient | None) -> None:
    try:
        if target.kind == "http":
            assert client is not None
            await asyncio.wait_for(_http(target, client, timeout), timeout)
        elif target.kind == "tcp":
            await asyncio.wait_for(_tcp(target), timeout)
        elif target.kind == "postgresql":
            await asyncio.wait_for(_postgres(target, timeout), timeout + 1)
        elif target.kind == "redis":
            await asyncio.wait_for(_redis(target), timeout)
        elif target.kind == "exec":
            await _exec(target, timeout)
        elif not os.path.exists(target.path):
            raise NotReady(f"{target.path} does not exist")
    except (asyncio.TimeoutError, TimeoutError):
        raise NotReady(f"no answer within {timeout:g}s") from None
    except ConnectionRefusedError:
        raise NotReady("connection refused") from None
    except OSError as error:
        raise NotReady(error.strerror or str(error)) from None


async def _http(target: Target, client: httpx.AsyncClient, timeout: float) -> None:
    import httpx

    try:
        response = await client.get(target.url, timeout=timeout)
    except httpx.ConnectError as error:
        cause = error.__cause__ or error.__context__
        refused = isinstance(cause, ConnectionRefusedError) or "refused" in str(error).lower()
        raise NotReady("connection refused" if refused else f"cannot connect: {error}") from None
    except httpx.TimeoutException:
        raise NotReady(f"no answer within {timeout:g}s") from None
    except httpx.HTTPError as error:
        raise NotReady(f"{type(error).__name__}: {error}") from None
    low, high = target.statuses
    if not low <= response.status_code <= high:
        wanted = str(low) if low == high else f"{low}-{high}"
        raise NotReady(f"status {response.status_code} (waiting for {wanted})")
    if target.body is not None and not target.body.search(response.text):
        raise NotReady(f"body does not match {target.body.pattern!r}")
    for name, pattern in target.headers:
        value = response.headers.get(name)
        if value is None or not pattern.search(value):
            raise NotReady(f"header {name} does not match {pattern.pattern!r}")
    if target.json:
        try:
            data = response.json()
        except ValueError:
            raise NotReady("body is not JSON") from None
        for path, expected in target.json:
            found = dig(data, path)
            if found is MISSING:
                raise NotReady(f"no {'.'.join(path)} in the JSON")
            said = found if isinstance(found, str) else json.dumps(found)
            if said != expected:
                raise NotReady(f"{'.'.join(path)} is {said!r}, not {expected!r}")


async def _tcp(target: Target) -> None:
    _, writer = await asyncio.open_connection(target.host, target.port)
    writer.close()
    await writer.wait_closed()


async def _postgres(target: Target, timeout: float) -> None:
    import psycopg

    try:
        connection = await psycopg.AsyncConnection.connect(
            target.url, connect_timeout=max(1, int(timeout)), autocommit=True
        )
    except psycopg.OperationalError as error:
        # libpq's first line says what failed ("... port 5432 failed: Connection refused"),
        # the next ones hint ("Is the server running ...")
        said = [line.strip() for line in str(error).splitlines() if line.strip()]
        first = said[0].removeprefix("connection failed: ") if said else "cannot connect"
        raise NotReady(first) from None
    try:
        await connection.execute("select 1")
    except psycopg.Error as error:
        raise NotReady(f"select 1 failed: {error}") from None
    finally:
        await connection.close()


async def _redis(target: Target) -> None:
    parts = urlsplit(target.url)
    reader, writer = await asyncio.open_connection(target.host, target.port)
    try:
        if parts.password is not None:
            words = [unquote(parts.username or ""), unquote(parts.password)]
            await _command(reader, writer, ["AUTH", *(w for w in words if w)])
        answer = await _command(reader, writer, ["PING"])
        if answer != "+PONG":
            raise NotReady(f"PING answered {answer!r}")
    finally:
        writer.close()
        await writer.wait_closed()


async def _command(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, words: list[str]
) -> str:
    """A command in RESP, Redis's protocol (redis.io, "Redis serialization protocol"), and the
    first line of its answer; an error answer (``-LOADING``, ``-NOAUTH``) is not ready."""
    encoded = [w.encode() for w in words]
    request = b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in encoded)
    writer.write(request)
    await writer.drain()
    line = (await reader.readline()).decode(errors="replace").rstrip("\r\n")
    if not line:
        raise NotReady("the connection closed without an answer")
    if line.startswith("-"):
        raise NotReady(f"{words[0]} answered {line[1:]}")
    return line


async def _exec(target: Target, timeout: float) -> None:
    process = await asyncio.create_subprocess_shell(
        target.path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout)
    except (asyncio.TimeoutError, TimeoutError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        raise NotReady(f"still running after {timeout:g}s") from None
    if process.returncode != 0:
        said = out.decode(errors="replace").strip().splitlines()
        raise NotReady(f"exit {process.returncode}" + (f": {said[-1][:200]}" if said else ""))
