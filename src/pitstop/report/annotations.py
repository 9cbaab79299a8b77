"""An audit as GitHub workflow commands (``::error file=…,line=…::message``), which the runner
turns into annotations on the run and on the pull request's diff.

GitHub shows at most 10 annotations of each level (error, warning, notice) per step and 50 per
job (GitHub's docs on annotations; community discussion #68471 on the limit), and drops the rest
without a word. So the most severe findings go first, at most 10 per level, and when some are
left out a last notice says how many; that notice takes one of the 10 notice places."""

from __future__ import annotations

import os

from pitstop.audit import AuditResult
from pitstop.audit.findings import severity_rank
from pitstop.report.command_text import escape_data, escape_property

PER_LEVEL = 10
LEVELS = {"high": "error", "medium": "warning", "low": "notice"}


def render_annotations(result: AuditResult, root: str) -> str:
    findings = sorted(result.findings, key=lambda f: (-severity_rank(f.severity), f.sort_key()))
    counts = {level: 0 for level in LEVELS.values()}
    lines = []
    for finding in findings:
        level = LEVELS[finding.severity]
        room = PER_LEVEL - 1 if level == "notice" else PER_LEVEL  # keep a notice for the count
        if counts[level] >= room:
            continue
        counts[level] += 1
        span = finding.span
        path = os.path.relpath(span.path, root).replace(os.sep, "/")
        where = f"file={escape_property(path)},line={span.line},col={span.column}"
        if span.end > span.start:
            where += f",endLine={span.end_line},endColumn={span.end_column}"
        title = escape_property(f"pitstop {finding.rule}")
        lines.append(f"::{level} {where},title={title}::{escape_data(finding.message)}")
    dropped = len(findings) - len(lines)
    if dropped:
        lines.append(
            f"::notice title=pitstop audit::{dropped} more "
            f"{'finding' if dropped == 1 else 'findings'} not annotated: GitHub shows 10 "
            "annotations of each level per step. `pitstop audit --format markdown` lists them all."
        )
    return "\n".join(lines) + ("\n" if lines else "")
