"""``pitstop gate``: the checks a pipeline calls to block a change (``gate coverage``)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pitstop.cli.outputs import format_options, parse_outputs, write_outputs
from pitstop.errors import PitstopError

if TYPE_CHECKING:
    from pitstop.gate.output import Outcome


FORMATS = ("text", "json", "markdown", "sarif", "junit")


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
@format_options(FORMATS)
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
    outputs: tuple[str, ...],
) -> None:
    """Coverage reports (Cobertura XML, JaCoCo XML, coverage.py JSON, LCOV; detected from
    their content, several merged) held against --min, --min-branch and a --ratchet."""
    from pitstop.gate.coverage import judge, load_measured
    from pitstop.gate.coverage_shown import shown_outcome

    asked = parse_outputs(outputs, FORMATS)
    try:
        with_diff = diff_against is not None or min_diff is not None
        found, diff = load_measured(list(reports), ".", with_diff, diff_against)
        verdict = judge(found, min_line, min_branch, ratchet, slack, update, diff, min_diff)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    outcome = shown_outcome(found, diff, verdict)
    _emit(outcome, fmt, asked)


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
@format_options(FORMATS)
def security_command(
    reports: tuple[str, ...],
    fail_on: str | None,
    budgets: tuple[str, ...],
    default_severity: str | None,
    fmt: str,
    outputs: tuple[str, ...],
) -> None:
    """Scanner reports (SARIF 2.1.0 from any tool; pip-audit, npm audit, Trivy, Gitleaks,
    Bandit, Safety and osv-scanner JSON; detected from their content, several merged) held
    against a severity limit, budgets and the allowlist."""
    import datetime

    asked = parse_outputs(outputs, FORMATS)

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
    _emit(outcome, fmt, asked)


@command.command(name="bench")
@click.argument("current", type=click.Path())
@click.option(
    "--baseline",
    required=True,
    type=click.Path(dir_okay=False),
    help="The results to hold today's against (the same format).",
)
@click.option(
    "--max-regression",
    default="10%",
    show_default=True,
    metavar="PCT",
    help="How much slower a benchmark may get, in percent of the baseline.",
)
@click.option(
    "--stat",
    type=click.Choice(["min", "max", "mean", "median", "stddev", "iqr"]),
    default="median",
    show_default=True,
    help="The statistic compared.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.05,
    show_default=True,
    help="Significance of the Mann-Whitney U test where timings were saved.",
)
@click.option(
    "--update", is_flag=True, help="Replace the baseline with today's results when they pass."
)
@format_options(FORMATS)
def bench_command(
    current: str,
    baseline: str,
    max_regression: str,
    stat: str,
    alpha: float,
    update: bool,
    fmt: str,
    outputs: tuple[str, ...],
) -> None:
    """Benchmark results (pytest-benchmark JSON, hyperfine JSON; detected from their content)
    held against a baseline: a benchmark slower by more than --max-regression on --stat fails,
    unless saved timings show it is noise (Mann-Whitney U, scipy)."""

    from pitstop.gate.bench import BenchComparison, compare, judge
    from pitstop.gate.bench_shown import shown_outcome
    from pitstop.gate.benchmarks import read_bench
    from pitstop.gate.verdict import Verdict

    asked = parse_outputs(outputs, FORMATS)
    try:
        limit = float(max_regression.strip().removesuffix("%"))
    except ValueError:
        raise click.BadParameter(
            f"{max_regression!r} is not a percentage", param_hint="--max-regression"
        ) from None
    try:
        now = read_bench(current)
        if not os.path.exists(baseline):
            found = BenchComparison(stat, limit, [], added=list(now.benchmarks))
            verdict = Verdict(notes=[f"no baseline at {baseline} yet: --update writes one"])
            if update:
                _replace(baseline, current)
                verdict.notes = [f"baseline {baseline} written from {current}"]
        else:
            found = compare(now, read_bench(baseline), stat, limit, alpha)
            verdict = judge(found, alpha)
            if update and verdict.passed:
                _replace(baseline, current)
                verdict.notes.append(f"baseline {baseline} replaced by {current}")
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    _emit(shown_outcome(found, verdict, current, baseline), fmt, asked)


def _replace(baseline: str, current: str) -> None:
    from pitstop.atomic import write_text

    with open(current, encoding="utf-8") as handle:
        write_text(baseline, handle.read())


@command.command(name="manifest")
@click.argument("manifest", type=click.Path())
@click.option(
    "--max-age", metavar="DURATION", help="How old the manifest's date may be: 90d, 12w, 36h."
)
@click.option(
    "--date-field",
    default="last_updated",
    show_default=True,
    help="The manifest's date (a dotted path for a nested one).",
)
@click.option(
    "--files-field",
    default="files",
    show_default=True,
    help="The manifest's files and their sha256 (a mapping or a list).",
)
@format_options(FORMATS)
def manifest_command(
    manifest: str,
    max_age: str | None,
    date_field: str,
    files_field: str,
    fmt: str,
    outputs: tuple[str, ...],
) -> None:
    """A JSON or YAML manifest held to freshness (its date no older than --max-age) and to the
    sha256 of each file it lists."""
    import datetime

    from pitstop.durations import parse_duration
    from pitstop.gate.manifest import judge, read_manifest
    from pitstop.gate.output import Outcome

    asked = parse_outputs(outputs, FORMATS)
    try:
        limit = parse_duration(max_age) if max_age is not None else None
        found = read_manifest(manifest, date_field if limit is not None else None, files_field)
        now = datetime.datetime.now(datetime.timezone.utc)
        verdict = judge(found, date_field, limit, now)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    broken = sum(1 for c in verdict.checks if not c.passed)
    headline = f"{manifest}: {len(verdict.checks) - broken} of {len(verdict.checks)} checks hold"
    figures = {
        "manifest": manifest,
        "dated": found.dated.isoformat() if found.dated else None,
        "files": [
            {"path": f.path, "expected": f.expected, "actual": f.actual} for f in found.files
        ],
    }
    _emit(
        Outcome("manifest", verdict.passed, headline, figures, verdict.checks, verdict.notes),
        fmt,
        asked,
    )


@command.command(name="env")
@click.argument("environment")
@click.option(
    "--env-file",
    "env_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A dotenv file whose variables count where the process has none of that name.",
)
@format_options(FORMATS)
def env_command(
    environment: str, env_files: tuple[str, ...], fmt: str, outputs: tuple[str, ...]
) -> None:
    """This job's variables held against the policy for ENVIRONMENT
    ([tool.pitstop.gate.env.ENVIRONMENT]): required, forbidden, exact values, denied
    patterns. Values are never printed."""

    from pitstop.config import load_settings
    from pitstop.gate.env_policy import env_policy, judge, read_env_file
    from pitstop.gate.output import Outcome

    asked = parse_outputs(outputs, FORMATS)
    try:
        policy = env_policy(load_settings("."), environment)
        variables: dict[str, str] = {}
        for path in env_files:
            variables.update(read_env_file(path))
        variables.update(os.environ)
        verdict = judge(policy, variables)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    broken = sum(1 for c in verdict.checks if not c.passed)
    headline = f"{environment}: {len(verdict.checks) - broken} of {len(verdict.checks)} rules hold"
    figures = {"environment": environment, "env_files": list(env_files)}
    _emit(
        Outcome("env", verdict.passed, headline, figures, verdict.checks, verdict.notes), fmt, asked
    )


def _emit(outcome: Outcome, fmt: str, asked: list[tuple[str, str]]) -> None:
    """Every gate's ending: GitHub's annotations, the outcome in the chosen format, each
    --output written, the job summary, and the exit code (0 pass, 1 fail)."""
    from pitstop.gate import output
    from pitstop.gate.outcome_junit import junit
    from pitstop.gate.outcome_sarif import sarif

    render = {
        "text": output.text,
        "json": output.as_json,
        "markdown": output.markdown,
        "sarif": sarif,
        "junit": junit,
    }
    for line_out in output.annotation_lines(outcome):
        click.echo(line_out)
    click.echo(render[fmt](outcome))
    write_outputs(asked, lambda kind: render[kind](outcome))
    output.to_job_summary(outcome)
    raise SystemExit(EXIT_OK if outcome.passed else EXIT_FAILED)
