"""``pitstop wait``: poll targets until they are ready, in place of ``sleep 30``."""

from __future__ import annotations

import asyncio
import json
import subprocess

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pitstop.errors import PitstopError

EXIT_INTERRUPTED = 130


@click.command(name="wait", context_settings={"ignore_unknown_options": False})
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--timeout",
    default="60s",
    show_default=True,
    metavar="DURATION",
    help="How long to wait for all targets.",
)
@click.option(
    "--interval",
    default="1s",
    show_default=True,
    metavar="DURATION",
    help="The pause between two attempts at a target.",
)
@click.option(
    "--backoff",
    type=click.Choice(["constant", "linear", "exponential"]),
    default="constant",
    show_default=True,
    help="How the pause grows.",
)
@click.option("--max-interval", metavar="DURATION", help="The longest pause (linear, exponential).")
@click.option(
    "--jitter",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="A random fraction of each pause, up or down.",
)
@click.option(
    "--attempt-timeout",
    default="5s",
    show_default=True,
    metavar="DURATION",
    help="How long one attempt may take.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def command(
    ctx: click.Context,
    targets: tuple[str, ...],
    timeout: str,
    interval: str,
    backoff: str,
    max_interval: str | None,
    jitter: float,
    attempt_timeout: str,
    fmt: str,
) -> None:
    """Wait until every TARGET is ready, then exit 0, or run the command given after `--`
    (pitstop wait tcp://localhost:5432 -- pytest). TARGET is http(s)://… (a 2xx; expectations
    in the fragment: #status=204&body=ok&json=status=up&header=X-Ready:1), tcp://host:port,
    postgresql://…, redis://…, exec:COMMAND or file:PATH. Exit 1 when the time is up, naming
    each target's last error; 2 on a bad target or option."""
    from pitstop.durations import parse_duration
    from pitstop.probes.backoff import Backoff
    from pitstop.probes.targets import parse_target
    from pitstop.probes.wait import Progress, wait_for

    then = list(ctx.obj or [])
    try:
        parsed = [parse_target(t) for t in targets]
        if any(t.kind == "postgresql" for t in parsed):
            _need_psycopg()
        limit = parse_duration(timeout)
        pause = Backoff(
            parse_duration(interval),
            backoff,
            parse_duration(max_interval) if max_interval else None,
            jitter,
        )
        per_attempt = parse_duration(attempt_timeout)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None

    def ready(state: Progress) -> None:
        if fmt == "text":
            times = "attempt" if state.attempts == 1 else "attempts"
            click.echo(
                f"ready      {state.target.shown}  after {state.ready_after:.2f}s "
                f"({state.attempts} {times})"
            )

    try:
        progress = asyncio.run(wait_for(parsed, limit, pause, per_attempt, ready))
    except KeyboardInterrupt:
        click.echo("pitstop: interrupted", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    waiting = [p for p in progress if p.ready_after is None]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ready": not waiting,
                    "targets": [
                        {
                            "target": p.target.shown,
                            "ready": p.ready_after is not None,
                            "after": p.ready_after,
                            "attempts": p.attempts,
                            "last_error": None if p.ready_after is not None else p.last_error,
                        }
                        for p in progress
                    ],
                },
                indent=2,
            )
        )
    else:
        for state in waiting:
            click.echo(
                f"not ready  {state.target.shown}  after {state.attempts} attempts: "
                f"{state.last_error}"
            )
        total = len(progress)
        click.echo(
            f"pitstop wait: {total - len(waiting)} of {total} target(s) ready"
            + (f"; gave up after {timeout}" if waiting else "")
        )
    if waiting:
        raise SystemExit(EXIT_FAILED)
    if then:
        try:
            code = subprocess.call(then)
        except OSError as error:
            click.echo(f"pitstop: cannot run {then[0]}: {error.strerror}", err=True)
            raise SystemExit(127) from None
        except KeyboardInterrupt:
            raise SystemExit(EXIT_INTERRUPTED) from None
        raise SystemExit(code)
    raise SystemExit(EXIT_OK)


def _need_psycopg() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PitstopError(
            "a postgresql:// target needs psycopg: pip install 'pitstop[db]'"
        ) from None
