"""``pitstop audit --format sarif|markdown|github``: SARIF that validates against the SARIF 2.1.0
schema and carries what GitHub code scanning ranks by; Markdown under GitHub's comment limit that
says what it left out; annotations within GitHub's per-step limits that say how many were
dropped."""

from __future__ import annotations

import json
import os
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest

from pitstop.audit import audit as run_rules
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from pitstop.report.markdown import render_markdown
from tests.audit.cli import audit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tradedesk"
# What `pitstop audit` finds on the example: each format must carry every one of them.
EXAMPLE_FINDINGS = 47
# Microsoft's sarif-js-sdk ships the SARIF 2.1.0 schema (its final, rtm.5, text); .ci/deps fetches
# the package from npm.
SDK = ROOT / ".ci" / "cache" / "microsoft-jest-sarif-1.0.0-beta.0.tgz"
SCHEMA_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    if not SDK.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{SDK} is missing: .ci/deps fetches it")
        pytest.skip(f"the SARIF schema is not installed here ({SDK}); run `bash .ci/deps`")
    with tarfile.open(SDK) as archive:
        member = archive.extractfile(SCHEMA_MEMBER)
        assert member is not None
        schema: dict[str, Any] = json.load(member)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


def test_sarif_validates_against_the_sarif_2_1_0_schema(sarif_schema: dict[str, Any]) -> None:
    import jsonschema

    proc = audit(str(EXAMPLE), "--format", "sarif")
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == EXAMPLE_FINDINGS
    # GitHub ranks by security-severity, a number in a string, on the rule.
    by_id = {r["id"]: r for r in rules}
    assert by_id["unpinned-action"]["properties"]["security-severity"] == "8.0"
    assert "security" in by_id["unpinned-action"]["properties"]["tags"]
    assert all(0 < float(r["properties"]["security-severity"]) < 10 for r in rules)
    pinned = next(r for r in results if r["ruleId"] == "unpinned-action")
    location = pinned["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": ".github/actions/setup-tradedesk/action.yml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {
        "startLine": 15,
        "startColumn": 13,
        "endLine": 15,
        "endColumn": 36,
    }
    assert pinned["level"] == "error"
    assert rules[pinned["ruleIndex"]]["id"] == "unpinned-action"
    fingerprints = [r["partialFingerprints"]["pitstopFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_with_no_findings_is_valid_too(sarif_schema: dict[str, Any], tmp_path: Path) -> None:
    import jsonschema

    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps: [{run: make test}]\n"
    )
    proc = audit(str(tmp_path), "--format", "sarif", "--rule", "missing-timeout")
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["missing-timeout"]
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["missing-timeout"]


def test_markdown_has_the_scorecard_and_every_finding() -> None:
    proc = audit(str(EXAMPLE), "--format", "markdown")
    assert proc.returncode == 1
    text = proc.stdout
    assert text.startswith("## pitstop audit\n\n| Category | Current | Target | Gap | Findings |")
    assert "| **Overall** |" in text
    rows = [line for line in text.splitlines() if line.startswith("| 🔴") or "| 🟠" in line[:6]]
    rows += [line for line in text.splitlines() if line.startswith("| 🔵")]
    assert len(rows) == EXAMPLE_FINDINGS
    assert text.index("| 🔴") < text.index("| 🟠") < text.index("| 🔵")  # most severe first
    assert "left out" not in text


def test_markdown_stays_under_the_limit_and_says_what_it_left_out() -> None:
    result = run_rules(Repo.load(str(EXAMPLE)), AuditConfig())
    text = render_markdown(result, str(EXAMPLE), limit=4000)
    assert len(text.encode("utf-16-le")) // 2 <= 4000
    shown = len(re.findall(r"^\| (🔴|🟠|🔵)", text, re.MULTILINE))
    assert 0 < shown < 50
    assert f"{EXAMPLE_FINDINGS - shown} more findings left out" in text
    full = render_markdown(result, str(EXAMPLE))
    assert len(full.encode("utf-16-le")) // 2 < 65_536


def test_github_annotations_keep_to_ten_per_level_and_count_the_rest() -> None:
    proc = audit(str(EXAMPLE), "--format", "github")
    lines = proc.stdout.splitlines()
    levels = [line.split(" ", 1)[0] for line in lines]
    assert levels.count("::error") == 10
    assert levels.count("::warning") == 10
    assert levels.count("::notice") <= 10
    shown = len(lines) - 1
    assert lines[-1].startswith(
        f"::notice title=pitstop audit::{EXAMPLE_FINDINGS - shown} more findings"
    )
    first = lines[0]
    assert first.startswith(
        "::error file=.github/actions/setup-tradedesk/action.yml,line=15,col=13,"
        "endLine=15,endColumn=36,title=pitstop unpinned-action::"
    )


def test_annotation_messages_and_properties_are_escaped(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "a,b.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps: [{run: make test}]\n"
    )
    proc = audit(str(tmp_path), "--format", "github", "--rule", "missing-timeout")
    assert proc.stdout.startswith("::warning file=.github/workflows/a%2Cb.yml,line=3,col=3,")


def test_one_audit_writes_every_report(tmp_path: Path) -> None:
    """--output FORMAT=PATH writes what --format FORMAT prints; --summary appends the Markdown
    report to the job summary file, as each step of a job may."""
    sarif, markdown = tmp_path / "results.sarif", tmp_path / "audit.md"
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step output\n")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    args = (str(EXAMPLE), "--output", f"sarif={sarif}", "--output", f"markdown={markdown}")
    proc = audit(*args, "--summary", "--format", "json", env=env)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["findings"]  # stdout keeps --format's report
    assert sarif.read_text() == audit(str(EXAMPLE), "--format", "sarif").stdout
    alone = audit(str(EXAMPLE), "--format", "markdown").stdout
    assert markdown.read_text() == alone
    assert summary.read_text() == "earlier step output\n" + alone


def test_summary_outside_actions_and_bad_outputs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    proc = audit(str(EXAMPLE), "--summary", "--format", "json", env=env)
    assert proc.returncode == 1  # the findings decide, not the missing summary
    assert "GITHUB_STEP_SUMMARY is not set; no summary written" in proc.stderr
    bad = audit(str(EXAMPLE), "--output", "xml=report.xml")
    assert bad.returncode == 2 and "not FORMAT=PATH" in bad.stderr
    nowhere = audit(str(EXAMPLE), "--output", f"json={tmp_path / 'missing' / 'r.json'}")
    assert nowhere.returncode == 2
    assert "r.json: cannot write: No such file or directory" in nowhere.stderr
    assert "Traceback" not in bad.stderr + nowhere.stderr
