"""``pitstop gate``: the checks a pipeline calls to block a change (``gate coverage``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pitstop.errors import PitstopError

if TYPE_CHECKING:
    from pitstop.gate.output import Outcome


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
    _emit(outcome, fmt)


@command.command(name="security")
@click.argument("reports", nargs=-1, required=True, type=click.Path())
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "none"]),
    help="Fail on any finding this severe or worse that no --max covers (default: high).",
)
@click.option(
    "--max",
    "budgets",
    multiple=True,
    metavar="SEVERITY[+]=N",
    help="At most N findings of a severity (high=5), or of it and above (high+=4).",
)
@click.option(
    "--default-severity",
    type=click.Choice(["critical", "high", "medium", "low"]),
    help="The severity of a finding whose tool gives none: pip-audit, Gitleaks (default: high).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def security_command(
    reports: tuple[str, ...],
    fail_on: str | None,
    budgets: tuple[str, ...],
    default_severity: str | None,
    fmt: str,
) -> None:
    """Scanner reports (SARIF 2.1.0 from any tool; pip-audit, npm audit, Trivy, Gitleaks,
    Bandit, Safety and osv-scanner JSON; detected from their content, several merged) held
    against a severity limit, budgets and the allowlist."""
    import datetime

    from pitstop.config import load_settings
    from pitstop.gate.allowlist import load_allowances
    from pitstop.gate.security import judge, load, parse_budget
    from pitstop.gate.security_settings import security_settings
    from pitstop.gate.security_shown import shown_outcome

    try:
        settings = load_settings(".")
        defaults = security_settings(settings)
        allowances = load_allowances(settings, ".")
        chosen_fail_on = fail_on or defaults.fail_on
        chosen_default = default_severity or defaults.default_severity
        limits = [parse_budget(b) for b in budgets] if budgets else defaults.budgets
        found = load(list(reports), chosen_default, allowances)
        verdict = judge(found, chosen_fail_on, limits, allowances, datetime.date.today())
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    outcome = shown_outcome(found, verdict, chosen_default)
    _emit(outcome, fmt)


def _emit(outcome: Outcome, fmt: str) -> None:
    """Every gate's ending: GitHub's annotations, the outcome in the chosen format, the job
    summary, and the exit code (0 pass, 1 fail)."""
    from pitstop.gate import output

    shown = {"text": output.text, "json": output.as_json, "markdown": output.markdown}[fmt]
    for line_out in output.annotation_lines(outcome):
        click.echo(line_out)
    click.echo(shown(outcome))
    output.to_job_summary(outcome)
    raise SystemExit(EXIT_OK if outcome.passed else EXIT_FAILED)
