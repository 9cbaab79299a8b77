"""``pitstop gate``: the checks a pipeline calls to block a change (``gate coverage``)."""

from __future__ import annotations

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pitstop.errors import PitstopError


@click.group(name="gate")
def command() -> None:
    """Block a change on what its reports say. Exit 0 pass, 1 the gate failed, 2 bad input."""


@command.command(name="coverage")
@click.argument("reports", nargs=-1, required=True, type=click.Path())
@click.option("--min", "min_line", type=click.FloatRange(0, 100), help="Least line coverage, %.")
@click.option("--min-branch", type=click.FloatRange(0, 100), help="Least branch coverage, %.")
@click.option(
    "--ratchet", type=click.Path(dir_okay=False), help="Baseline file (JSON) that only rises."
)
@click.option("--slack", type=click.FloatRange(0, 100), default=0.1, show_default=True,
              help="Percentage points the figures may fall below the baseline.")  # fmt: skip
@click.option(
    "--update", is_flag=True, help="Raise the baseline to today's figures when they pass."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def coverage_command(
    reports: tuple[str, ...],
    min_line: float | None,
    min_branch: float | None,
    ratchet: str | None,
    slack: float,
    update: bool,
    fmt: str,
) -> None:
    """Coverage reports (Cobertura XML, JaCoCo XML, coverage.py JSON, LCOV; detected from
    their content, several merged) held against --min, --min-branch and a --ratchet."""
    from pitstop.gate import output
    from pitstop.gate.coverage import judge, load
    from pitstop.gate.coverage_model import percent

    try:
        found = load(list(reports), ".")
        verdict = judge(found, min_line, min_branch, ratchet, slack, update)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    covered, total = found.lines
    taken, branches = found.branches
    line, branch = percent(covered, total), percent(taken, branches)
    headline = f"lines {_pct(line)} ({covered:,} of {total:,})"
    if branches:
        headline += f", branches {_pct(branch)} ({taken:,} of {branches:,})"
    headline += f" in {len(found.files):,} files from {len(found.reports)} report(s)"
    table = [["file", "lines", "covered"]] + [
        [f.path, f"{len(f.lines):,}", _pct(percent(f.covered, len(f.lines)))] for f in found.worst()
    ]
    outcome = output.Outcome(
        "coverage",
        verdict.passed,
        headline,
        {"line": line, "branch": branch, "lines": [covered, total], "branches": [taken, branches],
         "files": len(found.files), "reports": [r.path for r in found.reports]},
        verdict.reasons,
        verdict.notes,
        table,
        "least covered files",
    )  # fmt: skip
    shown = {"text": output.text, "json": output.as_json, "markdown": output.markdown}[fmt]
    for line_out in output.annotation_lines(outcome):
        click.echo(line_out)
    click.echo(shown(outcome))
    output.to_job_summary(outcome)
    raise SystemExit(EXIT_OK if verdict.passed else EXIT_FAILED)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"
