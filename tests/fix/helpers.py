"""Helpers for ``pitstop fix`` tests: a pin source of real bare git repositories reached through
git's ``url.<base>.insteadOf`` (never the network), and a one-call fix of a workflow text."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pitstop.audit.config import AuditConfig
from pitstop.fix import FixResult, fix
from pitstop.fix.pins import Pins
from tests.gitrepo import GIT_ENV, commit_all


def git(*argv: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *argv],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.strip()


@dataclass
class PinSource:
    """Bare repositories under ``folder``/owner/repo that https://github.com/owner/repo reaches."""

    folder: Path
    work: Path
    shas: dict[str, str] = field(default_factory=dict)  # "owner/repo@ref" -> commit

    def add(self, repository: str, *tags: str, annotated: bool = False, commits: int = 1) -> str:
        """A repository whose newest commit carries ``tags`` (and branch main); its SHA."""
        work = self.work / repository
        work.mkdir(parents=True)
        git("init", "-q", "-b", "main", cwd=work)
        for number in range(commits):
            git("commit", "-q", "--allow-empty", "-m", f"c{number}", cwd=work)
            if number == 0 and commits > 1:
                git("tag", "v0.9.0", cwd=work)
        for tag in tags:
            if annotated:
                git("tag", "-a", "-m", tag, tag, cwd=work)
            else:
                git("tag", tag, cwd=work)
        sha = git("rev-parse", "HEAD", cwd=work)
        target = self.folder / repository
        target.parent.mkdir(parents=True, exist_ok=True)
        git("clone", "-q", "--bare", str(work), str(target), cwd=self.work)
        return sha


@pytest.fixture
def pin_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PinSource:
    folder = tmp_path / "pin-source"
    folder.mkdir()
    config = tmp_path / "gitconfig"
    config.write_text(f'[url "file://{folder}/"]\n\tinsteadOf = https://github.com/\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return PinSource(folder, tmp_path / "pin-work")


def write_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return root


def run_fix(
    root: Path, rules: tuple[str, ...] = (), unsafe: bool = False, config: AuditConfig | None = None
) -> FixResult:
    return fix(str(root), config or AuditConfig(), rules, unsafe, Pins(str(root)))


def fixed_text(
    tmp_path: Path,
    text: str,
    rules: tuple[str, ...],
    unsafe: bool = False,
    name: str = ".github/workflows/w.yml",
    others: dict[str, str] | None = None,
) -> tuple[str, FixResult]:
    """``text`` as ``name`` in a fresh repository, fixed in memory for ``rules``."""
    root = write_repo(tmp_path / "repo", {name: text, **(others or {})})
    result = run_fix(root, rules, unsafe)
    assert not result.invalid, result.invalid
    path = os.path.normpath(str(root / name))
    return result.texts.get(path, text), result


__all__ = [
    "PinSource",
    "commit_all",
    "fixed_text",
    "git",
    "pin_source",
    "pitstop",
    "run_fix",
    "write_repo",
]


def pitstop(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The pitstop command, as a user runs it, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "pitstop", *argv], cwd=cwd, capture_output=True, text=True
    )
