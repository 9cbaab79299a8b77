"""``pitstop smoke`` against a real API and a real WebSocket server on 127.0.0.1: every assert
kind, a capture chain (log in, then use the token), a retry that passes on the third try, a
WebSocket check, an expected 404 and 422, each in JUnit and JSON; failures; bad suites."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.probes.app import api, echo_websocket

SUITE = """\
headers:
  Accept: application/json
timeout: 5s
requests:
  - name: health
    get: /health
    expect:
      status: 200
      headers:
        X-Version: {matches: '^1\\.\\d+'}
        Content-Type: {contains: json}
      json:
        status: up
        version: {type: string, matches: '^1\\.4'}
        checks: {type: array, length: 1}
        checks.0.db: {equals: true, type: boolean}
        uptime: {exists: false}
      body: {contains: '"status"'}
      duration: {under: 2s}
  - name: log in
    post: /login
    json: {user: "${SMOKE_USER}", password: paper}
    expect:
      status: 2xx
      json:
        token: {type: string, matches: '^ey', length: {min: 10}}
        expires_in: {type: integer, equals: 3600}
    capture: {token: json.token}
  - name: orders
    get: /orders
    headers: {Authorization: "Bearer ${token}"}
    query: {symbol: MSFT}
    expect:
      json:
        items: {length: {min: 1, max: 5}}
        items.0.symbol: MSFT
        items.-1.qty: {equals: 5}
  - name: warming up
    get: /flaky
    retry: {attempts: 3, interval: 50ms}
    expect:
      json: {status: ready}
  - name: unknown page
    get: /nope
    expect: {status: 404, json: {error: {contains: not}}}
  - name: bad order
    post: /orders
    json: {symbol: AAPL, qty: -1}
    expect:
      status: 422
      json: {field: qty}
  - name: form
    method: POST
    path: /form
    form: {side: buy}
    expect:
      json: {received.side: buy}
  - name: ping over WebSocket
    websocket: "${WS_URL}/"
    send: ping
    expect: {message: {equals: pong}, within: 2s}
  - name: echo over WebSocket
    websocket: "${WS_URL}/"
    send: '{"subscribe": "AAPL"}'
    expect:
      message: {contains: AAPL}
