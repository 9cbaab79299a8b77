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
@click.option("--diff-against", metavar="REV",
              help="Measure the lines changed since the merge base with REV "
              "(default: the pull request's base branch, else the default branch).")  # fmt: skip
@click.option("--min-diff", type=click.FloatRange(0, 100),
              help="Least coverage of the changed lines, %.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def coverage_command(
    reports: tuple[str, ...],
    min_line: float | None,
    min_branch: float | None,
    ratchet: str | None,
    slack: float,
    update: bool,
    diff_against: str | None,
    min_diff: float | None,
    fmt: str,
) -> None:
    """Coverage reports (Cobertura XML, JaCoCo XML, coverage.py JSON, LCOV; detected from
    their content, several merged) held against --min, --min-branch and a --ratchet."""
    from pitstop.gate import output
    from pitstop.gate.coverage import judge, load_measured
    from pitstop.gate.coverage_shown import shown_outcome

    try:
        with_diff = diff_against is not None or min_diff is not None
        found, diff = load_measured(list(reports), ".", with_diff, diff_against)
        verdict = judge(found, min_line, min_branch, ratchet, slack, update, diff, min_diff)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    outcome = shown_outcome(found, diff, verdict)
    shown = {"text": output.text, "json": output.as_json, "markdown": output.markdown}[fmt]
    for line_out in output.annotation_lines(outcome):
        click.echo(line_out)
    click.echo(shown(outcome))
    output.to_job_summary(outcome)
    raise SystemExit(EXIT_OK if verdict.passed else EXIT_FAILED)
