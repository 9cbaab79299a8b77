"""The rules of one audit spread over the machine's cores: after the repository is read, the
process forks, each child runs its share of the rules over the same parsed trees (shared
copy-on-write, never re-read or re-sent) and sends back what its checks found.

A finding comes back with its fix's title and safety only: a fix's ``apply`` holds the parsed
documents, which only ``pitstop fix`` needs, and fix runs its rules in one process. When a child
cannot run or fails, its rules run again in the parent, so the result never depends on the
split. Without ``os.fork`` (Windows), or for a small repository, everything runs in one
process.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from dataclasses import replace

from pitstop.audit.findings import Finding, Fix
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check

# Below this many workflow and action files, a fork costs more than it saves.
MIN_FILES = 100
MAX_WORKERS = 4

# checked, figure, failed_units, unjudged, failure, findings
Result = tuple[int, str, int | None, str, str, list[Finding]]


def workers_for(repo: Repo) -> int:
    """How many processes to run the rules in: one per core, up to MAX_WORKERS."""
    if not hasattr(os, "fork") or len(repo.paths) < MIN_FILES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS))


def run_checks(repo: Repo, checks: Sequence[Check], workers: int) -> None:
    """Fill each check by running its rule over ``repo``, in up to ``workers`` processes.

    The rules are dealt from a pipe holding one byte per check: each process reads the next
    byte when it is free (a read of one byte from a pipe is atomic), so a process that drew
    quick rules takes more of them."""
    if workers <= 1 or len(checks) < 2 or len(checks) > 255:
        for check in checks:
            run_one(repo, check)
        return
    repo.steps()  # read by most rules: made once, before the fork, and shared
    _ = repo.slug  # several rules ask git for the origin remote: asked once, not per process
    deal_read, deal_write = os.pipe()
    os.write(deal_write, bytes(range(len(checks))))
    os.close(deal_write)
    children = [_fork(repo, checks, deal_read) for _ in range(workers - 1)]
    done = set(_deal(repo, checks, deal_read))
    os.close(deal_read)
    for child in children:
        results = _collect(child)
        for index, result in (results or {}).items():
            check = checks[index]
            check.checked, check.figure, check.failed_units = result[:3]
            check.unjudged, check.failure, check.findings = result[3:]
            done.add(index)
    for index, check in enumerate(checks):
        if index not in done:  # a child failed before it sent its results: they run here
            check.checked, check.figure, check.failed_units, check.findings = 0, "", None, []
            run_one(repo, check)


def run_one(repo: Repo, check: Check) -> None:
    """Run one rule. A rule that fails on this repository (a bug of pitstop's) reports nothing,
    and says why where the scorecard shows what was not judged; the others still run."""
    try:
        check.rule.check(repo, check)
    except Exception as error:
        check.checked, check.figure, check.failed_units, check.findings = 0, "", None, []
        check.failure = f"{type(error).__name__}: {error}"
        check.unjudged = f"the rule failed ({check.failure}); a pitstop bug, please report it"


def _deal(repo: Repo, checks: Sequence[Check], deal: int) -> list[int]:
    """Run the checks whose numbers this process draws from the pipe, until it is empty."""
    ran = []
    while drawn := os.read(deal, 1):
        check = checks[drawn[0]]
        run_one(repo, check)
        ran.append(drawn[0])
    return ran


def _fork(repo: Repo, checks: Sequence[Check], deal: int) -> tuple[int, int] | None:
    """A child drawing checks from ``deal``; its pid and the pipe its results come on."""
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid:
        os.close(write)
        return pid, read
    code = 1
    try:  # the child: never returns into the caller's code
        os.close(read)
        results: dict[int, Result] = {}
        for index in _deal(repo, checks, deal):
            check = checks[index]
            findings = [_portable(f) for f in check.findings]
            results[index] = (
                check.checked,
                check.figure,
                check.failed_units,
                check.unjudged,
                check.failure,
                findings,
            )
        data = pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as out:
            out.write(data)
        code = 0
    finally:
        os._exit(code)


def _collect(child: tuple[int, int] | None) -> dict[int, Result] | None:
    if child is None:
        return None
    pid, read = child
    with os.fdopen(read, "rb") as source:
        data = source.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not data:
        return None
    try:
        # the bytes come from the forked child, through our own pipe
        results: dict[int, Result] = pickle.loads(data)  # nosec B301
    except (pickle.UnpicklingError, EOFError, ValueError):
        return None
    return results


def _portable(finding: Finding) -> Finding:
    """The finding with its fix's title and safety, without the closure that applies it."""
    if finding.fix is None:
        return finding
    return replace(finding, fix=Fix(finding.fix.title, finding.fix.safety, _not_here))


def _not_here(context: object) -> None:
    raise RuntimeError("this finding came from an audit process: run pitstop fix to fix it")
