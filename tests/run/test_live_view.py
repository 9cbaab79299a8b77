"""The live view, on a real pseudo-terminal: jobs with state and the running step's last lines,
groups folded, secrets masked, and the summary with rendered step summaries at the end."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

from conftest import make_repo

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

WORKFLOW = """
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Install
        run: |
          echo "::group::Install deps"
          for n in 1 2 3; do echo "inner-line-$n"; done
          echo "::endgroup::"
          echo "progress-marker token=$TOKEN"
          sleep 1.5
      - run: |
          echo "# Release notes" >> "$GITHUB_STEP_SUMMARY"
          echo "Shipped **fast**" >> "$GITHUB_STEP_SUMMARY"
    env:
      TOKEN: ${{ secrets.TOKEN }}
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: sleep 0.5
"""


def run_on_terminal(repo: Path, *args: str) -> tuple[int, str]:
    """Run pitstop with a pseudo-terminal of 120 columns as its stdin, stdout and stderr."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pitstop", "run", *args],
        cwd=repo,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**env, "TERM": "xterm-256color", "COLUMNS": "120"},
    )
    os.close(follower)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                proc.kill()
                raise AssertionError("no output for 60 s: " + b"".join(chunks).decode()[-2000:])
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: every writer of the terminal has closed it
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    return proc.wait(timeout=30), ANSI.sub("", b"".join(chunks).decode(errors="replace"))


def test_live_view_shows_running_steps_folds_groups_and_masks_secrets(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    code, screen = run_on_terminal(repo, "--secret", "TOKEN=s3cr3t-value")
    assert code == 0, screen[-3000:]
    assert "[build]" not in screen  # not the plain, line-prefixed view
    assert re.search(r"build\s+running", screen)  # each job with its state while it runs
    assert "progress-marker token=***" in screen  # the running step's last lines, masked
    assert "s3cr3t-value" not in screen
    assert "▸ Install deps (3 lines)" in screen  # the group folded, as GitHub shows it closed
    assert "inner-line-2" not in screen
    assert re.search(r"deploy\s+success", screen)
    assert "Run 1: success" in screen  # the summary at the end
    # Markdown rendered: the heading without its '#' (the step's own label may show the script)
    assert "Release notes" in screen and not re.search(r"^\s*# Release notes", screen, re.M)
    assert "**fast**" not in screen


def test_plain_flag_on_a_terminal_gives_line_prefixed_logs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    code, screen = run_on_terminal(repo, "--plain", "--secret", "TOKEN=s3cr3t-value")
    assert code == 0, screen[-3000:]
    assert "[build/Install] inner-line-2" in screen
    assert "[build/Install] progress-marker token=***" in screen
    assert "s3cr3t-value" not in screen
