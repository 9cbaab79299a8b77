"""A real git repository in a temp folder, as tests that need one make it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def commit_all(root: Path, message: str = "w") -> Path:
    """``git init`` on branch main and commit every file under ``root`` with ``message``."""
    env = {**os.environ, **GIT_ENV}
    for argv in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", message],
    ):
        subprocess.run(argv, cwd=root, check=True, env=env)
    return root


TRADEDESK = Path(__file__).resolve().parents[1] / "examples" / "tradedesk"


def tradedesk_repo(target: Path) -> Path:
    """The bundled example, without what running it leaves behind, committed at ``target``."""
    shutil.copytree(
        TRADEDESK,
        target,
        ignore=shutil.ignore_patterns(
            ".pitstop", ".coverage", "*_cache", "__pycache__", "*.egg-info", "coverage.xml"
        ),
    )
    return commit_all(target)
