"""Stopping a run (Ctrl-C, timeouts) leaves nothing behind; secrets never leave unmasked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import make_repo


def pids_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry))
    return found


def leftovers() -> list[int]:
    """The step's three sleeps, by their exact command lines (a bare "sleep 30" could be any
    other process of the machine, the example's deploy script among them)."""
    return [pid for n in (301, 302, 303) for pid in pids_with(f"sleep {n}")]


INTERRUPTED = """
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          (sleep 301 &) ; sleep 302 &
          sleep 303
      - if: always()
        run: echo "cleanup ran"
"""


def test_sigint_mid_step_exits_130_writes_the_summary_and_leaves_no_process(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", INTERRUPTED)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pitstop", "run", "--plain"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not pids_with("sleep 303") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pids_with("sleep 303"), "the step did not start"
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert "cleanup ran" in out  # always() steps still run after an interrupt
    run_dir = next((repo / ".pitstop" / "runs").iterdir())
    assert (run_dir / "summary.md").is_file() and (run_dir / "report.json").is_file()
    assert "cancelled" in (run_dir / "report.json").read_text()
    deadline = time.monotonic() + 10  # the kill is sent; a loaded machine reaps slowly
    while leftovers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftovers() == []


TIMEOUT = """
on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - timeout-minutes: 0.02
        run: |
          sleep 311 &
          bash -c 'sleep 312' &
          sleep 313
"""


def test_a_step_over_its_timeout_is_killed_with_its_children(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", TIMEOUT)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stdout
    assert "timed out" in proc.stdout
    assert time.monotonic() - started < 30
    assert pids_with("sleep 31") == []


SECRETS = """
on: push
jobs:
  leak:
    runs-on: ubuntu-latest
    steps:
      - env:
          TOKEN: ${{ secrets.API_TOKEN }}
          MULTI: ${{ secrets.CERT }}
        run: |
          echo "plain: $TOKEN"
          echo "json: ${{ toJSON(secrets.API_TOKEN) }}"
          echo "base64: $(printf %s "$TOKEN" | base64)"
          echo "$MULTI"
          generated=$(printf 'runtime-%s-9f8e' generated)
          echo "::add-mask::$generated"
          echo "later: $generated"
          echo "summary $TOKEN" >> "$GITHUB_STEP_SUMMARY"
          echo "out=$TOKEN" >> "$GITHUB_OUTPUT"
          echo "::error::failing with $TOKEN"
          exit 1
"""


def test_no_secret_value_appears_in_the_run_directory_or_the_terminal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SECRETS)
    (repo / "secrets.env").write_text("CERT='-----BEGIN KEY-----\\nline-two-secret-77'\n")
    token = "tok-4c1d-very-secret"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pitstop",
            "run",
            "--plain",
            "--secret",
            f"API_TOKEN={token}",
            "--secret-file",
            "secrets.env",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    values = [token, "runtime-generated-9f8e", "line-two-secret-77"]
    terminal = proc.stdout + proc.stderr
    assert "***" in terminal
    files = [p for p in (repo / ".pitstop").rglob("*") if p.is_file()]
    assert any(p.name == "report.json" for p in files)
    for value in values:
        assert value not in terminal
        for path in files:
            assert value.encode() not in path.read_bytes(), f"{value!r} in {path}"
