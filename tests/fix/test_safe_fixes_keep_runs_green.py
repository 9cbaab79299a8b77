"""What "safe" promises: a safe fix cannot make a passing pipeline fail. Every run conformance
workflow gets the safe fixes (``pitstop fix``, no ``--unsafe``); each one they change is run
again and must end exactly as its header says, as it did before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix.helpers import PinSource, pitstop
from tests.run.conformance_cases import CASES, case_repo, expected_results, results, run_repo

# These tests run workflows whose services bind fixed host ports (`ports: ["5432:5432"]`), or
# hold such a port themselves: under pytest-xdist, one worker runs all of them, one at a time.
pytestmark = pytest.mark.xdist_group("host-ports")


def test_safe_fixes_keep_every_conformance_run_as_it_was(
    tmp_path: Path, pin_source: PinSource
) -> None:
    """Pins resolve against an empty local source (``pin_source``): nothing is pinned and
    nothing reaches the network; the other safe fixes (health checks on services, dependency
    caches, concurrency groups, action majors, soft-fails removed) apply."""
    changed = []
    for number, case in enumerate(CASES):
        repo = case_repo(case, tmp_path / f"case{number}")
        workflow = repo / ".github" / "workflows" / case.name
        before = workflow.read_text()
        fixed = pitstop("fix", "--fail-on", "none", cwd=repo)
        assert fixed.returncode == 0, f"{case.name}: {fixed.stderr}"
        if workflow.read_text() == before:
            continue
        changed.append(case.name)
        proc, report = run_repo(case, repo)
        assert results(report) == expected_results(case), (
            f"{case.name} after `pitstop fix`:\n{workflow.read_text()}\n"
            + (proc.stdout + proc.stderr)[-3000:]
        )
    # 17 of the 89 when written: action majors bumped, persist-credentials off, service health
    # checks, an untrusted title moved to env:, a concurrency group. Fewer would mean the safe
    # fixes stopped applying, and this test stopped testing.
    assert len(changed) >= 15, changed
