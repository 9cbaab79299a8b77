"""The canary's live view on a real pseudo-terminal: a table redrawn at each check, each metric
against its limit; the same run off a terminal prints plain lines."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

CONFIG = """\
interval: 200ms
checks: 3
metrics:
  - name: error_rate
    command: echo 0.01
    max: 0.05
  - name: queue_depth
    command: echo 12
    max: 100
"""


def on_terminal(argv: list[str]) -> tuple[int, str]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        argv,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return process.wait(30), ANSI.sub("", b"".join(chunks).decode(errors="replace"))


def test_a_table_on_a_terminal_plain_lines_off_it(tmp_path: Path) -> None:
    (tmp_path / "canary.yml").write_text(CONFIG)
    argv = [sys.executable, "-m", "pitstop", "canary", str(tmp_path / "canary.yml")]
    code, screen = on_terminal(argv)
    assert code == 0, screen
    assert "canary: check 3 of 3" in screen
    assert "0.01 < 0.05" in screen and "12 < 100" in screen
    assert "pitstop canary: promote: 3 of 3 checks passed" in screen
    assert "check 1/3:" not in screen  # the plain lines are for logs
    plain = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert plain.returncode == 0
    assert "check 3/3: pass: error_rate 0.01 < 0.05; queue_depth 12 < 100" in plain.stdout


def test_ctrl_c_ends_with_130_and_the_checks_so_far_written(tmp_path: Path) -> None:
    (tmp_path / "canary.yml").write_text(CONFIG.replace("checks: 3", "checks: 100"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pitstop",
            "canary",
            str(tmp_path / "canary.yml"),
            "--output",
            f"json={tmp_path / 'report.json'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    assert "Traceback" not in err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["verdict"] == "interrupted" and len(report["checks"]) >= 2
    assert all(c["state"] == "pass" for c in report["checks"])
