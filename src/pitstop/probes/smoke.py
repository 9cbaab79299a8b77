"""``pitstop smoke``: a suite's requests run against a base URL, in order (or, with a
concurrency, at once where no request waits on another's capture), each retried as it says,
its asserts held, its captures kept for the requests after it."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from pitstop.probes.json_path import MISSING, dig
from pitstop.probes.suite import TYPES, VARIABLE, Check, Request, Suite
from pitstop.probes.websocket import WebSocket, WebSocketError


@dataclass
class Result:
    request: Request
    passed: bool
    failures: list[str] = field(default_factory=list)
    status: int | None = None
    duration: float = 0.0  # seconds, the last attempt
    attempts: int = 0
    captured: dict[str, str] = field(default_factory=dict)


class Missing(Exception):
    """A ${NAME} neither captured earlier nor in the environment."""


async def run_suite(
    suite: Suite,
    base_url: str,
    concurrency: int,
    environment: dict[str, str],
    results: dict[str, Result] | None = None,
) -> list[Result]:
    """Each request's result, in the suite's order; ``results`` fills as requests finish, so
    an interrupted run still has those that did."""
    captured: dict[str, str] = {}
    provides = {name: r.name for r in suite.requests for name in r.captures}
    done = {r.name: asyncio.Event() for r in suite.requests}
    results = {} if results is None else results
    gate = asyncio.Semaphore(max(1, concurrency))
    async with httpx.AsyncClient(headers=suite.headers, follow_redirects=False) as client:

        async def one(request: Request, earlier: list[Request]) -> None:
            if concurrency <= 1:
                for before in earlier:  # in order: each waits for the one before it
                    await done[before.name].wait()
            else:
                for name in request.uses() & provides.keys():
                    await done[provides[name]].wait()
            async with gate:
                results[request.name] = await _run(
                    request, suite, base_url, client, captured, environment
                )
            done[request.name].set()

        await asyncio.gather(*(one(r, suite.requests[:n]) for n, r in enumerate(suite.requests)))
    return [results[r.name] for r in suite.requests]


async def _run(
    request: Request,
    suite: Suite,
    base_url: str,
    client: httpx.AsyncClient,
    captured: dict[str, str],
    environment: dict[str, str],
) -> Result:
    result = Result(request, False)
    variables = {**environment, **captured}
    timeout = request.timeout or suite.timeout
    for attempt in range(1, request.attempts + 1):
        result.attempts = attempt
        result.failures = []
        started = time.perf_counter()
        try:
            if request.websocket:
                await _websocket(request, base_url, variables, timeout, result)
            else:
                await _http(request, base_url, client, variables, timeout, result)
        except Missing as error:
            result.duration = time.perf_counter() - started
            result.failures = [str(error)]
            return result  # no retry makes a variable appear
        if not result.failures:
            result.passed = True
            captured.update(result.captured)
            return result
        if attempt < request.attempts:
            await asyncio.sleep(request.retry_interval)
    return result


async def _http(
    request: Request,
    base_url: str,
    client: httpx.AsyncClient,
    variables: dict[str, str],
    timeout: float,
    result: Result,
) -> None:
    url = _url(base_url, _fill(request.path, variables))
    started = time.perf_counter()
    try:
        response = await client.request(
            request.method,
            url,
            headers=_fill(request.headers, variables),
            params=_fill(request.query, variables) or None,
            json=_fill(request.json, variables) if request.json is not None else None,
            data=_fill(request.form, variables) if request.form is not None else None,
            timeout=timeout,
        )
    except httpx.TimeoutException:
        result.duration = time.perf_counter() - started
        result.failures = [f"no answer within {timeout:g}s"]
        return
    except httpx.HTTPError as error:
        result.duration = time.perf_counter() - started
        result.failures = [f"{type(error).__name__}: {error}"]
        return
    result.duration = time.perf_counter() - started
    result.status = response.status_code
    failures = result.failures
    if request.statuses and not any(a <= response.status_code <= b for a, b in request.statuses):
        wanted = ", ".join(str(a) if a == b else f"{a // 100}xx" for a, b in request.statuses)
        failures.append(f"status {response.status_code}, expected {wanted}")
    if request.under is not None and result.duration > request.under:
        failures.append(f"took {result.duration * 1000:.0f} ms, over {request.under * 1000:.0f} ms")
    body = response.text
    parsed: Any = MISSING
    for check in request.checks:
        if check.subject == "json" and parsed is MISSING:
            try:
                parsed = response.json()
            except ValueError:
                parsed = _NOT_JSON
        value = _subject(check, body, parsed, response.headers)
        failure = _holds(check, value)
        if failure:
            failures.append(failure)
    if not failures and request.captures:
        _capture(request, body, result)


async def _websocket(
    request: Request, base_url: str, variables: dict[str, str], timeout: float, result: Result
) -> None:
    url = re.sub(r"^http", "ws", _url(base_url, _fill(request.path, variables)))
    started = time.perf_counter()
    try:
        socket = await asyncio.wait_for(
            WebSocket.connect(url, _fill(request.headers, variables)), timeout
        )
    except (OSError, WebSocketError, asyncio.TimeoutError, TimeoutError) as error:
        result.duration = time.perf_counter() - started
        said = str(error) or f"no handshake within {timeout:g}s"
        result.failures = [f"cannot connect to {url}: {said}"]
        return
    try:
        if request.send is not None:
            await socket.send(_fill(request.send, variables))
        checks = [c for c in request.checks if c.subject == "message"]
        if checks or request.within is not None:
            within = request.within or timeout
            try:
                message = await asyncio.wait_for(socket.receive(), within)
            except (asyncio.TimeoutError, TimeoutError):
                result.failures.append(f"no message within {within * 1000:.0f} ms")
                return
            except (WebSocketError, OSError, asyncio.IncompleteReadError) as error:
                result.failures.append(f"no message: {error}")
                return
            for check in checks:
                failure = _holds(check, _message_value(check, message))
                if failure:
                    result.failures.append(failure)
    finally:
        result.duration = time.perf_counter() - started
        await socket.close()


_NOT_JSON = object()


def _message_value(check: Check, message: str) -> Any:
    if not check.path:
        return message
    try:
        return dig(json.loads(message), check.path)
    except ValueError:
        return _NOT_JSON


def _subject(check: Check, body: str, parsed: Any, headers: httpx.Headers) -> Any:
    if check.subject == "body":
        return body
    if check.subject == "header":
        value = headers.get(check.path[0])
        return MISSING if value is None else value
    if parsed is _NOT_JSON:
        return _NOT_JSON
    return dig(parsed, check.path)


def _holds(check: Check, value: Any) -> str | None:
    """None when the check holds, else what failed, for people."""
    where = " ".join([check.subject, ".".join(check.path)]).strip()
    if value is _NOT_JSON:
        return f"{where}: the body is not JSON"
    if check.kind == "exists":
        present = value is not MISSING
        return (
            None
            if present == bool(check.expected)
            else (f"{where} {'is missing' if check.expected else 'exists'}")
        )
    if value is MISSING:
        return f"{where} is missing"
    expected = check.expected
    if check.kind == "equals":
        same = value == expected or (isinstance(value, str) and value == str(expected))
        return None if same else f"{where} is {_shown(value)}, expected {_shown(expected)}"
    if check.kind == "contains":
        if isinstance(value, str):
            ok = str(expected) in value
        elif isinstance(value, (list, dict)):
            ok = expected in value
        else:
            ok = False
        return None if ok else f"{where} does not contain {_shown(expected)}"
    if check.kind == "matches":
        text = value if isinstance(value, str) else json.dumps(value)
        return None if re.search(str(expected), text) else f"{where} does not match {expected!r}"
    if check.kind == "type":
        wanted = TYPES[str(expected)]
        ok = isinstance(value, wanted) and not (
            isinstance(value, bool) and expected in ("number", "integer")
        )
        return None if ok else f"{where} is {type(value).__name__}, expected {expected}"
    if not hasattr(value, "__len__"):
        return f"{where} has no length"
    size = len(value)
    if isinstance(expected, int):
        return None if size == expected else f"{where} has length {size}, expected {expected}"
    low, high = expected.get("min"), expected.get("max")
    if (low is not None and size < low) or (high is not None and size > high):
        bounds = " ".join(f"{k} {v}" for k, v in expected.items())
        return f"{where} has length {size}, expected {bounds}"
    return None


def _capture(request: Request, body: str, result: Result) -> None:
    try:
        parsed = json.loads(body)
    except ValueError:
        result.failures.append("cannot capture: the body is not JSON")
        return
    for name, path in request.captures.items():
        value = dig(parsed, path)
        if value is MISSING:
            result.failures.append(f"cannot capture {name}: no json.{'.'.join(path)}")
        else:
            result.captured[name] = value if isinstance(value, str) else json.dumps(value)


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _url(base: str, path: str) -> str:
    if re.match(r"^(https?|wss?)://", path):
        return path
    return base.rstrip("/") + "/" + path.lstrip("/")


def _fill(value: Any, variables: dict[str, str]) -> Any:
    if isinstance(value, str):

        def one(found: re.Match[str]) -> str:
            name = found.group(1)
            if name not in variables:
                raise Missing(f"no ${{{name}}}: neither captured by an earlier request nor set")
            return variables[name]

        return VARIABLE.sub(one, value)
    if isinstance(value, dict):
        return {k: _fill(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, variables) for v in value]
    return value
