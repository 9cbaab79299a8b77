"""``pitstop smoke``: a deploy's smoke tests, from a suite file."""

from __future__ import annotations

import asyncio
import os

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pitstop.cli.outputs import format_options, parse_outputs, write_outputs
from pitstop.errors import PitstopError

FORMATS = ("text", "json", "markdown", "junit")


@click.command(name="smoke")
@click.argument("suite", type=click.Path())
@click.option("--base-url", help="The server to test (wins over the suite's base_url).")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Requests at once; one waits for the request whose capture it uses.",
)
@format_options(FORMATS)
def command(
    suite: str, base_url: str | None, concurrency: int, fmt: str, outputs: tuple[str, ...]
) -> None:
    """Run SUITE's requests against --base-url (or the suite's base_url), holding each to its
    asserts: status, headers, JSON paths (equals, contains, matches, type, length, exists),
    body, duration, a WebSocket message. Exit 1 when an assert fails, 2 on a bad suite."""
    from pitstop.probes import smoke_report
    from pitstop.probes.smoke import Result, run_suite
    from pitstop.probes.suite import load_suite

    asked = parse_outputs(outputs, FORMATS)
    try:
        loaded = load_suite(suite)
        url = base_url or loaded.base_url
        if not url:
            raise PitstopError("no server to test: give --base-url or the suite's base_url")
        finished: dict[str, Result] = {}
        interrupted = False
        try:
            results = asyncio.run(run_suite(loaded, url, concurrency, dict(os.environ), finished))
        except KeyboardInterrupt:
            interrupted = True
            results = [
                finished.get(r.name) or Result(r, False, ["not run: interrupted"])
                for r in loaded.requests
            ]
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    name = os.path.splitext(os.path.basename(suite))[0]

    def render(kind: str) -> str:
        if kind == "junit":
            return smoke_report.junit(results, name)
        shown = {
            "text": smoke_report.text,
            "json": smoke_report.as_json,
            "markdown": smoke_report.markdown,
        }[kind]
        return shown(results)

    click.echo(render(fmt))
    write_outputs(asked, render)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(smoke_report.markdown(results))
    if interrupted:
        click.echo("pitstop: interrupted; the report holds the requests that finished", err=True)
        raise SystemExit(130)
    raise SystemExit(EXIT_OK if all(r.passed for r in results) else EXIT_FAILED)
