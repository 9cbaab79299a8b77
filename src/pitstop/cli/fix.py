"""``pitstop fix``: apply the fixes the audit's findings carry, to the workflows' own text.

Exit codes: 0 nothing at or above ``--fail-on`` remains (with ``--dry-run``: nothing to change);
1 something does (with ``--dry-run``: the diff is not empty); 2 invalid input, nothing written.
A workflow GitHub would reject is left as it is and reported (``invalid-workflow``); the other
files are fixed.
"""

from __future__ import annotations

import os
import sys

import click

from pitstop.cli.audit import setup
from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, batch


@click.command(name="fix")
@click.argument("root", default=".", type=click.Path(file_okay=False))
@click.option("--dry-run", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--unsafe", is_flag=True, help="Also apply fixes that can change what CI does.")
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Fix only these rules.")
@click.option(
    "--fail-on",
    type=click.Choice(["low", "medium", "high", "none"]),
    default=None,
    help="Exit 1 when a finding at or above this severity remains (default: high).",
)
@click.option("--refresh-pins", is_flag=True, help="Resolve action refs again, not from the cache.")
def command(
    root: str,
    dry_run: bool,
    unsafe: bool,
    rules: tuple[str, ...],
    fail_on: str | None,
    refresh_pins: bool,
) -> None:
    """Fix ROOT's workflows and local actions (default: the current folder)."""
    batch()
    from pitstop.audit.findings import severity_rank
    from pitstop.audit.registry import all_rules
    from pitstop.fix import fix, write
    from pitstop.fix.pins import Pins
    from pitstop.report.fix import render_diff, render_summary

    config = setup(root, rules, all_rules())
    pins = Pins(root, refresh=refresh_pins)
    result = fix(root, config, rules, unsafe, pins)
    if not result.originals and not result.invalid:
        click.echo(
            f"pitstop: no workflows (.github/workflows/*.yml) under {os.path.abspath(root)}",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    colour = sys.stderr.isatty() if dry_run else sys.stdout.isatty()
    if dry_run:
        diff = render_diff(result, root)
        click.echo(diff, nl=False)
        click.echo(
            render_summary(result, root, dry_run=True, unsafe=unsafe, colour=colour), err=True
        )
        raise SystemExit(EXIT_FAILED if diff else EXIT_OK)
    skipped = write(result)
    if not skipped:
        pins.save()  # the cache of resolved refs: only when the pins it holds were written
    click.echo(render_summary(result, root, dry_run=False, unsafe=unsafe, colour=colour))
    for path, reason in skipped:
        click.echo(f"pitstop: {path}: {reason}", err=True)
    failed_rules = [c for c in result.remaining.checks if c.failure] if result.remaining else []
    for check in failed_rules:
        click.echo(
            f"pitstop: rule {check.id} failed and fixed nothing ({check.failure}): a pitstop "
            "bug, please report it",
            err=True,
        )
    threshold = severity_rank(fail_on or config.fail_on or "high")
    remaining = result.remaining.findings if result.remaining else []
    failing = skipped or any(severity_rank(f.severity) >= threshold for f in remaining)
    raise SystemExit(EXIT_FAILED if failing else EXIT_USAGE if failed_rules else EXIT_OK)
