"""Helpers for tests that run ``pitstop run`` as a user would: in a real git repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.gitrepo import GIT_ENV, commit_all


def make_repo(root: Path, workflow: str) -> Path:
    """A repository whose one workflow is ``.github/workflows/w.yml``."""
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "w.yml").write_text(workflow)
    return commit_all(root)


def pitstop_run(repo: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``pitstop run --plain ARGS`` in ``repo``, as a user types it, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **GIT_ENV},
    )


__all__ = ["GIT_ENV", "commit_all", "make_repo", "pitstop_run"]
