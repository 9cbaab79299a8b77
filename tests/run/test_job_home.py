"""A job's `$HOME` is its own: on GitHub each job starts on a fresh runner whose home belongs to
the runner, so `git config --global`, `~/.bashrc`, `~/.cache` and `actions/cache` paths under `~`
are the job's. Here the user's own home must stay byte for byte as it was, and what the job
cached under `~` comes back in the next job's home (actions/cache README: `path` may name `~`
folders, as its pip and npm examples do)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.gitrepo import GIT_ENV, commit_all
from tests.run.test_workspace_safety import snapshot

WORKFLOW = """\
on: push
jobs:
  home:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        id: cache
        with:
          path: ~/.cache/probe
          key: probe-1
      - name: the second run finds what the first cached under ~
        if: steps.cache.outputs.cache-hit == 'true'
        run: grep -q cached ~/.cache/probe/x
      - name: a step writes all over its home
        run: |
          test -n "$USER_HOME" && test "$HOME" != "$USER_HOME"
          test -z "$(ls -A "$HOME" | grep -v '^.cache$')"
          git config --global user.name "release bot"
          echo 'export X=1' >> ~/.bashrc
          mkdir -p ~/.cache/probe && echo cached > ~/.cache/probe/x
          pip install --user --no-index --quiet nothing-here 2>/dev/null || true
"""


def test_a_jobs_home_is_its_own_and_the_users_home_is_untouched(tmp_path: Path) -> None:
    repo, home = tmp_path / "repo", tmp_path / "user-home"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "w.yml").write_text(WORKFLOW)
    commit_all(repo)
    (home / ".config").mkdir(parents=True)
    (home / ".gitconfig").write_text("[user]\n\tname = The User\n")
    (home / ".bashrc").write_text("# the user's\n")
    before = snapshot(home)
    env = {
        **os.environ,
        **GIT_ENV,
        "HOME": str(home),
        "USER_HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PITSTOP_HOME": str(tmp_path / "pitstop-home"),
    }
    for attempt in (1, 2):
        done = subprocess.run(
            [sys.executable, "-m", "pitstop", "run", "--plain", "--all", "w.yml"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert snapshot(home) == before, f"run {attempt} touched the user's home"
    assert "Cache restored from key: probe-1" in done.stdout
    assert "the second run finds what the first cached under ~" in done.stdout
