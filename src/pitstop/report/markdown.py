"""An audit as Markdown for a job summary or a pull-request comment: the scorecard table, the
figures behind it, then the findings, most severe first. GitHub refuses a comment body over
65,536 characters, so findings that do not fit are left out and the report says how many."""

from __future__ import annotations

import os

from pitstop.audit import AuditResult
from pitstop.audit.findings import Finding, severity_rank
from pitstop.report.audit import gap_text, number_text

LIMIT = 65_536
ICONS = {"high": "🔴 high", "medium": "🟠 medium", "low": "🔵 low"}


def render_markdown(result: AuditResult, root: str, limit: int = LIMIT) -> str:
    card = result.scorecard
    head = [
        "## pitstop audit",
        "",
        "| Category | Current | Target | Gap | Findings |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in card.rows:
        head.append(
            f"| {row.category.capitalize()} | {number_text(row.score)} | "
            f"{number_text(row.target)} | {gap_text(row)} | {row.findings} |"
        )
    overall_gap = (
        "-" if card.overall is None else f"{max(0.0, round(card.target - card.overall, 1)):.1f}"
    )
    head.append(
        f"| **Overall** | **{number_text(card.overall)}** | {number_text(card.target)} | "
        f"{overall_gap} | {len(result.findings)} |"
    )
    figures = [f"- {row.category}: {_cell(f)}" for row in card.rows for f in row.figures]
    if figures:
        head += [
            "",
            "<details><summary>What was measured</summary>",
            "",
            *figures,
            "",
            "</details>",
        ]
    findings = sorted(result.findings, key=lambda f: (-severity_rank(f.severity), f.sort_key()))
    if not findings:
        return "\n".join([*head, "", "No findings.", ""])
    head += ["", "| Severity | Rule | Where | Finding |", "| --- | --- | --- | --- |"]
    lines = [_line(f, root) for f in findings]
    text = "\n".join(head)
    kept = 0
    for line in lines:
        left = len(lines) - kept - 1
        tail = _left_out(left) if left else ""
        if _size(text) + 1 + _size(line) + _size(tail) + 1 > limit:
            break
        text += "\n" + line
        kept += 1
    if kept < len(lines):
        text += _left_out(len(lines) - kept)
    return text + "\n"


def _line(finding: Finding, root: str) -> str:
    where = f"{os.path.relpath(finding.span.path, root)}:{finding.span.line}:{finding.span.column}"
    fix = ""
    if finding.fix is not None:
        fix = " (`pitstop fix`)" if finding.fix.safety == "safe" else " (`pitstop fix --unsafe`)"
    return (
        f"| {ICONS[finding.severity]} | `{finding.rule}` | `{_cell(where)}` | "
        f"{_cell(finding.message)}{fix} |"
    )


def _left_out(count: int) -> str:
    noun = "finding" if count == 1 else "findings"
    return (
        f"\n\n{count} more {noun} left out to stay under GitHub's 65,536-character limit; "
        "`pitstop audit` lists them all."
    )


def _size(text: str) -> int:
    """Length as GitHub counts it, in UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")
