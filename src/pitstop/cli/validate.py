"""``pitstop validate``: every workflow and local action checked as GitHub would check it."""

from __future__ import annotations

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, batch
from pitstop.errors import PitstopError
from pitstop.workflow.repository import collect_paths, load_file


@click.command(name="validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
def command(paths: tuple[str, ...], quiet: bool) -> None:
    """Check workflows and local actions (default: all in the repository).

    PATHS may be files or folders. Problems are printed compiler-style, file:line:col: message.
    Exits 1 when any file is invalid, 2 when a path does not exist or nothing is found.
    """
    batch()
    try:
        files = collect_paths(list(paths))
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    if not files:
        click.echo("pitstop: no workflows (.github/workflows/*.yml) or action.yml found", err=True)
        raise SystemExit(EXIT_USAGE)
    invalid = 0
    count = 0
    for path in files:
        loaded = load_file(path)
        for problem in loaded.problems:
            click.echo(str(problem))
        count += len(loaded.problems)
        invalid += not loaded.valid
    if not quiet:
        ok = len(files) - invalid
        noun = "file" if len(files) == 1 else "files"
        summary = f"{len(files)} {noun} checked: {ok} valid"
        if invalid:
            summary += f", {invalid} invalid ({count} problem{'s' if count != 1 else ''})"
        click.echo(summary, err=True)
    raise SystemExit(EXIT_FAILED if invalid else EXIT_OK)
