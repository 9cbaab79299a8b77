"""The ``pitstop`` command: global options, the subcommands, and how outcomes become exit codes.

Exit codes: 0 success, 1 the checked thing failed, 2 usage or input error.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import ClassVar

import click

from pitstop import __version__
from pitstop.errors import PitstopError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class _Commands(click.Group):
    """Loads each subcommand's module only when that command runs, to keep start-up lean."""

    # name -> (module defining ``command``, the one line ``pitstop --help`` shows)
    lazy: ClassVar[dict[str, tuple[str, str]]] = {
        "validate": ("pitstop.cli.validate", "Check workflows and local actions as GitHub would."),
        "plan": ("pitstop.cli.plan", "Show what an event would trigger, and why."),
        "run": ("pitstop.cli.run", "Run the workflows on this machine, as GitHub would."),
        "audit": ("pitstop.cli.audit", "Score the workflows against the bulletproof standard."),
        "fix": ("pitstop.cli.fix", "Fix what the audit finds, editing only what it must."),
        "canary": ("pitstop.cli.canary", "Judge a canary: promote, or roll back."),
        "smoke": ("pitstop.cli.smoke", "Smoke-test a deploy from a suite of requests."),
        "wait": ("pitstop.cli.wait", "Wait until services answer, in place of sleep."),
        "gate": ("pitstop.cli.gate", "Block a change on its coverage, scans, benchmarks."),
        "summary": ("pitstop.cli.summary", "Turn the reports into one pull-request comment."),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary) for name, (_, summary) in sorted(self.lazy.items())]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="pitstop")
@click.option(
    "-C",
    "directory",
    type=click.Path(exists=True, file_okay=False),
    help="Run as if pitstop was started in DIR.",
    metavar="DIR",
)
def cli(directory: str | None) -> None:
    """Run, plan, audit and fix GitHub Actions pipelines from the workflows themselves."""
    if directory:
        os.chdir(directory)


def batch() -> None:
    """For a command that reads every workflow, computes, prints and exits (validate, plan,
    audit, fix): Python's cycle collector would walk every node of every parsed workflow again
    each time it runs while they are being built, a third of an audit's time on 1,200
    workflows (bench/audit_vs_zizmor.py), to free nothing, as the trees are alive until exit."""
    gc.disable()


def _command_after_dashes(argv: list[str]) -> tuple[list[str], list[str]]:
    """``pitstop wait TARGET… -- CMD ARGS``: the words after ``--`` are the command wait runs,
    not wait's arguments (click would take them as more targets)."""
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        index += 2 if argv[index] == "-C" else 1
    if index < len(argv) and argv[index] == "wait" and "--" in argv[index:]:
        at = argv.index("--", index)
        return argv[:at], argv[at + 1 :]
    return argv, []


def main() -> None:
    args, then = _command_after_dashes(sys.argv[1:])
    try:
        code = cli.main(args=args, obj=then, standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        error.show()
        code = EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = 130
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        code = EXIT_USAGE
    except BrokenPipeError:
        code = EXIT_OK
    sys.exit(code if isinstance(code, int) else EXIT_OK)
