"""Self-checking workflows: each step fails when a value is not what GitHub would give, and the
header names the job results GitHub would report.

Header lines (comments at the top of each ``conformance/*.yml``):
``# expect: job=result …`` (job keys as pitstop reports them, e.g. ``unit (3.11)``, with spaces
written as ``_``), optional ``# args: …`` for ``pitstop run`` and ``# exit: N``. A folder
``<name>.files/`` beside a case is copied into the repository first (local actions and the like).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GIT_ENV, commit_all

HERE = Path(__file__).parent / "conformance"
CASES = sorted(HERE.glob("*.yml"))


def _header(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        found[key.strip()] = value.strip()
    return found


def run_case(case: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    extra = case.with_suffix(".files")
    if extra.is_dir():
        shutil.copytree(extra, repo, dirs_exist_ok=True)
    shutil.copy(case, repo / ".github" / "workflows" / case.name)
    commit_all(repo, message="case")
    env = {**os.environ, **GIT_ENV}
    header = _header(case)
    args = shlex.split(header.get("args", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain", "--all", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    reports = sorted((repo / ".pitstop" / "runs").glob("*/report.json"))
    report = json.loads(reports[-1].read_text()) if reports else {}
    return proc, report


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_conformance(case: Path, tmp_path: Path) -> None:
    header = _header(case)
    proc, report = run_case(case, tmp_path)
    output = proc.stdout + proc.stderr
    expected = dict(pair.split("=", 1) for pair in header["expect"].split())
    got = {j["key"].replace(" ", "_"): j["result"] for j in report.get("jobs", [])}
    assert got == expected, output[-4000:]
    wanted_exit = int(header.get("exit", "1" if "failure" in expected.values() else "0"))
    assert proc.returncode == wanted_exit, output[-4000:]


def test_the_suite_has_at_least_80_cases() -> None:
    """Issue 3's bar: at least 80 self-checking workflows."""
    assert len(CASES) >= 80
