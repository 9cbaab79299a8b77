"""What every gate prints: the same parts in text, JSON or Markdown, the Markdown appended to
the job summary when GitHub gives one (``$GITHUB_STEP_SUMMARY``), and an ``::error``
annotation per failed limit inside GitHub Actions."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from pitstop.report.command_text import escape_data, escape_property

# GitHub's limit on one step's summary (docs, "Adding a job summary": 1 MiB per step).
SUMMARY_LIMIT = 1024 * 1024


@dataclass
class Outcome:
    gate: str
    passed: bool
    headline: str
    figures: dict[str, Any]
    reasons: list[str]
    notes: list[str]
    tables: list[Table] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)  # annotations on files, worst first
    details: dict[str, Any] = field(default_factory=dict)  # the JSON's, beside the figures


@dataclass
class Mark:
    message: str
    file: str = ""
    line: int = 0


@dataclass
class Table:
    title: str
    rows: list[list[str]]  # header row first; a table with no row below it is not shown


def text(outcome: Outcome) -> str:
    mark = "pass" if outcome.passed else "FAIL"
    out = [f"{outcome.gate}: {mark}: {outcome.headline}"]
    out += [f"  - {reason}" for reason in outcome.reasons]
    out += [f"  note: {note}" for note in outcome.notes]
    for table in outcome.tables:
        if len(table.rows) < 2:
            continue
        out.append(f"  {table.title}:")
        widths = [max(len(row[i]) for row in table.rows) for i in range(len(table.rows[0]))]
        for row in table.rows:
            out.append(
                "    "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
    return "\n".join(out)


def as_json(outcome: Outcome) -> str:
    """The outcome as JSON: indented, unless it lists more than ``INDENT_UP_TO`` items (a large
    scan's findings), where one line is written by json's C encoder, many times faster."""
    listed = sum(len(v) for v in outcome.details.values() if isinstance(v, list))
    return json.dumps(
        {
            "gate": outcome.gate,
            "passed": outcome.passed,
            "headline": outcome.headline,
            "figures": outcome.figures,
            "reasons": outcome.reasons,
            "notes": outcome.notes,
            **outcome.details,
        },
        indent=2 if listed <= INDENT_UP_TO else None,
    )


INDENT_UP_TO = 1000


def markdown(outcome: Outcome) -> str:
    mark = "✅ pass" if outcome.passed else "❌ fail"
    out = [f"### {outcome.gate}: {mark}", "", outcome.headline, ""]
    out += [f"- **{reason}**" for reason in outcome.reasons]
    out += [f"- {note}" for note in outcome.notes]
    for table in outcome.tables:
        if len(table.rows) < 2:
            continue
        out += ["", f"**{table.title}**", ""]
        out.append("| " + " | ".join(table.rows[0]) + " |")
        out.append("|" + "---|" * len(table.rows[0]))
        out += [
            "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
            for row in table.rows[1:]
        ]
    return "\n".join(out) + "\n"


def to_job_summary(outcome: Outcome) -> str | None:
    """Append the Markdown to ``$GITHUB_STEP_SUMMARY`` when GitHub (or ``pitstop run``) gives
    one; cut, saying so, to stay within GitHub's 1 MiB. Returns the file written, or None."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return None
    body = markdown(outcome)
    used = os.path.getsize(path) if os.path.exists(path) else 0
    room = SUMMARY_LIMIT - used
    if len(body.encode()) > room:
        note = "\n\n_(cut: GitHub keeps 1 MiB of summary per step)_\n"
        body = body.encode()[: max(0, room - len(note.encode()))].decode(errors="ignore") + note
    if room <= 0:
        return None
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(body)
    return path


def annotation_lines(outcome: Outcome) -> list[str]:
    """``::error`` lines for GitHub Actions: one per failed limit, then the marks on files
    (GitHub shows at most 10 errors of a step: the rest are counted in the last)."""
    if not os.environ.get("GITHUB_ACTIONS") or outcome.passed:
        return []
    title = f"pitstop gate {outcome.gate}"
    lines = [(f"title={escape_property(title)}", reason) for reason in outcome.reasons]
    for mark in outcome.marks:
        where = f"file={escape_property(mark.file)}," if mark.file else ""
        where += f"line={mark.line}," if mark.file and mark.line else ""
        lines.append((f"{where}title={escape_property(title)}", mark.message))
    shown = lines[:10]
    out = [f"::error {props}::{escape_data(message)}" for props, message in shown]
    left = len(lines) - len(shown)
    if left > 0:
        out[-1] += escape_data(f" (and {left} more)")
    return out
