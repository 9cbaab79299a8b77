"""``--output FORMAT=PATH``, as the gates and smoke take it: read before any work is done, and
each file written atomically, its folders made."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from pitstop.cli.main import EXIT_USAGE


def parse_outputs(asked: Sequence[str], formats: Sequence[str]) -> list[tuple[str, str]]:
    """(format, path) for each ``FORMAT=PATH``; a bad one is a usage error (exit 2)."""
    found = []
    for item in asked:
        kind, _, path = item.partition("=")
        if kind not in formats or not path:
            raise click.UsageError(
                f"--output {item!r}: expected FORMAT=PATH, FORMAT one of {', '.join(formats)}"
            )
        found.append((kind, path))
    return found


def write_outputs(asked: list[tuple[str, str]], render: Callable[[str], str]) -> None:
    from pitstop.atomic import write_text

    for kind, path in asked:
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            write_text(path, render(kind) + "\n")
        except OSError as error:
            click.echo(f"pitstop: {path}: cannot write: {error.strerror}", err=True)
            raise SystemExit(EXIT_USAGE) from None


F = TypeVar("F", bound=Callable[..., Any])


def format_options(formats: Sequence[str]) -> Callable[[F], F]:
    """``--format`` (what to print) and ``--output FORMAT=PATH`` (what else to write)."""

    def add(function: F) -> F:
        function = click.option(
            "--output",
            "outputs",
            multiple=True,
            metavar="FORMAT=PATH",
            help=f"Also write the outcome as FORMAT ({', '.join(formats)}) to PATH; repeatable.",
        )(function)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=formats[0],
            help="What to print.",
        )(function)

    return add
