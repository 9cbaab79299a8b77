"""Child processes in their own process group, streamed line by line, ended as a whole.

Every step runs in a new session, so the step and everything it starts share one process group.
Stopping sends SIGINT, then SIGTERM, then SIGKILL, each after a grace period, to the whole group
(the runner does the same for cancelled steps, and cleans up orphan processes at job end).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

GRACE_SECONDS = 2.5
# After the step's own process exits, its background children may hold the output pipe open; the
# runner does not wait for them, so neither do we, beyond a short drain.
DRAIN_SECONDS = 0.2


@dataclass
class Finished:
    exit_code: int | None  # None: ended by us (timeout or cancellation)
    timed_out: bool = False
    cancelled: bool = False


@dataclass
class ProcessOutcome:
    """A step's process as the runner sees it: how it ended, and what its workflow and file
    commands set."""

    finished: Finished
    outputs: dict[str, str] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    failed_command: bool = False  # a workflow or file command the runner would fail the step for


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def end_group(pgid: int, grace: float = GRACE_SECONDS) -> None:
    """SIGINT, SIGTERM, SIGKILL to the group ``pgid`` until nothing of it is left."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            return
        waited = 0.0
        while waited < grace:
            await asyncio.sleep(0.05)
            waited += 0.05
            if not group_alive(pgid):
                return


def end_group_now(pgid: int) -> None:
    """SIGKILL the group at once: the last resort when the event loop is going away."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


async def run_streamed(
    argv: Sequence[str],
    *,
    cwd: str,
    env: Mapping[str, str],
    on_line: Callable[[str], None],
    timeout: float | None,
    cancel: asyncio.Event,
    groups: set[int],
    user: int | None = None,
) -> Finished:
    """Run ``argv``; call ``on_line`` for each output line (stdout and stderr merged).

    Ends the process group when ``timeout`` seconds pass or ``cancel`` is set. The group id is
    added to ``groups`` so that whoever owns the job can end what is left of it later.
    """
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            limit=1024 * 1024,
            user=user,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as error:
        on_line(f"##[error]{error.strerror or error}: {argv[0]}")
        return Finished(127)
    pgid = proc.pid
    groups.add(pgid)
    assert proc.stdout is not None
    reader = asyncio.create_task(_read_lines(proc.stdout, on_line))
    waiter = asyncio.create_task(proc.wait())
    canceller = asyncio.create_task(cancel.wait())
    done, _ = await asyncio.wait(
        {waiter, canceller}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    result: Finished
    if waiter in done:
        result = Finished(waiter.result())
    else:
        timed_out = canceller not in done
        await end_group(pgid)
        await waiter
        result = Finished(None, timed_out=timed_out, cancelled=not timed_out)
    canceller.cancel()
    # background children may keep the pipe; their output goes on to the log
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(reader), DRAIN_SECONDS)
    return result


async def _read_lines(stream: asyncio.StreamReader, on_line: Callable[[str], None]) -> None:
    pending = b""
    while True:
        try:
            chunk = await stream.read(65536)
        except (asyncio.LimitOverrunError, ValueError):
            chunk = b""
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            on_line(line.rstrip(b"\r").decode("utf-8", errors="replace"))
    if pending:
        on_line(pending.rstrip(b"\r").decode("utf-8", errors="replace"))
