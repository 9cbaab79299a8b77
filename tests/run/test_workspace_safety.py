"""A job's workspace is a checkout of its own, outside the user's repository: whatever a step does
to it with git, the user's repository, their uncommitted and untracked files included, stays byte
for byte as it was. Both layouts: workflows at the repository's root, and a project in a
sub-folder of a bigger repository (as ``examples/tradedesk`` is inside pitstop's).

What actions/checkout leaves (docs: actions/checkout README, "fetch-depth: 1 ... Fetch depth of 1
... 0 indicates all history"; the action checks a branch out with ``git checkout -B <branch>
refs/remotes/origin/<branch>``, src/git-source-provider.ts and src/ref-helper.ts)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.gitrepo import GIT_ENV, commit_all
from tests.run.conftest import pitstop_run

WRECK = """\
on: push
jobs:
  wreck:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: the workspace is its own repository, with the local edits on top
        run: |
          test "$(git rev-parse --show-toplevel)" = "$GITHUB_WORKSPACE"
          grep -q edited tracked.txt
          grep -q untracked new.txt
          test ! -e gone.txt
          test "$(git rev-list --count HEAD)" = 1
          test "$(git rev-parse --abbrev-ref HEAD)" = main
          test "$(git rev-parse origin/main)" = "$(git rev-parse HEAD)"
      - name: wreck it
        run: |
          git reset --hard
          git clean -fdx
          git checkout -- .
          echo more >> tracked.txt
          git stash
          git -c user.name=x -c user.email=x@example.com commit --allow-empty --amend -m amended
          rm -rf sub
      - name: nothing walks up out of the workspace
        run: |
          cd "$RUNNER_TEMP"
          if git rev-parse --git-dir 2>/dev/null; then exit 1; fi
"""


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (``.git`` included, run directories not) with its bytes' hash."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".pitstop"]
        for name in files:
            path = Path(folder, name)
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            found[str(path.relative_to(root))] = hashlib.sha256(data).hexdigest()
    return found


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize("layout", ["root", "subfolder"])
def test_a_job_that_wrecks_its_checkout_leaves_the_user_repository_byte_identical(
    tmp_path: Path, layout: str
) -> None:
    top = tmp_path / "repo"
    project = top if layout == "root" else top / "services" / "api"
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / ".github" / "workflows" / "w.yml").write_text(WRECK)
    (project / "tracked.txt").write_text("committed\n")
    (project / "gone.txt").write_text("deleted in the working tree\n")
    (project / "sub").mkdir()
    (project / "sub" / "kept.txt").write_text("kept\n")
    (top / "outside.txt").write_text("the bigger repository's\n")
    commit_all(top)
    git(top, "remote", "add", "origin", "https://example.com/acme/repo.git")
    (project / "tracked.txt").write_text("committed\nedited, not committed\n")
    (project / "new.txt").write_text("untracked\n")
    (project / "gone.txt").unlink()
    (top / "outside.txt").write_text("edited outside the project\n")
    git(top, "add", str(top / "outside.txt"))  # a staged change too
    before = snapshot(top)

    proc = pitstop_run(project)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert snapshot(top) == before
    assert git(top, "stash", "list") == ""
    local = 4 if layout == "root" else 3  # outside.txt is the project's own at the root
    assert f"Applied {local} uncommitted or untracked file(s) on top" in proc.stdout


def test_the_workspace_is_a_shallow_checkout_unless_fetch_depth_is_0(tmp_path: Path) -> None:
    workflow = """\
on: push
jobs:
  shallow:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          test "$(git rev-list --count HEAD)" = 1
          test "$(git rev-parse --is-shallow-repository)" = true
  two:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 2}
      - run: test "$(git rev-list --count HEAD)" = 2
  full:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 0}
      - run: |
          test "$(git rev-list --count HEAD)" = 3
          test "$(git rev-parse --is-shallow-repository)" = false
          git tag --list | grep -qx v1
"""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "w.yml").write_text(workflow)
    commit_all(repo, "first")
    git(repo, "tag", "v1")
    for message in ("second", "third"):
        (repo / f"{message}.txt").write_text(message)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", message)

    proc = pitstop_run(repo)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(next((repo / ".pitstop" / "runs").glob("*/report.json")).read_text())
    assert {j["job_id"]: j["result"] for j in report["jobs"]} == {
        "shallow": "success",
        "two": "success",
        "full": "success",
    }


def test_the_next_job_gets_a_clean_checkout_of_what_is_committed_now(tmp_path: Path) -> None:
    """A workspace is reset for the next job, not made anew: nothing the last job wrote, built or
    changed in place survives it, and a new commit and new local edits are what it holds."""
    workflow = """\
on: push
jobs:
  dirty:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          test ! -e build && test ! -e ignored.log && test ! -e .git/hooks/post-checkout
          test "$(cat version.txt)" = "$EXPECTED"
          mkdir build && echo junk > build/out && echo log > ignored.log
          printf 'x' > version.txt
          mkdir -p .git/hooks && printf '#!/bin/sh\\nexit 1\\n' > .git/hooks/post-checkout
          chmod +x .git/hooks/post-checkout
        env:
          EXPECTED: ${{ vars.EXPECTED }}
"""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "w.yml").write_text(workflow)
    (repo / ".gitignore").write_text("*.log\n")
    (repo / "version.txt").write_text("1")
    commit_all(repo)

    first = pitstop_run(repo, "--var", "EXPECTED=1")
    (repo / "version.txt").write_text("2")
    git(repo, "commit", "-q", "-am", "two")
    second = pitstop_run(repo, "--var", "EXPECTED=2")
    (repo / "version.txt").write_text("3")  # not committed
    third = pitstop_run(repo, "--var", "EXPECTED=3")

    for proc in (first, second, third):
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Reset the workspace a previous job left" in third.stdout
