"""``pitstop canary``: judge a canary against thresholds and its baseline; promote or roll back."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from pitstop.cli.main import EXIT_USAGE
from pitstop.cli.outputs import format_options, parse_outputs, write_outputs
from pitstop.errors import PitstopError

if TYPE_CHECKING:
    from pitstop.probes.canary import Analysis, CheckResult
    from pitstop.probes.canary_config import Canary

EXIT_CODES = {"promote": 0, "rollback": 1, "inconclusive": 3}
FORMATS = ("text", "json", "markdown")


@click.command(name="canary")
@click.argument("config", type=click.Path())
@click.option("--on-rollback", metavar="COMMAND", help="Run (sh -c) when the verdict is rollback.")
@click.option("--on-promote", metavar="COMMAND", help="Run (sh -c) when the verdict is promote.")
@format_options(FORMATS)
def command(
    config: str, on_rollback: str | None, on_promote: str | None, fmt: str, outputs: tuple[str, ...]
) -> None:
    """Query the canary's metrics every interval (Prometheus, an HTTP JSON endpoint, a command),
    hold them to their thresholds and to the baseline (Mann-Whitney U), and decide: promote
    (exit 0), rollback (1), inconclusive (3). The verdict is in PITSTOP_CANARY_VERDICT for
    --on-rollback and --on-promote."""
    from pitstop.probes.canary import Analysis, analyse
    from pitstop.probes.canary_config import load_canary

    asked = parse_outputs(outputs, FORMATS)
    done: list[CheckResult] = []

    live = fmt == "text" and sys.stdout.isatty()

    def progress(check: CheckResult) -> None:
        done.append(check)
        if fmt == "text" and not live:
            said = "; ".join(f"{r.metric} {r.said}" for r in check.readings)
            click.echo(f"check {check.number}/{loaded.checks}: {check.state}: {said}")

    try:
        loaded = load_canary(config)
        try:
            if live:
                result = _with_live_view(loaded, done, progress)
            else:
                result = asyncio.run(analyse(loaded, progress))
        except KeyboardInterrupt:
            result = Analysis("interrupted", "interrupted before the last check", done)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None

    def render(kind: str) -> str:
        if kind == "json":
            return json.dumps(
                {
                    "verdict": result.verdict,
                    "reason": result.reason,
                    "checks": [
                        {
                            "number": c.number,
                            "state": c.state,
                            "metrics": [
                                {
                                    "name": r.metric,
                                    "state": r.state,
                                    "value": r.value,
                                    "baseline": r.baseline,
                                    "p_value": r.p_value,
                                    "said": r.said,
                                }
                                for r in c.readings
                            ],
                        }
                        for c in result.checks
                    ],
                },
                indent=2,
            )
        if kind == "markdown":
            mark = {"promote": "✅", "rollback": "⏪", "inconclusive": "❔"}.get(
                result.verdict, "⏹"
            )
            rows = [
                f"### {mark} canary: {result.verdict} ({result.reason})",
                "",
                "| check | state | metrics |",
                "|---|---|---|",
            ]
            rows += [
                f"| {c.number} | {c.state} | "
                + "; ".join(f"{r.metric} {r.said}" for r in c.readings).replace("|", "\\|")
                + " |"
                for c in result.checks
            ]
            return "\n".join(rows) + "\n"
        return f"pitstop canary: {result.verdict}: {result.reason}"

    click.echo(render(fmt))
    write_outputs(asked, render)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(render("markdown"))
    if result.verdict == "interrupted":
        raise SystemExit(130)
    hook = {"rollback": on_rollback, "promote": on_promote}.get(result.verdict)
    if hook:
        env = {
            **os.environ,
            "PITSTOP_CANARY_VERDICT": result.verdict,
            "PITSTOP_CANARY_REASON": result.reason,
        }
        # the user's own --on-rollback/--on-promote command line, run as their shell would
        code = subprocess.call(hook, shell=True, env=env)  # nosec B602
        if code != 0:
            click.echo(f"pitstop: the {result.verdict} command exited {code}", err=True)
            raise SystemExit(1)
    raise SystemExit(EXIT_CODES[result.verdict])


def _with_live_view(
    canary: Canary, done: list[CheckResult], progress: Callable[[CheckResult], None]
) -> Analysis:
    """The analysis with a table on the terminal, redrawn at each check: every check's state
    and each metric's value against its limit."""
    from rich.console import Console
    from rich.live import Live
    from rich.table import Table

    from pitstop.probes.canary import analyse

    def table() -> Table:
        shown = Table(
            title=f"canary: check {len(done)} of {canary.checks}, every {canary.interval:g}s"
        )
        shown.add_column("check", justify="right")
        shown.add_column("state")
        for metric in canary.metrics:
            shown.add_column(metric.name)
        colours = {"pass": "green", "fail": "red", "no data": "yellow"}
        for check in done:
            state = f"[{colours[check.state]}]{check.state}[/]"
            shown.add_row(str(check.number), state, *(r.said for r in check.readings))
        return shown

    with Live(table(), console=Console(), refresh_per_second=8, transient=False) as view:

        def redraw(check: CheckResult) -> None:
            progress(check)
            view.update(table())

        return asyncio.run(analyse(canary, redraw))
