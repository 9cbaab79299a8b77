"""What the coverage gate shows: its headline, figures and tables, from the merged reports,
the change's own lines and the verdict."""

from __future__ import annotations

from typing import Any

from pitstop.gate import output
from pitstop.gate.coverage import Coverage, DiffCoverage, runs, spans
from pitstop.gate.coverage_model import percent
from pitstop.gate.verdict import Verdict


def shown_outcome(found: Coverage, diff: DiffCoverage | None, verdict: Verdict) -> output.Outcome:
    covered, total = found.lines
    taken, branches = found.branches
    line, branch = percent(covered, total), percent(taken, branches)
    headline = f"lines {_pct(line)} ({covered:,} of {total:,})"
    if branches:
        headline += f", branches {_pct(branch)} ({taken:,} of {branches:,})"
    headline += f" in {len(found.files):,} files from {len(found.reports)} report(s)"
    figures: dict[str, Any] = {
        "line": line,
        "branch": branch,
        "lines": [covered, total],
        "branches": [taken, branches],
        "files": len(found.files),
        "reports": [r.path for r in found.reports],
    }
    tables = [
        output.Table(
            "least covered files",
            [["file", "lines", "covered"]]
            + [
                [f.path, f"{len(f.lines):,}", _pct(percent(f.covered, len(f.lines)))]
                for f in found.worst()
            ],
        )
    ]
    if diff is not None:
        changed_covered, changed = diff.lines
        headline += (
            f"; changed lines {_pct(percent(changed_covered, changed))} "
            f"({changed_covered:,} of {changed:,}) against the {diff.base}"
        )
        figures["diff"] = {
            "base": diff.base,
            "line": percent(changed_covered, changed),
            "lines": [changed_covered, changed],
            "uncovered": {name: sorted(lines) for name, lines in sorted(diff.uncovered.items())},
        }
        tables.append(
            output.Table(
                "uncovered changed lines",
                [["file", "changed", "covered", "uncovered lines"]]
                + [
                    [
                        name,
                        str(len(diff.changed[name])),
                        _pct(
                            percent(len(diff.changed[name]) - len(missed), len(diff.changed[name]))
                        ),
                        spans(missed),
                    ]
                    for name, missed in sorted(diff.uncovered.items())
                ],
            )
        )
    marks = (
        [
            output.Mark(
                (f"changed lines {a}-{b}" if b > a else f"changed line {a}")
                + " never ran in the tests",
                name,
                a,
                b,
                rule="pitstop-gate/uncovered-changed-line",
                title="A line the change adds that no test runs",
                severity="low",
            )
            for name, missed in sorted(diff.uncovered.items())
            for a, b in runs(missed)
        ]
        if diff is not None
        else []
    )
    outcome = output.Outcome(
        "coverage",
        verdict.passed,
        headline,
        figures,
        verdict.checks,
        verdict.notes,
        tables,
        marks,
    )
    return outcome


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"
