"""The terminal side of a run: line-prefixed logs (``[job/step] …``), or a live view with every job,
its state and duration and the running step's last lines; then the summary. Lines arrive masked."""

from __future__ import annotations

import collections
import sys
import threading
import time
from typing import Any

from pitstop.report.run import MARKS, render_text
from pitstop.runner.log import LogEvent
from pitstop.runner.results import JobResult, RunResult
from pitstop.runner.state import RunState

LIVE_LINES = 4


class PlainView:
    """``[job/step] line`` on standard output; groups shown as ``▸ title``."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self.lock = threading.Lock()

    def on_event(self, event: LogEvent) -> None:
        step = event.step if event.step is None or len(event.step) <= 32 else event.step[:31] + "…"
        where = f"{event.job}/{step}" if step else event.job
        if event.kind == "step":
            text = f"[{event.job}] ▶ {event.text}"
        elif event.kind == "group":
            text = f"[{where}] ▸ {event.text}"
        elif event.kind == "endgroup":
            return
        elif event.kind in ("error", "warning", "notice", "debug"):
            text = f"[{where}] {event.kind}: {event.text}"
        else:
            text = f"[{where}] {event.text}"
        self.write(text)

    def on_job(self, result: JobResult, started: bool) -> None:
        if started:
            self.write(f"[{result.key}] started")
        else:
            mark = MARKS.get(result.result, "?")
            reason = f" ({result.reason})" if result.reason else ""
            self.write(f"[{result.key}] {mark} {result.result} in {result.duration:.1f}s{reason}")

    def write(self, text: str) -> None:
        with self.lock:
            try:
                sys.stdout.write(text + "\n")
                sys.stdout.flush()
            except BrokenPipeError:
                pass

    def note(self, text: str) -> None:
        self.write(f"pitstop: {text}")

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def finish(self, run: RunResult) -> None:
        self.write("")
        self.write(render_text(run))
        summaries = [(j.name, s.summary) for j in run.jobs for s in j.steps if s.summary]
        for name, summary in summaries:
            self.write(f"\n── step summary: {name} ──\n{summary.rstrip()}")


class LiveView(PlainView):
    """A rich Live table, redrawn a few times a second, with the running steps' last lines."""

    def __init__(self, state: RunState) -> None:
        super().__init__(state)
        from rich.console import Console

        self.console = Console()
        self.jobs: dict[str, dict[str, Any]] = {}
        self.live: Any = None

    def on_event(self, event: LogEvent) -> None:
        """Keep the running step's last lines; a group folds into one ``▸ title (n lines)`` line,
        as GitHub's log view shows it closed, while errors and warnings inside it stay visible."""
        job = self.jobs.setdefault(event.job, self._new(event.job))
        lines = job["lines"]
        if event.kind == "step":
            job["step"] = event.text
            job["group"] = None
            lines.clear()
        elif event.kind == "group":
            job["group"] = [event.text[:200], 0]
            lines.append(f"▸ {job['group'][0]}")
        elif event.kind == "endgroup":
            job["group"] = None
        elif event.kind == "line" and job["group"] is not None:
            group = job["group"]
            group[1] += 1
            folded = f"▸ {group[0]} ({group[1]} line{'s' if group[1] != 1 else ''})"
            if lines and lines[-1].startswith(f"▸ {group[0]}"):
                lines[-1] = folded
            else:
                lines.append(folded)
        elif event.kind in ("line", "error", "warning", "notice"):
            prefix = "" if event.kind == "line" else f"{event.kind}: "
            lines.append((prefix + event.text)[:200])

    def _new(self, key: str) -> dict[str, Any]:
        return {
            "state": "queued",
            "step": "",
            "start": time.monotonic(),
            "duration": None,
            "group": None,
            "lines": collections.deque(maxlen=LIVE_LINES),
        }

    def on_job(self, result: JobResult, started: bool) -> None:
        job = self.jobs.setdefault(result.key, self._new(result.key))
        if started:
            job["state"] = "running"
            job["start"] = time.monotonic()
        else:
            job["state"] = result.result
            job["duration"] = result.duration

    def render(self) -> Any:
        from rich.table import Table
        from rich.text import Text

        table = Table.grid(padding=(0, 1))
        colours = {
            "success": "green",
            "failure": "red",
            "cancelled": "yellow",
            "skipped": "dim",
            "running": "cyan",
            "queued": "dim",
        }
        for key, job in self.jobs.items():
            state = job["state"]
            duration = (
                job["duration"]
                if job["duration"] is not None
                else (time.monotonic() - job["start"])
            )
            mark = MARKS.get(state, "…")
            table.add_row(
                Text(f"{mark} {key}", style=colours.get(state, "")),
                Text(state, style=colours.get(state, "")),
                Text(f"{duration:6.1f}s"),
                Text(job["step"] if state == "running" else "", style="bold"),
            )
            if state == "running":
                for line in job["lines"]:
                    table.add_row(Text(""), Text(""), Text(""), Text(line, style="dim"))
        return table

    def start(self) -> None:
        from rich.live import Live

        self.live = Live(
            self.render(),
            console=self.console,
            refresh_per_second=4,
            get_renderable=self.render,
            transient=False,
        )
        self.live.start()

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()

    def note(self, text: str) -> None:
        self.console.print(f"[yellow]pitstop:[/] {text}")

    def finish(self, run: RunResult) -> None:
        self.console.print(render_text(run), highlight=False, markup=False)
        from rich.markdown import Markdown

        for job in run.jobs:
            for step in job.steps:
                if step.summary:
                    self.console.rule(f"step summary: {job.name}")
                    self.console.print(Markdown(step.summary))


def attach(state: RunState, live: bool) -> PlainView:
    view = LiveView(state) if live else PlainView(state)
    state.sink = view.on_event
    state.job_sink = view.on_job
    return view
