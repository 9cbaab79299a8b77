"""Where a job's output goes: its log file, the terminal view, and each step's tail, all masked.

Every line passes through the run's :class:`Masker` first, so no secret reaches a file, the
terminal or a report. The terminal side is a callback the front end provides (plain prefixed lines
or the live view).
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from pitstop.runner.masking import Masker

TAIL_LINES = 30


@dataclass(frozen=True)
class LogEvent:
    job: str  # the job's display key, e.g. "unit (3.11)"
    step: str | None  # the step's label, None for job-level lines
    kind: str  # "line", "group", "endgroup", "error", "warning", "notice", "debug", "step"
    text: str


Sink = Callable[[LogEvent], None]


def _discard(event: LogEvent) -> None:
    pass


@dataclass
class JobLog:
    """The log of one job: a file under the run directory, plus events for the terminal."""

    job: str
    path: str
    masker: Masker
    sink: Sink = _discard
    debug: bool = False
    step: str | None = None
    tail: collections.deque[str] = field(
        default_factory=lambda: collections.deque(maxlen=TAIL_LINES)
    )
    _file: IO[str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _start: float = field(default_factory=time.monotonic)

    def open(self) -> None:
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def begin_step(self, label: str) -> None:
        self.step = label
        self.tail.clear()
        self.emit("step", label)

    def emit(self, kind: str, text: str) -> None:
        text = self.masker.mask(text)
        if kind == "debug" and not self.debug:
            self._write(f"##[debug]{text}")
            return
        prefix = {
            "error": "##[error]",
            "warning": "##[warning]",
            "notice": "##[notice]",
            "debug": "##[debug]",
            "group": "##[group]",
            "endgroup": "##[endgroup]",
            "step": "##[step]",
        }.get(kind, "")
        self._write(prefix + text)
        if kind in ("line", "error", "warning", "notice"):
            self.tail.append(prefix + text)
        self.sink(LogEvent(self.job, self.step, kind, text))

    def line(self, text: str) -> None:
        self.emit("line", text)

    def _write(self, text: str) -> None:
        with self._lock:
            if self._file is not None:
                elapsed = time.monotonic() - self._start
                self._file.write(f"{elapsed:9.3f} {text}\n")
                self._file.flush()