"""


def smoke(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "smoke", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        check=False,
        timeout=120,
    )


@pytest.fixture
def servers() -> tuple[str, dict[str, str]]:
    pytest.importorskip("websockets", reason="websockets (the test extra) is not installed")
    with api() as base, echo_websocket() as ws:
        yield base, {"SMOKE_USER": "trader", "WS_URL": ws}


def test_every_assert_kind_a_capture_chain_a_retry_and_a_websocket(
    tmp_path: Path, servers: tuple[str, dict[str, str]]
) -> None:
    base, env = servers
    (tmp_path / "smoke.yml").write_text(SUITE)
    result = smoke(
        "smoke.yml",
        "--base-url",
        base,
        "--output",
        "junit=out/smoke.xml",
        "--output",
        "json=out/smoke.json",
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "9 of 9 requests passed; p50" in result.stdout
    report = json.loads((tmp_path / "out" / "smoke.json").read_text())
    by_name = {r["name"]: r for r in report["requests"]}
    assert by_name["warming up"]["attempts"] == 3 and by_name["warming up"]["status"] == 200
    assert by_name["unknown page"]["status"] == 404 and by_name["bad order"]["status"] == 422
    assert by_name["ping over WebSocket"]["passed"] and by_name["echo over WebSocket"]["passed"]
    assert report["p95_ms"] >= report["p50_ms"] > 0
    suite = ET.parse(tmp_path / "out" / "smoke.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "9" and suite.get("failures") == "0"
    assert [c.get("name") for c in suite.iter("testcase")] == list(by_name)


def test_failed_asserts_are_named_in_every_report(
    tmp_path: Path, servers: tuple[str, dict[str, str]]
) -> None:
    base, env = servers
    (tmp_path / "smoke.yml").write_text(
        "requests:\n"
        "  - name: health\n    get: /health\n    expect:\n"
        "      json: {status: down, version: {type: number}, missing: {exists: true}}\n"
        "  - name: orders without a token\n    get: /orders\n"
        "  - name: warming up\n    get: /flaky\n"
        '  - name: ws silence\n    websocket: "${WS_URL}/"\n    send: ping\n'
        "    expect: {message: {equals: pang}, within: 1s}\n"
    )
    result = smoke("smoke.yml", "--base-url", base, "--format", "junit", cwd=tmp_path, env=env)
    assert result.returncode == 1
    cases = {
        c.get("name"): c.find("failure") for c in ET.fromstring(result.stdout).iter("testcase")
    }
    health = cases["health"]
    assert health is not None
    message = str(health.get("message"))
    assert "json status is 'up', expected 'down'" in message
    assert "json version is str, expected number" in message
    assert "json missing is missing" in message
    orders = cases["orders without a token"]
    assert orders is not None and "status 401, expected 2xx" in str(orders.get("message"))
    ws = cases["ws silence"]
    assert ws is not None and "message is 'pong', expected 'pang'" in str(ws.get("message"))
    text = smoke("smoke.yml", "--base-url", base, cwd=tmp_path, env=env).stdout
    assert "FAIL  health" in text and "0 of 4 requests passed" in text


def test_concurrency_keeps_a_capture_before_its_use(
    tmp_path: Path, servers: tuple[str, dict[str, str]]
) -> None:
    base, env = servers
    slow = "".join(f"  - name: slow {n}\n    get: /slow\n" for n in range(6))
    (tmp_path / "smoke.yml").write_text(
        "requests:\n"
        "  - name: log in\n    post: /login\n    json: {user: trader, password: paper}\n"
        "    capture: {token: json.token}\n"
        '  - name: orders\n    get: /orders\n    headers: {Authorization: "Bearer ${token}"}\n'
        + slow
    )
    result = smoke(
        "smoke.yml",
        "--base-url",
        base,
        "--concurrency",
        "8",
        "--format",
        "json",
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(r["passed"] for r in json.loads(result.stdout)["requests"])


def test_a_variable_set_nowhere_fails_its_request(tmp_path: Path) -> None:
    with api() as base:
        (tmp_path / "smoke.yml").write_text(
            "requests:\n  - name: orders\n    get: /orders\n"
            '    headers: {Authorization: "Bearer ${NO_SUCH_TOKEN}"}\n'
        )
        result = smoke("smoke.yml", "--base-url", base, cwd=tmp_path)
    assert result.returncode == 1
    assert "no ${NO_SUCH_TOKEN}: neither captured by an earlier request nor set" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "requests:\n  - get: /x\n    expect:\n      json: {a: {near: 1}}\n",
            "smoke.yml:4:18: unknown assert 'near'",
        ),
        (
            "requests:\n  - get: /x\n    expct: {status: 200}\n",
            "smoke.yml:3:5: unknown key 'expct'",
        ),
        ("requests:\n  - get: /x\n    expect: {status: ok}\n", "smoke.yml:3:22: status 'ok'"),
        ("requests:\n  - get: /x\n    timeout: soon\n", "smoke.yml:3:14: 'soon' is not a duration"),
        ("requests: [\n", "smoke.yml:2:1:"),
        ("requests: []\n", "requests: must list at least one request"),
        ("requests:\n  - get: /x\n    post: /y\n", "one method per request"),
    ],
)
def test_a_bad_suite_is_exit_2_with_its_place(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "smoke.yml").write_text(text)
    result = smoke("smoke.yml", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


def test_no_server_named_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "smoke.yml").write_text("requests:\n  - get: /health\n")
    result = smoke("smoke.yml", cwd=tmp_path)
    assert result.returncode == 2 and "no server to test" in result.stderr
    missing = smoke("nope.yml", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.yml:1:1: cannot read" in missing.stderr


def test_ctrl_c_ends_with_130_and_the_partial_report_written(tmp_path: Path) -> None:
    slow = "".join(f"  - name: slow {n}\n    get: /slow\n" for n in range(60))
    (tmp_path / "smoke.yml").write_text("requests:\n  - name: health\n    get: /health\n" + slow)
    with api() as base:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pitstop",
                "smoke",
                "smoke.yml",
                "--base-url",
                base,
                "--output",
                "json=report.json",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    assert "Traceback" not in err and "interrupted" in err
    report = json.loads((tmp_path / "report.json").read_text())
    states = [(r["name"], r["passed"]) for r in report["requests"]]
    assert states[0] == ("health", True)
    assert ["not run: interrupted"] in [r["failures"] for r in report["requests"]]
