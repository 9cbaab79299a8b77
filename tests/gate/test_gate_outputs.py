"""Every gate's outputs: ``--format sarif`` valid against the SARIF 2.1.0 schema and read back
by the gate itself and by sarif-tools, ``--format junit`` as test reporters read it,
``--output FORMAT=PATH`` beside what is printed, and GitHub's annotations on the lines a
change left uncovered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema

from tests.audit.test_formats import sarif_schema  # noqa: F401 (a fixture)
from tests.gate.test_diff_coverage import History
from tests.gate.test_security_gate import FIXTURES, as_json, sarif_tools_levels

SCANS = [str(FIXTURES / n) for n in ("semgrep.sarif", "trivy.json", "npm-audit.json")]


def gate(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}, **(env or {})},
        check=False,
    )


def test_security_sarif_is_valid_and_reads_back_as_the_same_findings(
    sarif_schema: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    result = gate("security", *SCANS, "--format", "sarif", cwd=tmp_path)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    (tmp_path / "gate.sarif").write_text(result.stdout)
    before = as_json(*SCANS, cwd=tmp_path)["findings"]
    after = as_json("gate.sarif", cwd=tmp_path)["findings"]
    assert {(f["id"], f["severity"], f["file"], f["line"]) for f in after} == {
        (f["id"], f["severity"], f["file"], f["line"]) for f in before
    }
    # one result per finding, as sarif-tools counts them too; the broken limit is the run's
    assert sum(sarif_tools_levels(tmp_path / "gate.sarif").values()) == len(before)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["properties"] == {"gate": "security", "passed": False}
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        "2 critical findings (the gate fails on high and above)",
        "2 high findings (the gate fails on high and above)",
    ]


def test_junit_has_a_case_per_limit_and_a_failure_per_broken_one(tmp_path: Path) -> None:
    result = gate(
        "security",
        *SCANS,
        "--max",
        "critical=2",
        "--max",
        "high=0",
        "--format",
        "junit",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    suites = ET.fromstring(result.stdout)
    suite = suites.find("testsuite")
    assert suite is not None and suite.get("name") == "pitstop gate security"
    cases = {c.get("name"): c.find("failure") for c in suite.iter("testcase")}
    assert set(cases) == {"at most 2 critical findings", "at most 0 high findings"}
    assert cases["at most 2 critical findings"] is None
    failure = cases["at most 0 high findings"]
    assert failure is not None and "over the budget of 0" in str(failure.get("message"))
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    said = suite.findtext("system-out") or ""
    assert "finding(s)" in said and "app/run.py:7:" in said


def test_outputs_are_written_beside_what_is_printed(tmp_path: Path) -> None:
    result = gate(
        "security",
        *SCANS,
        "--output",
        "sarif=out/gate.sarif",
        "--output",
        "junit=gate.xml",
        "--output",
        "markdown=gate.md",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("security: FAIL")
    assert json.loads((tmp_path / "out" / "gate.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse(tmp_path / "gate.xml").getroot().tag == "testsuites"
    assert (tmp_path / "gate.md").read_text().startswith("### security: ❌ fail")
    bad = gate("security", *SCANS, "--output", "pdf=gate.pdf", cwd=tmp_path)
    assert bad.returncode == 2 and "expected FORMAT=PATH" in bad.stderr
    assert not (tmp_path / "gate.pdf").exists()


def test_uncovered_changed_lines_are_annotated_and_in_sarif(
    sarif_schema: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    history = History(repo, 7)
    history.build()
    history.measure()
    env = {"GITHUB_ACTIONS": "true"}
    failed = gate(
        "coverage",
        "coverage.xml",
        "--diff-against",
        "main",
        "--min-diff",
        "100",
        cwd=repo,
        env=env,
    )
    assert failed.returncode == 1
    notices = [line for line in failed.stdout.splitlines() if line.startswith("::notice ")]
    assert notices, failed.stdout
    assert all(",line=" in n and "never ran in the tests" in n for n in notices)
    log = json.loads(
        gate(
            "coverage",
            "coverage.xml",
            "--min-diff",
            "100",
            "--diff-against",
            "main",
            "--format",
            "sarif",
            cwd=repo,
        ).stdout
    )
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    results = log["runs"][0]["results"]
    located = [r for r in results if r["ruleId"] == "pitstop-gate/uncovered-changed-line"]
    assert len(located) == len(notices) == len(results)
    broken = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in broken] == ["pitstop-gate/coverage"]
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in located)
