"""``pitstop summary``: pitstop's JSON reports as one pull-request comment."""

from __future__ import annotations

import click

from pitstop.cli.main import EXIT_OK, EXIT_USAGE
from pitstop.errors import PitstopError


@click.command(name="summary")
@click.argument("reports", nargs=-1, required=True, type=click.Path())
@click.option(
    "--post",
    is_flag=True,
    help="Create or update the pull request's comment (GITHUB_TOKEN, the event's PR).",
)
@click.option("--pr", "number", type=int, help="The pull request to post to.")
@click.option("--name", default="", help="Tell this summary from others on the same pull request.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write the comment body here too.")
def command(
    reports: tuple[str, ...], post: bool, number: int | None, name: str, output: str | None
) -> None:
    """The JSON of `pitstop run` (report.json), `pitstop audit --format json` and any gate's
    `--format json` as one pull-request comment (at most 65,536 characters, a hidden marker
    so --post updates it in place). Prints the body; exit 0 once built (and posted)."""
    from pitstop.atomic import write_text
    from pitstop.summary.compose import compose, marker, read_part

    try:
        body = compose([read_part(path) for path in reports], name)
        if output:
            write_text(output, body)
        click.echo(body, nl=False)
        if post:
            from pitstop.summary.post import post as post_comment

            posted = post_comment(body, marker(name), number)
            verb = "created" if posted.created else "updated"
            click.echo(f"pitstop: comment {verb}: {posted.url}", err=True)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    raise SystemExit(EXIT_OK)
