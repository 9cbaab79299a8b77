"""The run conformance cases: self-checking workflows with a header naming the job results GitHub
would report, read and run as ``pitstop run`` runs them in a real git repository.

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
from typing import Any

from tests.gitrepo import GIT_ENV, commit_all

HERE = Path(__file__).parent / "conformance"
CASES = sorted(HERE.glob("*.yml"))


def header(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        found[key.strip()] = value.strip()
    return found


def expected_results(case: Path) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in header(case)["expect"].split())


def case_repo(case: Path, repo: Path) -> Path:
    """The case's workflow (and its ``.files``) in a folder, not yet committed."""
    (repo / ".github" / "workflows").mkdir(parents=True)
    extra = case.with_suffix(".files")
    if extra.is_dir():
        shutil.copytree(extra, repo, dirs_exist_ok=True)
    shutil.copy(case, repo / ".github" / "workflows" / case.name)
    return repo


def run_repo(case: Path, repo: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Commit the repository and ``pitstop run --all`` it with the case's arguments."""
    commit_all(repo, message="case")
    env = {**os.environ, **GIT_ENV}
    args = shlex.split(header(case).get("args", ""))
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


def results(report: dict[str, Any]) -> dict[str, str]:
    """Each job's result, by the key the header uses."""
    return {j["key"].replace(" ", "_"): j["result"] for j in report.get("jobs", [])}
