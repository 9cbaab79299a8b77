"""The benchmarks still run: tiny sizes, so a broken bench fails here rather than on the day
someone needs the figures. The figures themselves are never asserted (timing is not a test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench(script: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_run_speed_prints_per_step_and_critical_path_ratios() -> None:
    out = bench("run_speed.py", "--steps", "4", "--unit", "0.05", "--rounds", "1")
    assert "bash -e per step (baseline)" in out
    assert "sequential script (baseline)" in out
    assert "pitstop wall / critical path:" in out


def test_validate_workflows_prints_the_ratio_to_the_composer() -> None:
    out = bench("validate_workflows.py", "--files", "8", "--rounds", "1")
    assert "ratio pitstop / composer:" in out


def test_audit_vs_zizmor_prints_the_ratio_on_the_same_files() -> None:
    out = bench("audit_vs_zizmor.py", "--files", "8", "--rounds", "1")
    assert "8 workflow files" in out
    assert "zizmor --offline (baseline)" in out
    assert "ratio pitstop / zizmor:" in out
    assert "memory pitstop / zizmor:" in out


def test_gate_diff_coverage_prints_the_ratio_to_diff_cover() -> None:
    out = bench("gate_diff_coverage.py", "--files", "40", "--changed", "5", "--rounds", "1")
    assert "40 files in a" in out and "5 changed" in out
    assert "diff-cover (baseline)" in out
    assert "ratio pitstop / diff-cover:" in out and "memory pitstop / diff-cover:" in out


def test_gate_security_prints_the_time_beside_json_load() -> None:
    out = bench("gate_security.py", "--findings", "400", "--rounds", "1")
    assert "400 findings in 4 reports" in out
    assert "json.load of the reports (baseline)" in out and "pitstop gate security" in out
    assert "findings counted: 390 (10 merged)" in out
    assert "ratio gate / json.load:" in out


def test_wait_latency_prints_both_waiters_and_the_goal() -> None:
    out = bench("wait_latency.py", "--trials", "2", "--interval", "0.1")
    assert "2 trials, interval 100 ms" in out
    assert "bash until-loop (baseline)" in out and "pitstop wait" in out
    assert "ratio pitstop / bash loop (median):" in out


def test_smoke_vs_tavern_prints_the_three_times_and_ratios() -> None:
    out = bench("smoke_vs_tavern.py", "--requests", "5", "--rounds", "1")
    assert "5 requests against http://127.0.0.1:" in out and "5 of 5 requests passed" in out
    assert "tavern via pytest (baseline)" in out and "pitstop smoke --concurrency 8" in out
    assert "ratio tavern / pitstop (sequential):" in out


def test_fix_memory_prints_fix_beside_audit() -> None:
    out = bench("fix_memory.py", "--files", "8", "--rounds", "1")
    assert "8 workflow files" in out
    assert "pitstop audit (baseline)" in out and "pitstop fix --dry-run" in out
    assert "memory fix / audit:" in out


def test_workspace_speed_prints_cold_and_warm_ratios_to_cp() -> None:
    out = bench("workspace_speed.py", "--files", "40", "--megabytes", "1", "--rounds", "1")
    assert "cp -r of the working tree (baseline)" in out
    assert "ratio cold / cp -r:" in out
    assert "ratio warm / cp -r:" in out


def test_envs_speed_prints_fresh_against_reused_environments(tmp_path: Path) -> None:
    project = tmp_path / "tiny"
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/setup-python@v5\n        with: {python-version: '3.11'}\n"
        "      - run: python -c 'import pip'\n"
    )
    out = bench("envs_speed.py", "--project", str(project), "--rounds", "1")
    assert "--reuse-envs (baseline)" in out
    assert "ratio fresh / reuse:" in out
