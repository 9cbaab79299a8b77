"""``pitstop canary`` against a real Prometheus scraping a baseline and a canary instance whose
error rate and latency the test sets: a healthy canary promotes, an error spike rolls back
within consecutive-failure-limit checks and runs --on-rollback, a latency rise under the
absolute threshold but significantly worse than the baseline rolls back by the Mann-Whitney
judge, a metric with no data ends inconclusive; bad configs and sources are exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.probes.prometheus_lab import Lab, prometheus_lab

pytestmark = pytest.mark.skipif(
    shutil.which("prometheus") is None,
    reason="prometheus is not installed (.ci/deps installs Debian's prometheus package)",
)

ERRORS = (
    'sum(rate(app_requests_total{{track="{track}",code="500"}}[3s])) '
    '/ sum(rate(app_requests_total{{track="{track}"}}[3s]))'
)
LATENCY_MS = (
    'sum(rate(app_request_seconds_sum{{track="{track}"}}[3s])) '
    '/ sum(rate(app_request_seconds_count{{track="{track}"}}[3s])) * 1000'
)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    pytest.importorskip("prometheus_client", reason="prometheus-client (the test extra)")
    with prometheus_lab() as running:
        yield running


def settle(lab: Lab, error_rate: float, latency: float) -> None:
    """The canary's behaviour set, and the 3 s rate windows filled with it."""
    lab.canary.error_rate, lab.canary.latency = error_rate, latency
    time.sleep(4)


def config(lab: Lab, tmp_path: Path, metrics: str, **limits: int) -> Path:
    lines = [
        "interval: 1s",
        f"checks: {limits.get('checks', 4)}",
        f"consecutive-failure-limit: {limits.get('consecutive', 3)}",
        f"inconclusive-limit: {limits.get('inconclusive', 2)}",
        "sources:",
        f"  prom: {{prometheus: {lab.prometheus}}}",
        "metrics:",
    ]
    (tmp_path / "canary.yml").write_text("\n".join(lines) + "\n" + metrics)
    return tmp_path / "canary.yml"


THRESHOLDS = f"""\
  - name: error_rate
    source: prom
    query: '{ERRORS.format(track="canary")}'
    max: 0.05
  - name: latency_ms
    source: prom
    query: '{LATENCY_MS.format(track="canary")}'
    max: 1000
"""


def canary(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "canary", str(path), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_a_healthy_canary_promotes(lab: Lab, tmp_path: Path) -> None:
    settle(lab, 0.0, 0.005)
    marker = tmp_path / "promoted"
    result = canary(
        config(lab, tmp_path, THRESHOLDS),
        "--on-promote",
        f"echo $PITSTOP_CANARY_VERDICT > {marker}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pitstop canary: promote: 4 of 4 checks passed" in result.stdout
    assert marker.read_text().strip() == "promote"


def test_an_error_spike_rolls_back_within_the_limit_and_runs_the_rollback(
    lab: Lab, tmp_path: Path
) -> None:
    settle(lab, 0.4, 0.005)
    marker = tmp_path / "rolled-back"
    path = config(lab, tmp_path, THRESHOLDS, checks=10, consecutive=3)
    result = canary(
        path,
        "--on-rollback",
        f"echo $PITSTOP_CANARY_VERDICT > {marker}",
        "--output",
        f"json={tmp_path / 'report.json'}",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "rollback: 3 failed checks in a row" in result.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(report["checks"]) == 3  # rolled back at the third, not after all ten
    assert all(c["state"] == "fail" for c in report["checks"])
    assert marker.read_text().strip() == "rollback"


def test_a_latency_rise_under_the_threshold_rolls_back_by_mann_whitney(
    lab: Lab, tmp_path: Path
) -> None:
    pytest.importorskip("scipy", reason="scipy (the stats extra) is not installed")
    settle(lab, 0.0, 0.030)  # the baseline answers in 5 ms: the canary is 6x slower, still < 1 s
    compare = f"""\
  - name: latency_ms
    source: prom
    query: '{LATENCY_MS.format(track="canary")}'
    max: 1000
  - name: latency_vs_baseline
    source: prom
    query: '{LATENCY_MS.format(track="canary")}'
    baseline: '{LATENCY_MS.format(track="baseline")}'
    compare: {{window: 6s, max-increase: 20%, alpha: 0.05}}
"""
    result = canary(config(lab, tmp_path, compare, checks=4, consecutive=2), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "rollback"
    last = {m["name"]: m for m in report["checks"][-1]["metrics"]}
    assert last["latency_ms"]["state"] == "pass"  # the absolute threshold holds
    assert last["latency_vs_baseline"]["state"] == "fail"
    assert last["latency_vs_baseline"]["p_value"] < 0.05


def test_no_data_ends_inconclusive(lab: Lab, tmp_path: Path) -> None:
    settle(lab, 0.0, 0.005)
    missing = (
        "  - name: gone\n    source: prom\n    query: sum(rate(no_such_metric_total[3s]))\n"
        "    max: 1\n"
    )
    result = canary(config(lab, tmp_path, missing, checks=5, inconclusive=2))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "inconclusive: 2 checks in a row without data" in result.stdout


def test_sources_that_cannot_answer_are_exit_2_not_a_verdict(lab: Lab, tmp_path: Path) -> None:
    bad_query = "  - name: typo\n    source: prom\n    query: 'sum(rate(x[3s]'\n    max: 1\n"
    result = canary(config(lab, tmp_path, bad_query))
    assert result.returncode == 2
    assert (
        "Prometheus refused the query (bad_data)" in result.stderr
        and "Traceback" not in result.stderr
    )
    words = "  - name: depth\n    command: echo lots\n    max: 1\n"
    result = canary(config(lab, tmp_path, words))
    assert result.returncode == 2 and "'lots' is not a number" in result.stderr
    (tmp_path / "down.yml").write_text(
        "interval: 1s\nchecks: 2\nsources:\n  prom: {prometheus: 'http://127.0.0.1:9'}\n"
        "metrics:\n  - name: x\n    source: prom\n    query: up\n    max: 1\n"
    )
    result = canary(tmp_path / "down.yml")
    assert result.returncode == 2 and "cannot be reached" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "metrics:\n  - name: x\n    command: echo 1\n    maxx: 1\n",
            "canary.yml:4:5: unknown key 'maxx'",
        ),
        ("metrics:\n  - name: x\n    command: echo 1\n", "nothing to hold it to"),
        (
            "interval: soon\nmetrics:\n  - name: x\n    command: echo 1\n    max: 1\n",
            "canary.yml:1:11: 'soon'",
        ),
        (
            "metrics:\n  - name: x\n    source: nowhere\n    query: up\n    max: 1\n",
            "source 'nowhere'",
        ),
    ],
)
def test_a_bad_config_is_exit_2_with_its_place(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "canary.yml").write_text(text)
    result = canary(tmp_path / "canary.yml")
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
