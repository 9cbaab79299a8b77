"""``pitstop gate bench``: today's benchmarks against a baseline. Its decisions are held against
pytest-benchmark's own (``--benchmark-compare-fail=STAT:N%``, whose check is
``pytest_benchmark.utils.parse_compare_fail``) on generated pairs; real pytest-benchmark output
is read from a real run; the Mann-Whitney judge is tried on noise and on a real slowdown."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pitstop.gate.bench import compare, judge
from pitstop.gate.benchmarks import read_bench

utils = pytest.importorskip("pytest_benchmark.utils", reason="pytest-benchmark (test extra)")

STATS = ("min", "max", "mean", "median", "stddev", "iqr")


def gate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "bench", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def saved_run(benchmarks: list[dict[str, Any]]) -> dict[str, Any]:
    """A run as pytest-benchmark saves it (--benchmark-json), with the parts the gate reads."""
    return {
        "machine_info": {"node": "ci", "python_implementation": "CPython"},
        "commit_info": {"id": "0" * 40, "dirty": False},
        "benchmarks": benchmarks,
        "datetime": "2026-12-01T10:00:00",
        "version": "5.2.3",
    }


def bench(name: str, stats: dict[str, float], data: list[float] | None = None) -> dict[str, Any]:
    full = {**stats, "rounds": 10, "iterations": 1, "ops": 1 / stats["mean"]}
    if data is not None:
        full["data"] = data
    return {
        "group": None,
        "name": name,
        "fullname": f"tests/test_speed.py::{name}",
        "params": None,
        "param": None,
        "extra_info": {},
        "options": {},
        "stats": full,
    }


def random_stats(rng: random.Random) -> dict[str, float]:
    low = rng.uniform(0.001, 0.01)
    return {
        "min": low,
        "max": low * rng.uniform(1.5, 3),
        "mean": low * rng.uniform(1.1, 1.4),
        "median": low * rng.uniform(1.05, 1.3),
        "stddev": low * rng.uniform(0.01, 0.3),
        "iqr": low * rng.uniform(0.01, 0.2),
    }


def test_decisions_agree_with_pytest_benchmarks_compare_fail(tmp_path: Path) -> None:
    rng = random.Random(15)
    baseline, current = [], []
    for n in range(200):
        before = random_stats(rng)
        # each statistic moves by -30% to +40%, some exactly onto a threshold
        after = {
            k: v * rng.choice([rng.uniform(0.7, 1.4), 1.05, 1.10, 1.25]) for k, v in before.items()
        }
        baseline.append(bench(f"test_{n}", before))
        current.append(bench(f"test_{n}", after))
    (tmp_path / "base.json").write_text(json.dumps(saved_run(baseline)))
    (tmp_path / "now.json").write_text(json.dumps(saved_run(current)))
    now, base = read_bench(str(tmp_path / "now.json")), read_bench(str(tmp_path / "base.json"))
    decided = failed = 0
    for stat in STATS:
        for percent in (0, 5, 10, 25):
            ours = judge(compare(now, base, stat, percent, 0.05), 0.05)
            theirs = utils.parse_compare_fail(f"{stat}:{percent}%")
            for check, before, after in zip(ours.checks, baseline, current, strict=True):
                verdict = theirs.fails(after["stats"], before["stats"])
                assert check.passed == (not verdict), (stat, percent, check.detail, verdict)
                decided += 1
                failed += not check.passed
    assert decided == 200 * 6 * 4 and 0 < failed < decided


def test_a_real_pytest_benchmark_run_against_a_slower_one(tmp_path: Path) -> None:
    (tmp_path / "test_speed.py").write_text(
        "import os, time\n\n"
        "def work(n):\n    return sum(i * i for i in range(n))\n\n"
        "def test_fast(benchmark):\n    benchmark(work, 2000)\n\n"
        "def test_slowed(benchmark):\n"
        "    benchmark(work, int(os.environ.get('SIZE', '2000')))\n"
    )
    run = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "test_speed.py",
        "--benchmark-min-rounds=15",
        "--benchmark-save-data",
    ]
    for name, size in (("base.json", "2000"), ("now.json", "8000")):
        subprocess.run(
            [*run, f"--benchmark-json={name}"],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            # a user's own pytest run: not a worker of this suite's pytest-xdist, which would
            # switch pytest-benchmark off (PYTEST_XDIST_WORKER)
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
                "SIZE": size,
            },
        )
    result = gate("now.json", "--baseline", "base.json", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads(result.stdout)
    regressed = {b["name"].split("::")[-1]: b for b in data["figures"]["benchmarks"]}
    assert regressed["test_slowed"]["regressed"] and regressed["test_slowed"]["change"] > 100
    assert regressed["test_slowed"]["p_value"] < 0.05  # saved timings: judged by Mann-Whitney
    assert not regressed["test_fast"]["regressed"] or regressed["test_fast"]["p_value"] < 0.05


def test_noise_in_the_statistic_does_not_fail_where_timings_say_it_is_noise(
    tmp_path: Path,
) -> None:
    rng = random.Random(3)
    samples = [rng.gauss(0.010, 0.0015) for _ in range(30)]
    noisy = [rng.gauss(0.010, 0.0015) for _ in range(30)]
    slower = [t * 1.3 for t in samples]

    def stats_of(data: list[float]) -> dict[str, float]:
        ordered = sorted(data)
        return {
            "min": ordered[0],
            "max": ordered[-1],
            "mean": sum(data) / len(data),
            "median": ordered[len(data) // 2],
            "stddev": 0.001,
            "iqr": 0.002,
        }

    base = saved_run([bench("t", stats_of(samples), samples)])
    (tmp_path / "base.json").write_text(json.dumps(base))
    # the same distribution again: its max may well be 10% above, its timings are not slower
    (tmp_path / "noise.json").write_text(
        json.dumps(saved_run([bench("t", stats_of(noisy), noisy)]))
    )
    (tmp_path / "slow.json").write_text(
        json.dumps(saved_run([bench("t", stats_of(slower), slower)]))
    )
    noise = gate(
        "noise.json",
        "--baseline",
        "base.json",
        "--stat",
        "max",
        "--max-regression",
        "0",
        "--format",
        "json",
        cwd=tmp_path,
    )
    decided = json.loads(noise.stdout)["figures"]["benchmarks"][0]
    if decided["change"] > 0:  # the statistic alone would have failed it
        assert noise.returncode == 0 and decided["p_value"] >= 0.05
        assert "within noise" in json.loads(noise.stdout)["checks"][0]["detail"]
    slow = gate("slow.json", "--baseline", "base.json", "--format", "json", cwd=tmp_path)
    assert slow.returncode == 1
    assert json.loads(slow.stdout)["figures"]["benchmarks"][0]["p_value"] < 1e-6


def test_added_and_gone_benchmarks_are_listed_and_update_only_on_a_pass(tmp_path: Path) -> None:
    before = {"min": 1.0, "max": 1.2, "mean": 1.1, "median": 1.1, "stddev": 0.1, "iqr": 0.1}
    base = saved_run([bench("kept", before), bench("removed", before)])
    (tmp_path / "base.json").write_text(json.dumps(base))
    now = saved_run([bench("kept", {k: v * 1.02 for k, v in before.items()}), bench("new", before)])
    (tmp_path / "now.json").write_text(json.dumps(now))
    result = gate("now.json", "--baseline", "base.json", "--update", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "new, without a baseline: tests/test_speed.py::new" in result.stdout
    assert "in the baseline, not run now: tests/test_speed.py::removed" in result.stdout
    assert json.loads((tmp_path / "base.json").read_text()) == now
    slower = saved_run([bench("kept", {k: v * 2 for k, v in before.items()})])
    (tmp_path / "slow.json").write_text(json.dumps(slower))
    failed = gate("slow.json", "--baseline", "base.json", "--update", cwd=tmp_path)
    assert failed.returncode == 1 and "slower by more than 10%" in failed.stdout
    assert json.loads((tmp_path / "base.json").read_text()) == now  # kept as it was
    first = gate("now.json", "--baseline", "none-yet.json", "--update", cwd=tmp_path)
    assert first.returncode == 0 and "baseline none-yet.json written" in first.stdout
    assert (tmp_path / "none-yet.json").read_text() == (tmp_path / "now.json").read_text()


def test_hyperfine_results_and_their_limits(tmp_path: Path) -> None:
    def run(mean: float) -> dict[str, Any]:
        times = [mean * f for f in (0.95, 1.0, 1.05, 0.98, 1.02)]
        return {
            "results": [
                {
                    "command": "pitstop validate",
                    "mean": mean,
                    "stddev": 0.01,
                    "median": mean,
                    "user": mean,
                    "system": 0.0,
                    "min": min(times),
                    "max": max(times),
                    "times": times,
                    "exit_codes": [0] * 5,
                }
            ]
        }

    (tmp_path / "base.json").write_text(json.dumps(run(0.200)))
    (tmp_path / "now.json").write_text(json.dumps(run(0.300)))
    result = gate("now.json", "--baseline", "base.json", "--stat", "mean", cwd=tmp_path)
    assert result.returncode == 1
    assert "pitstop validate: mean 200 ms -> 300 ms (+50.0%)" in result.stdout
    no_iqr = gate("now.json", "--baseline", "base.json", "--stat", "iqr", cwd=tmp_path)
    assert no_iqr.returncode == 2 and "hyperfine JSON gives no iqr" in no_iqr.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"benchmarks": [', "now.json:1:17: not valid JSON"),
        (b'{"dependencies": [], "fixes": []}', "not a benchmark report pitstop reads"),
        (b"", "the file is empty"),
    ],
)
def test_bad_input_is_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "now.json").write_bytes(content)
    (tmp_path / "base.json").write_text(json.dumps(saved_run([])))
    result = gate("now.json", "--baseline", "base.json", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    bad = gate("base.json", "--baseline", "base.json", "--max-regression", "lots", cwd=tmp_path)
    assert bad.returncode == 2 and "not a percentage" in bad.stderr
