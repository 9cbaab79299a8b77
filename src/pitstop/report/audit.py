"""An audit as text for a terminal (findings grouped by file with a code frame, then the
scorecard as the seeds' table: Category, Current, Target, Gap) or as JSON."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

import click

from pitstop.audit import AuditResult
from pitstop.audit.findings import Finding
from pitstop.audit.scorecard import Row, Scorecard

COLOURS = {"high": "red", "medium": "yellow", "low": "cyan"}


def code_frame(text: str, finding: Finding) -> list[str]:
    """The finding's first line, with its span underlined."""
    lines = text.splitlines()
    span = finding.span
    if not 0 < span.line <= len(lines):
        return []
    line = lines[span.line - 1]
    end = span.end_column if span.end_line == span.line else len(line) + 1
    width = max(1, end - span.column)
    gutter = f"{span.line:>5} | "
    marks = " " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" * width
    return [gutter + line, marks]


def render_text(result: AuditResult, texts: dict[str, str], colour: bool = False) -> str:
    out: list[str] = []

    def style(text: str, **how: Any) -> str:
        return click.style(text, **how) if colour else text

    for path, found in groupby(result.findings, key=lambda f: f.span.path):
        out.append(style(path, bold=True, underline=True))
        for finding in found:
            severity = style(f"{finding.severity:<6}", fg=COLOURS[finding.severity], bold=True)
            fixable = ""
            if finding.fix is not None:
                fixable = style(" [fix]" if finding.fix.safety == "safe" else " [fix --unsafe]")
            out.append(
                f"  {finding.span.line}:{finding.span.column}  {severity} "
                f"{style(finding.rule, fg='magenta')}{fixable}  {finding.message}"
            )
            out.extend("    " + line for line in code_frame(texts.get(path, ""), finding))
        out.append("")
    out.extend(render_scorecard(result.scorecard))
    total = len(result.findings)
    counts = {s: sum(f.severity == s for f in result.findings) for s in ("high", "medium", "low")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    line = f"{total} finding{'s' if total != 1 else ''}" + (f" ({summary})" if summary else "")
    if result.ignored:
        line += f"; {len(result.ignored)} ignored inline"
    safe = sum(1 for f in result.findings if f.fix and f.fix.safety == "safe")
    unsafe = sum(1 for f in result.findings if f.fix and f.fix.safety != "safe")
    if safe or unsafe:
        line += f"; `pitstop fix` fixes {safe}, `pitstop fix --unsafe` {safe + unsafe}"
    out.append(line)
    return "\n".join(out)


def number_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def gap_text(row: Row) -> str:
    if row.score is None:
        return "-"
    if row.gap == 0:
        return "none"
    return f"{row.gap:.1f}" + (f" ({row.worst})" if row.worst else "")


def render_scorecard(card: Scorecard) -> list[str]:
    rows = [("Category", "Current", "Target", "Gap", "Findings")]
    for row in card.rows:
        rows.append(
            (
                row.category.capitalize(),
                number_text(row.score),
                number_text(row.target),
                gap_text(row),
                str(row.findings),
            )
        )
    overall_gap = (
        "-" if card.overall is None else f"{max(0.0, round(card.target - card.overall, 1)):.1f}"
    )
    rows.append(("Overall", number_text(card.overall), number_text(card.target), overall_gap, ""))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for index, cells in enumerate(rows):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 or i == 3 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    for row in card.rows:
        for figure in row.figures:
            lines.append(f"  {row.category}: {figure}")
    if any(row.figures for row in card.rows):
        lines.append("")
    return lines


def finding_json(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "message": finding.message,
        "source": finding.source,
        "path": span.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "fix": {"title": finding.fix.title, "safety": finding.fix.safety} if finding.fix else None,
    }


def render_json(result: AuditResult) -> str:
    """The report as JSON: indented, but each finding on a line of its own, so the output of a
    large repository stays greppable and is written at the speed of the C encoder."""
    card = result.scorecard
    data = {
        "scorecard": {
            "overall": card.overall,
            "target": card.target,
            "categories": [
                {
                    "category": r.category,
                    "score": r.score,
                    "target": r.target,
                    "gap": r.gap if r.score is not None else None,
                    "findings": r.findings,
                    "worst": r.worst,
                    "figures": list(r.figures),
                }
                for r in card.rows
            ],
            "rules": [
                {
                    "rule": c.id,
                    "category": c.category,
                    "severity": c.severity,
                    "checked": c.checked,
                    "failed": c.failed,
                    "figure": c.figure,
                }
                for c in result.scored
            ],
        },
        "linters": [
            {
                "linter": c.id,
                "version": c.version,
                "category": c.category,
                "files": c.checked,
                "findings": len(c.findings),
                "duplicates": c.duplicates,
            }
            for c in result.linters
        ],
    }
    rest = json.dumps(data, indent=2)
    lists = [
        _one_per_line(name, found)
        for name, found in (("findings", result.findings), ("ignored", result.ignored))
    ]
    return "{\n" + "".join(lists) + rest[2:]


def _one_per_line(name: str, findings: list[Finding]) -> str:
    if not findings:
        return f'  "{name}": [],\n'
    rows = ",\n".join("    " + json.dumps(finding_json(f)) for f in findings)
    return f'  "{name}": [\n{rows}\n  ],\n'
