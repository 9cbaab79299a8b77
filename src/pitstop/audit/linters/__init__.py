"""Other linters' findings in pitstop's report: ``--with zizmor,actionlint`` runs each one that is
installed on the files pitstop audits, reads its JSON, and turns each of its findings into a
pitstop ``Finding`` whose rule is ``<linter>/<its own rule>`` and whose source is the linter.

A linter is looked for on ``PATH``, then beside the running Python (a virtualenv's ``bin``, where
``pip install 'pitstop[lint]'`` puts it). One that is missing, fails, or prints what pitstop cannot
read is an input error, never a silent gap in the report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pitstop.audit.findings import Finding
from pitstop.errors import PitstopError


class LinterError(PitstopError):
    """A linter named by ``--with`` is not installed, failed, or printed what cannot be read."""


@dataclass
class Output:
    """What one linter reported: its version, how many files it checked, its findings."""

    version: str
    files: int
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Linter:
    name: str
    install: str  # how to get it, for the message when it is missing
    categories: tuple[str, ...]  # the scorecard rows its findings count in
    # (program, workflow paths, action paths, texts by path) -> what it found
    run: Callable[[str, Sequence[str], Sequence[str], Mapping[str, str]], Output]


NAMES = ("actionlint", "zizmor")  # what --with and `with = [...]` accept


def linters() -> dict[str, Linter]:
    """Each linter by name; their modules load only when a linter is asked for."""
    from pitstop.audit.linters import actionlint, zizmor

    return {linter.name: linter for linter in (actionlint.LINTER, zizmor.LINTER)}


def program(name: str) -> str | None:
    """The linter's executable: on ``PATH``, else beside the running Python."""
    found = shutil.which(name)
    if found:
        return found
    beside = os.path.join(os.path.dirname(sys.executable), name)
    return beside if os.access(beside, os.X_OK) else None


def run_linter(
    linter: Linter, workflows: Sequence[str], actions: Sequence[str], texts: Mapping[str, str]
) -> Output:
    found = program(linter.name)
    if found is None:
        raise LinterError(
            f"--with {linter.name}: {linter.name} is not installed ({linter.install})"
        )
    return linter.run(found, workflows, actions, texts)


TIMEOUT = 600  # seconds a linter may take before the audit gives up on it


def execute(name: str, argv: Sequence[str], ok: Sequence[int]) -> str:
    """Run a linter; its standard output when it exits with one of ``ok``."""
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, check=False, timeout=TIMEOUT
        )
    except OSError as error:
        raise LinterError(f"--with {name}: cannot run {argv[0]}: {error.strerror}") from None
    except subprocess.TimeoutExpired:
        raise LinterError(f"--with {name}: {name} did not finish in {TIMEOUT} s") from None
    if done.returncode not in ok:
        said = [line for line in done.stderr.splitlines() if line.strip()]
        tail = f": {said[-1].strip()}" if said else ""
        raise LinterError(f"--with {name}: {name} failed (exit {done.returncode}){tail}")
    return done.stdout


def version(executable: str, flag: str) -> str:
    """The linter's version, or "" when it does not say."""
    try:
        done = subprocess.run(
            [executable, flag], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    words = (done.stdout or done.stderr).split()
    return next((w.lstrip("v") for w in words if w.lstrip("v")[:1].isdigit()), "")
