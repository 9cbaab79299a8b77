"""What every gate prints: the same parts in text, JSON or Markdown, the Markdown appended to
the job summary when GitHub gives one (``$GITHUB_STEP_SUMMARY``), and an ``::error``
annotation per failed limit inside GitHub Actions."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from pitstop.gate.verdict import Check
from pitstop.report.command_text import escape_data, escape_property

# GitHub's limit on one step's summary (docs, "Adding a job summary": 1 MiB per step).
SUMMARY_LIMIT = 1024 * 1024


@dataclass
class Outcome:
    gate: str
    passed: bool
    headline: str
    figures: dict[str, Any]
    checks: list[Check]
    notes: list[str]
    tables: list[Table] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)  # annotations on files, worst first
    details: dict[str, Any] = field(default_factory=dict)  # the JSON's, beside the figures

    @property
    def reasons(self) -> list[str]:
        return [check.detail for check in self.checks if not check.passed]


@dataclass
class Mark:
    """One thing a gate found at a place: an uncovered changed line, a scanner's finding."""

    message: str
    file: str = ""
    line: int = 0
    end_line: int = 0
    rule: str = ""  # what it is an instance of: a scanner's rule or advisory id
    title: str = ""  # the rule's short description
    severity: str = "high"  # critical, high, medium, low
    url: str = ""


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
            "checks": [
                {"name": c.name, "passed": c.passed, "detail": c.detail} for c in outcome.checks
            ],
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


# GitHub's workflow command for each severity; it shows at most 10 of each per step (docs,
# "Workflow commands"; actions/runner's annotation limits)
COMMANDS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}
PER_LEVEL = 10


def annotation_lines(outcome: Outcome) -> list[str]:
    """Workflow commands for GitHub Actions when the gate failed: an ``::error`` per failed
    limit, then the marks on their files, ``::error``, ``::warning`` or ``::notice`` by
    severity; at most 10 of each, the last of a level counting the rest."""
    if not os.environ.get("GITHUB_ACTIONS") or outcome.passed:
        return []
    title = escape_property(f"pitstop gate {outcome.gate}")
    by_level: dict[str, list[str]] = {"error": [], "warning": [], "notice": []}
    for reason in outcome.reasons:
        by_level["error"].append(f"::error title={title}::{escape_data(reason)}")
    for mark in outcome.marks:
        where = f"file={escape_property(mark.file)}," if mark.file else ""
        if mark.file and mark.line:
            where += f"line={mark.line}," + (
                f"endLine={mark.end_line}," if mark.end_line > mark.line else ""
            )
        level = COMMANDS[mark.severity]
        by_level[level].append(f"::{level} {where}title={title}::{escape_data(mark.message)}")
    out: list[str] = []
    for lines in by_level.values():
        shown = lines[:PER_LEVEL]
        if len(lines) > PER_LEVEL:
            shown[-1] += escape_data(f" (and {len(lines) - PER_LEVEL} more)")
        out += shown
    return out
