"""A finished run as text for the terminal, Markdown (``summary.md``), JSON (``report.json``) and
JUnit XML (``junit.xml``: jobs as suites, steps as cases). Everything here is already masked."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pitstop.runner.results import FAILURE, SKIPPED, JobResult, RunResult


def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils.escape, whose module imports urllib.request: 20 ms
    of every run's start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An XML attribute value in double quotes, newlines and tabs kept as character references."""
    text = escape(text).replace('"', "&quot;")
    return '"' + text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


MARKS = {"success": "✓", "failure": "✗", "cancelled": "⊘", "skipped": "-"}


def _seconds(value: float) -> str:
    if value >= 60:
        return f"{int(value // 60)}m{value % 60:04.1f}s"
    return f"{value:.2f}s" if value < 10 else f"{value:.1f}s"


def render_text(run: RunResult, tail: int = 15) -> str:
    lines = [f"Run {run.id}: {run.headline} in {_seconds(run.duration)} ({run.directory})"]
    width = max((len(j.name) for j in run.jobs), default=0)
    for job in run.jobs:
        mark = MARKS.get(job.result, "?")
        note = f"  ({job.reason})" if job.reason and job.result != "success" else ""
        if job.may_fail and job.result == FAILURE:
            note += "  (continue-on-error)"
        lines.append(
            f"  {mark} {job.name.ljust(width)}  {job.result:<9} {_seconds(job.duration):>8}{note}"
        )
    for job in run.jobs:
        for step in job.failed_steps:
            lines.append("")
            lines.append(f"✗ {job.name} › {step.label}: {step.message or 'failed'}")
            lines.extend(f"    {line}" for line in step.tail[-tail:])
            if job.log_path:
                lines.append(f"    log: {job.log_path}")
    missing = run.not_run_locally
    if missing:
        lines.append("")
        lines.append("Not run locally:")
        for job, missed in missing:
            what = f"{job.name} › {missed.label}" if missed else job.name
            why = missed.not_run_locally if missed else job.not_run_locally
            lines.append(f"  - {what}: {why}")
    if run.differs:
        lines += ["", "Not as on GitHub:"]
        lines += [f"  - {job.name} › {step.label}: {step.differs}" for job, step in run.differs]
    return "\n".join(lines)


def render_markdown(run: RunResult) -> str:
    out = [
        f"# pitstop run {run.id}: {run.headline}",
        "",
        "| job | result | duration |",
        "|---|---|---|",
    ]
    for job in run.jobs:
        out.append(
            f"| {job.name} | {MARKS.get(job.result, '')} {job.result} | {_seconds(job.duration)} |"
        )
    missing = run.not_run_locally
    if missing:
        out += ["", "## Not run locally", ""]
        for job, step in missing:
            what = f"{job.name} › {step.label}" if step else job.name
            out.append(f"- {what}: {step.not_run_locally if step else job.not_run_locally}")
    if run.differs:
        out += ["", "## Not as on GitHub", ""]
        out += [f"- {job.name} › {step.label}: {step.differs}" for job, step in run.differs]
    for job in run.jobs:
        summaries = [s.summary for s in job.steps if s.summary]
        if summaries:
            out += ["", f"## {job.name}", "", *summaries]
    return "\n".join(out) + "\n"


def to_data(run: RunResult) -> dict[str, Any]:
    data = dataclasses.asdict(run)
    data["result"] = run.result
    data["headline"] = run.headline
    return data


def render_json(run: RunResult) -> str:
    return json.dumps(to_data(run), indent=2, default=str)


def render_junit(run: RunResult) -> str:
    suites = [_suite(job) for job in run.jobs]
    failures = sum(1 for j in run.jobs for s in j.steps if s.outcome == FAILURE)
    tests = sum(max(1, len(j.steps)) for j in run.jobs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name={quoteattr("pitstop run " + run.id)} tests="{tests}" '
        f'failures="{failures}" time="{run.duration:.3f}">\n' + "".join(suites) + "</testsuites>\n"
    )


def _suite(job: JobResult) -> str:
    cases = []
    for step in job.steps:
        body = ""
        if step.outcome == FAILURE:
            text = escape("\n".join(step.tail))
            body = f"<failure message={quoteattr(step.message or 'failed')}>{text}</failure>"
        elif step.outcome == SKIPPED or step.not_run_locally:
            reason = step.not_run_locally or "skipped"
            body = f"<skipped message={quoteattr(reason)}/>"
        cases.append(
            f"    <testcase classname={quoteattr(job.name)} name={quoteattr(step.label)} "
            f'time="{step.duration:.3f}">{body}</testcase>\n'
        )
    if not job.steps:
        reason = job.reason or job.result
        inner = (
            f"<skipped message={quoteattr(reason)}/>"
            if job.result != FAILURE
            else f"<failure message={quoteattr(reason)}/>"
        )
        cases.append(
            f'    <testcase classname={quoteattr(job.name)} name="job">{inner}</testcase>\n'
        )
    failures = sum(1 for s in job.steps if s.outcome == FAILURE) or int(
        not job.steps and job.result == FAILURE
    )
    return (
        f'  <testsuite name={quoteattr(job.name)} tests="{max(1, len(job.steps))}" '
        f'failures="{failures}" time="{job.duration:.3f}">\n' + "".join(cases) + "  </testsuite>\n"
    )
