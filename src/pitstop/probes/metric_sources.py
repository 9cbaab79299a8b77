"""Where a canary's numbers come from: the Prometheus HTTP API (an instant query, or a range
query for the samples a comparison needs; prometheus.io, "HTTP API"), an HTTP endpoint's JSON,
or a command that prints a number. No data is ``None``; a source that cannot answer at all (a
Prometheus not reachable, a PromQL error, a value that is not a number) raises PitstopError:
that is not a verdict on the canary."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import httpx

from pitstop.errors import PitstopError
from pitstop.probes.canary_config import Metric
from pitstop.probes.json_path import MISSING, dig


async def instant(client: httpx.AsyncClient, metric: Metric, query: str) -> float | None:
    if metric.kind == "http":
        return await _http(client, metric)
    if metric.kind == "command":
        return await _command(metric)
    data = await _prometheus(client, metric, "query", {"query": query})
    kind, result = data.get("resultType"), data.get("result") or []
    if kind == "scalar":
        return _number(metric, result[1])
    if kind != "vector":
        raise PitstopError(f"{metric.name}: the query gives a {kind}, not one number")
    if len(result) > 1:
        raise PitstopError(
            f"{metric.name}: the query gives {len(result)} series; aggregate them to one "
            "(sum, avg, max)"
        )
    return _number(metric, result[0]["value"][1]) if result else None


async def samples(client: httpx.AsyncClient, metric: Metric, query: str) -> list[float]:
    """The query's values over the last ``metric.window`` seconds, one a step."""
    end = time.time()
    step = max(1.0, metric.window / 60)
    data = await _prometheus(
        client,
        metric,
        "query_range",
        {
            "query": query,
            "start": f"{end - metric.window:.3f}",
            "end": f"{end:.3f}",
            "step": f"{step:g}",
        },
    )
    values = []
    for series in data.get("result") or []:
        for _, text in series.get("values") or []:
            value = _number(metric, text)
            if value is not None:
                values.append(value)
    return values


async def _prometheus(
    client: httpx.AsyncClient, metric: Metric, endpoint: str, params: dict[str, str]
) -> dict[str, Any]:
    url = f"{metric.source_url}/api/v1/{endpoint}"
    try:
        response = await client.get(url, params=params)
    except httpx.HTTPError as error:
        raise PitstopError(
            f"{metric.name}: Prometheus at {metric.source_url} cannot be reached: {error}"
        ) from None
    try:
        body = response.json()
    except ValueError:
        raise PitstopError(
            f"{metric.name}: {url} answered {response.status_code}, not Prometheus JSON"
        ) from None
    if body.get("status") != "success":
        kind = body.get("errorType", response.status_code)
        raise PitstopError(
            f"{metric.name}: Prometheus refused the query ({kind}): {body.get('error', '')}"
        )
    data: dict[str, Any] = body.get("data") or {}
    return data


def _number(metric: Metric, text: object) -> float | None:
    try:
        value = float(str(text))
    except ValueError:
        raise PitstopError(f"{metric.name}: {text!r} is not a number") from None
    return None if math.isnan(value) else value  # 0/0 over an idle window: no data


async def _http(client: httpx.AsyncClient, metric: Metric) -> float | None:
    try:
        response = await client.get(metric.query)
        response.raise_for_status()
        data: Any = response.json()
    except httpx.HTTPError as error:
        raise PitstopError(f"{metric.name}: {metric.query}: {error}") from None
    except ValueError:
        raise PitstopError(f"{metric.name}: {metric.query} did not answer JSON") from None
    data = dig(data, metric.path or [])
    if data is MISSING:
        return None
    if data is None:
        return None
    if isinstance(data, bool) or not isinstance(data, (int, float, str)):
        raise PitstopError(
            f"{metric.name}: {'.'.join(metric.path or [])} is {data!r}, not a number"
        )
    return _number(metric, data)


async def _command(metric: Metric) -> float | None:
    process = await asyncio.create_subprocess_shell(
        metric.query, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        said = err.decode(errors="replace").strip().splitlines()
        raise PitstopError(
            f"{metric.name}: `{metric.query}` exited {process.returncode}"
            + (f": {said[-1]}" if said else "")
        )
    text = out.decode(errors="replace").strip()
    return None if not text else _number(metric, text.split()[-1])
