"""``pitstop wait``: every target polled at once until each is ready or the time is up; each
target's attempts, the moment it was ready, or what it said last."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

from pitstop.probes.backoff import Backoff
from pitstop.probes.checks import NotReady, attempt
from pitstop.probes.targets import Target


@dataclass
class Progress:
    target: Target
    attempts: int = 0
    ready_after: float | None = None  # seconds from the start
    last_error: str = ""


async def wait_for(
    targets: list[Target],
    timeout: float,
    backoff: Backoff,
    attempt_timeout: float,
    on_ready: Callable[[Progress], None] = lambda _: None,
) -> list[Progress]:
    """Poll each target until it is ready or ``timeout`` seconds have passed since the start."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + timeout
    rng = random.Random()
    client = None
    if any(t.kind == "http" for t in targets):
        import httpx

        client = httpx.AsyncClient(follow_redirects=False)
    progress = [Progress(t) for t in targets]

    async def poll(state: Progress) -> None:
        while True:
            state.attempts += 1
            left = deadline - loop.time()
            try:
                await attempt(state.target, max(0.05, min(attempt_timeout, left)), client)
            except NotReady as error:
                state.last_error = str(error)
            else:
                state.ready_after = loop.time() - start
                on_ready(state)
                return
            left = deadline - loop.time()
            if left <= 0:
                return
            await asyncio.sleep(min(backoff.delay(state.attempts, rng), left))

    try:
        await asyncio.gather(*(poll(state) for state in progress))
    finally:
        if client is not None:
            await client.aclose()
    return progress
