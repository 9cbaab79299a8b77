"""``pitstop gate manifest`` (a golden manifest fresh and true to its files) and ``pitstop gate
env`` (an environment's variables held to its policy, values never printed), as the seeds'
trading teams write them in shell and jq today."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def gate(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        check=False,
    )


def days_ago(days: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    """artifacts/backtests/golden_manifest.json with the results it vouches for."""
    folder = tmp_path / "artifacts" / "backtests"
    folder.mkdir(parents=True)
    files = {}
    for name, content in (
        ("alpha.parquet", b"\x00PAR1 alpha"),
        ("beta/pnl.csv", b"day,pnl\n1,3\n"),
    ):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        files[name] = hashlib.sha256(content).hexdigest()
    manifest = {"last_updated": days_ago(30), "strategy": "alpha_baseline", "files": files}
    (folder / "golden_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder / "golden_manifest.json"


def test_a_fresh_true_manifest_passes(golden: Path) -> None:
    result = gate("manifest", str(golden), "--max-age", "90d", cwd=golden.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 of 3 checks hold" in result.stdout


def test_a_stale_manifest_fails_with_its_age_and_place(golden: Path) -> None:
    data = json.loads(golden.read_text())
    data["last_updated"] = days_ago(120)
    golden.write_text(json.dumps(data, indent=2) + "\n")
    result = gate("manifest", str(golden), "--max-age", "90d", cwd=golden.parent)
    assert result.returncode == 1
    assert f"the manifest is 120 days old (last_updated {days_ago(120)}), over 90d" in result.stdout
    assert "golden_manifest.json:2:19" in result.stdout  # where the date is written


def test_a_changed_or_missing_file_fails_naming_it(golden: Path) -> None:
    (golden.parent / "beta" / "pnl.csv").write_bytes(b"day,pnl\n1,4\n")
    (golden.parent / "alpha.parquet").unlink()
    result = gate("manifest", str(golden), "--format", "json", cwd=golden.parent)
    assert result.returncode == 1
    reasons = json.loads(result.stdout)["reasons"]
    assert any(r.startswith("alpha.parquet is missing") for r in reasons)
    assert any(r.startswith("beta/pnl.csv: sha256 ") and "the manifest says" in r for r in reasons)


def test_a_yaml_manifest_with_a_list_and_a_nested_date(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"weights")
    digest = hashlib.sha256(b"weights").hexdigest()
    (tmp_path / "manifest.yml").write_text(
        f"meta:\n  generated_at: '{days_ago(2)}T08:00:00Z'\n"
        f"artifacts:\n  - path: model.bin\n    sha256: 'sha256:{digest}'\n"
    )
    result = gate(
        "manifest",
        "manifest.yml",
        "--max-age",
        "1w",
        "--date-field",
        "meta.generated_at",
        "--files-field",
        "artifacts",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ('{"last_updated": "soon"}', ["--max-age", "90d"], "'soon' is not a date"),
        ('{"updated": "2026-01-01"}', ["--max-age", "90d"], "no last_updated in the manifest"),
        ('{"files": {"a": "abc"}}', [], "'abc' is not a sha256 hash"),
        ('{"last_updated": "2026-01-01"}', [], "nothing to check"),
        ('{"last_updated": "2026-01-01"}', ["--max-age", "ninety days"], "is not a duration"),
        ('{"last_updated": ', ["--max-age", "90d"], "manifest.json:1:"),
    ],
)
def test_bad_manifests_are_exit_2(tmp_path: Path, text: str, args: list[str], message: str) -> None:
    (tmp_path / "manifest.json").write_text(text)
    result = gate("manifest", "manifest.json", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


POLICY = """\
[project]
name = "tradedesk"

[tool.pitstop.gate.env.staging]
required = ["ALPACA_PAPER_API_KEY"]
forbidden = ["ALPACA_LIVE_*"]
values = { DRY_RUN = "true", ENVIRONMENT = "staging" }
deny = { "*" = "^sk_live_" }
"""


def staging(**variables: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ALPACA", "STRIPE"))}
    clean.pop("DRY_RUN", None)
    clean.pop("ENVIRONMENT", None)
    return {**clean, **variables}


def test_a_staging_job_with_paper_keys_passes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(POLICY)
    ok = staging(ALPACA_PAPER_API_KEY="PK123", DRY_RUN="true", ENVIRONMENT="staging")
    result = subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "env", "staging"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ok,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "staging: 5 of 5 rules hold" in result.stdout


def test_live_keys_in_staging_fail_and_no_value_is_printed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(POLICY)
    live = "sk_live_51Habcdefghijklmnop"
    bad = staging(
        ALPACA_LIVE_API_KEY="AKLIVE999", STRIPE_KEY=live, DRY_RUN="off-7f3a", ENVIRONMENT="staging"
    )
    for fmt in ("text", "json", "markdown", "sarif", "junit"):
        result = subprocess.run(
            [sys.executable, "-m", "pitstop", "gate", "env", "staging", "--format", fmt],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=bad,
            check=False,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        said = result.stdout + result.stderr
        assert live not in said and "AKLIVE999" not in said and "off-7f3a" not in said
    text = subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "env", "staging"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=bad,
        check=False,
    ).stdout
    assert "ALPACA_PAPER_API_KEY is not set (required)" in text
    assert "ALPACA_LIVE_API_KEY is set, which staging forbids (ALPACA_LIVE_*)" in text
    assert "DRY_RUN is not 'true' (its value is not shown)" in text
    assert "the value of STRIPE_KEY matches '^sk_live_' (staging denies it)" in text


def test_an_env_file_counts_where_the_process_has_no_such_variable(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(POLICY)
    (tmp_path / ".env.staging").write_text(
        "# staging\nexport ALPACA_PAPER_API_KEY='PK1'\nDRY_RUN=true  # always\nENVIRONMENT=prod\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "env", "staging", "--env-file", ".env.staging"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=staging(ENVIRONMENT="staging"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / ".env.broken").write_text("OK=1\nthis line is not a variable\n")
    broken = gate("env", "staging", "--env-file", ".env.broken", cwd=tmp_path)
    assert broken.returncode == 2 and ".env.broken:2:1: expected KEY=value" in broken.stderr


def test_an_unknown_environment_or_policy_key_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(POLICY)
    unknown = gate("env", "production", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "no policy for the environment 'production' (policies: staging)" in unknown.stderr
    (tmp_path / "pyproject.toml").write_text(POLICY + 'required_too = ["X"]\n')
    typo = gate("env", "staging", cwd=tmp_path)
    assert typo.returncode == 2 and "pyproject.toml:9:1: unknown key 'required_too'" in typo.stderr
