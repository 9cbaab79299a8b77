"""The acceptance run for ``pitstop fix``: on the bundled example, ``fix --unsafe`` (actions pinned
from a local pin source) fixes every weakness its README lists, leaves only the one finding the
README says it leaves (duplicated steps: the remedy is a design choice), and the fixed pipeline
still runs green."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fix.helpers import PinSource
from tests.gitrepo import tradedesk_repo

# These tests run workflows whose services bind fixed host ports (`ports: ["5432:5432"]`), or
# hold such a port themselves: under pytest-xdist, one worker runs all of them, one at a time.
pytestmark = pytest.mark.xdist_group("host-ports")
ACTIONS = {
    "actions/checkout": ("v5", "v5.0.1"),
    "actions/setup-python": ("v6", "v6.1.0"),
    "actions/upload-artifact": ("v6", "v6.0.0"),
    "gitleaks/gitleaks-action": ("v2", "v2.3.7"),
}


def pitstop(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pitstop", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_fix_unsafe_clears_every_finding_and_the_pipeline_stays_green(
    tmp_path: Path, pin_source: PinSource
) -> None:
    repo = tradedesk_repo(tmp_path / "tradedesk")
    shas = {name: pin_source.add(name, *tags) for name, tags in ACTIONS.items()}

    before = json.loads(pitstop("audit", "--format", "json", cwd=repo).stdout)
    assert len(before["findings"]) == 47

    fixed = pitstop("fix", "--unsafe", cwd=repo)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "fixed 47 findings in 4 files" in fixed.stdout
    assert "not fixed" not in fixed.stdout
    assert "create the secret POSTGRES_PASSWORD" in fixed.stdout
    assert fixed.stdout.rstrip().endswith("0 findings remain"), fixed.stdout[-300:]

    after = pitstop("audit", "--format", "json", cwd=repo)
    assert after.returncode == 0
    left = json.loads(after.stdout)["findings"]
    assert left == []
    ci = (repo / ".github/workflows/ci.yml").read_text()
    assert f"actions/checkout@{shas['actions/checkout']} # v5.0.1" in ci
    assert "tradedesk-test" not in ci
    assert pitstop("fix", "--unsafe", "--dry-run", cwd=repo).stdout == ""  # nothing left to do

    # security.yml is left out: pip-audit asks PyPI about vulnerabilities, and tests stay local
    ran = pitstop(
        "run",
        "--plain",
        "--services",
        "wheel",
        "--secret",
        "POSTGRES_PASSWORD=tradedesk-test",
        "ci.yml",
        "deploy.yml",
        cwd=repo,
    )
    assert ran.returncode == 0, ran.stdout[-6000:]
    report = json.loads(next((repo / ".pitstop" / "runs").glob("*/report.json")).read_text())
    results = {j["key"]: j["result"] for j in report["jobs"]}
    assert set(results.values()) == {"success"}, results
    assert len(results) == 9 and results["deploy"] == "success", results
