"""Helpers for tests that run ``pitstop run`` as a user would: in a real git repository."""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import GIT_ENV, commit_all


def make_repo(root: Path, workflow: str) -> Path:
    """A repository whose one workflow is ``.github/workflows/w.yml``."""
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "w.yml").write_text(workflow)
    return commit_all(root)


__all__ = ["GIT_ENV", "commit_all", "make_repo"]
