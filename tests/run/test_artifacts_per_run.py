"""Artifacts belong to one workflow run. GitHub starts a separate run for each workflow an event
triggers, so two workflows may upload the same artifact name; a called (reusable) workflow
uploads into its caller's run. Source: docs.github.com "Storing and sharing data from a
workflow" (artifacts are scoped to the workflow run) and actions/upload-artifact v4's
"Breaking changes" (a name is unique within a run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import commit_all

UPLOADS = """
on: push
jobs:
  up:
    runs-on: ubuntu-latest
    steps:
      - run: echo {word} > report.txt
      - uses: actions/upload-artifact@v4
        with:
          name: report
          path: report.txt
  down:
    needs: up
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: report
      - run: test "$(cat report.txt)" = {word}
"""


def test_two_workflows_upload_the_same_name_each_in_its_own_run(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    for word in ("alpha", "beta"):
        (root / ".github" / "workflows" / f"{word}.yml").write_text(UPLOADS.format(word=word))
    commit_all(root)
    done = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--all", "--plain"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Conflict" not in done.stdout
