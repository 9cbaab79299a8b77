"""Self-checking workflows: each step fails when a value is not what GitHub would give, and the
header names the job results GitHub would report (``conformance_cases.py`` reads them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.run.conformance_cases import (
    CASES,
    case_repo,
    expected_results,
    header,
    results,
    run_repo,
)

# These tests run workflows whose services bind fixed host ports (`ports: ["5432:5432"]`), or
# hold such a port themselves: under pytest-xdist, one worker runs all of them, one at a time.
pytestmark = pytest.mark.xdist_group("host-ports")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_conformance(case: Path, tmp_path: Path) -> None:
    proc, report = run_repo(case, case_repo(case, tmp_path / "repo"))
    output = proc.stdout + proc.stderr
    expected = expected_results(case)
    assert results(report) == expected, output[-4000:]
    wanted_exit = int(header(case).get("exit", "1" if "failure" in expected.values() else "0"))
    assert proc.returncode == wanted_exit, output[-4000:]


def test_the_suite_has_at_least_80_cases() -> None:
    """Issue 3's bar: at least 80 self-checking workflows."""
    assert len(CASES) >= 80
