"""``pitstop gate security`` as a pipeline calls it: a real process on scanners' reports.

Real tools' real output where they run offline here: Bandit (JSON and SARIF), zizmor's SARIF
and pitstop's own. The other formats are fixtures written to each tool's documented format
(``fixtures/``: pip-audit's README "JSON output", npm's audit report v2, Trivy's JSON and SARIF
reports, Gitleaks' JSON and SARIF, Safety 2's ``--output json``, osv-scanner's JSON output,
CodeQL's and Semgrep's SARIF). SARIF levels are held against sarif-tools' ``summary``."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

VULNERABLE = """\
import pickle
import subprocess


def run(cmd):
    return subprocess.call(cmd, shell=True)


def load(data):
    return pickle.loads(data)


password = "hunter2"
"""

WORKFLOW = """\
on: pull_request_target
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def gate(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "security", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}, **(env or {})},
        check=False,
    )


def as_json(*args: str, cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = gate(*args, "--format", "json", cwd=cwd, env=env)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def program(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    assert os.access(found, os.X_OK), f"{name} is not installed (pitstop's test extra has it)"
    return found


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with insecure code and an insecure workflow, and the reports Bandit, zizmor
    and pitstop itself write on it."""
    root = tmp_path_factory.mktemp("project")
    (root / "app").mkdir()
    (root / "app" / "run.py").write_text(VULNERABLE)
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    bandit = program("bandit")
    for kind, name in (("json", "bandit.json"), ("sarif", "bandit.sarif")):
        subprocess.run([bandit, "-q", "-r", "app", "-f", kind, "-o", name], cwd=root, check=False)
        assert (root / name).stat().st_size > 0, f"bandit wrote no {name}"
    zizmor = subprocess.run(
        [program("zizmor"), "--offline", "--format", "sarif", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    (root / "zizmor.sarif").write_text(zizmor.stdout)
    audit = subprocess.run(
        [sys.executable, "-m", "pitstop", "audit", "--format", "sarif"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    (root / "pitstop.sarif").write_text(audit.stdout)
    return root


def keyed(findings: list[dict[str, Any]]) -> set[tuple[str, str, int, str]]:
    return {(f["id"], f["file"], f["line"], f["severity"]) for f in findings}


def test_bandits_json_and_sarif_are_the_same_findings_and_merge_into_one(scanned: Path) -> None:
    from_json = as_json("bandit.json", cwd=scanned)
    from_sarif = as_json("bandit.sarif", cwd=scanned)
    assert keyed(from_json["findings"]) == keyed(from_sarif["findings"])
    ids = {f["id"] for f in from_json["findings"]}
    assert {"B602", "B301", "B105"} <= ids  # shell=True, pickle, a hard-coded password
    both = as_json("bandit.json", "bandit.sarif", cwd=scanned)
    assert len(both["findings"]) == len(from_json["findings"])
    assert both["figures"]["merged"] == len(from_json["findings"])
    assert all(f["tools"] == ["Bandit"] for f in both["findings"])


def test_real_sarif_of_zizmor_and_pitstop_fails_on_their_high_findings(scanned: Path) -> None:
    result = gate("zizmor.sarif", "pitstop.sarif", cwd=scanned)
    assert result.returncode == 1, result.stdout + result.stderr
    data = as_json("zizmor.sarif", "pitstop.sarif", cwd=scanned)
    ids = {(f["tools"][0], f["id"]) for f in data["findings"] if f["severity"] == "high"}
    assert ("zizmor", "zizmor/template-injection") in ids
    assert ("pitstop", "template-injection") in ids
    formats = [r["format"] for r in data["figures"]["reports"]]
    assert formats == ["SARIF 2.1.0 (zizmor)", "SARIF 2.1.0 (pitstop)"]


def sarif_tools_levels(path: Path) -> dict[str, int]:
    """``sarif summary``'s count per level (sarif-tools, PyPI)."""
    out = subprocess.run(
        [program("sarif"), "summary", str(path)], capture_output=True, text=True, check=True
    ).stdout
    found = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+): (\d+)$", out, re.M)}
    return {level: count for level, count in found.items() if count}


def pitstop_levels(path: Path, cwd: Path) -> dict[str, int]:
    levels = as_json(str(path), cwd=cwd)["figures"]["reports"][0]["levels"]
    return {level: count for level, count in levels.items() if count}


SARIF_FIXTURES = ["semgrep.sarif", "trivy.sarif", "gitleaks.sarif"]


@pytest.mark.parametrize("name", ["bandit.sarif", "zizmor.sarif", "pitstop.sarif"])
def test_sarif_levels_of_real_tools_agree_with_sarif_tools(scanned: Path, name: str) -> None:
    ours = pitstop_levels(scanned / name, scanned)
    assert ours, f"{name} has results"
    assert ours == sarif_tools_levels(scanned / name)


@pytest.mark.parametrize("name", SARIF_FIXTURES)
def test_sarif_levels_of_fixtures_agree_with_sarif_tools(tmp_path: Path, name: str) -> None:
    ours = pitstop_levels(FIXTURES / name, tmp_path)
    assert ours == sarif_tools_levels(FIXTURES / name)


def test_codeqls_rules_in_an_extension_give_its_levels_where_sarif_tools_guesses(
    tmp_path: Path,
) -> None:
    """CodeQL keeps its rules in ``tool.extensions`` and points a result at them with
    ``rule.toolComponent`` (SARIF 2.1.0 §3.52.7); a result without ``level`` takes its rule's
    ``defaultConfiguration.level`` (§3.27.10). sarif-tools looks only in ``tool.driver.rules``
    (sarif_file_utils.read_result_rule) and so falls back to ``warning`` for both."""
    assert sarif_tools_levels(FIXTURES / "codeql.sarif") == {"warning": 2}
    assert pitstop_levels(FIXTURES / "codeql.sarif", tmp_path) == {"error": 1, "note": 1}
    data = as_json(str(FIXTURES / "codeql.sarif"), cwd=tmp_path)
    severities = {f["id"]: f["severity"] for f in data["findings"]}
    # security-severity 8.8 makes the injection high; the unused import is a note: low
    assert severities == {"py/sql-injection": "high", "py/unused-import": "low"}


def test_sarif_results_suppressed_passing_or_overridden_count_as_sarif_says(
    tmp_path: Path,
) -> None:
    data = as_json(str(FIXTURES / "semgrep.sarif"), cwd=tmp_path)
    found = {(f["file"], f["line"]): f["severity"] for f in data["findings"]}
    assert found == {
        ("app/run.py", 7): "high",  # the rule's default level, error
        ("app/calc.py", 3): "low",  # the invocation overrides its rule to note
        ("app/io.py", 31): "medium",  # suppressed, but the suppression was rejected
    }
    assert any("2 SARIF result(s) suppressed" in note for note in data["notes"])


EXPECTED = {
    "pip-audit.json": {
        ("GHSA-h5c8-rqwp-cp95", "jinja2", "3.1.2", "3.1.3", "high", False),
        ("GHSA-9wx4-h78v-vm56", "requests", "2.31.0", "2.32.0", "high", False),
    },
    "pip-audit-list.json": {("GHSA-h5c8-rqwp-cp95", "jinja2", "3.1.2", "3.1.3", "high", False)},
    "osv-scanner.json": {
        ("GHSA-h5c8-rqwp-cp95", "jinja2", "3.1.2", "3.1.3", "medium", True),
        ("GHSA-9wx4-h78v-vm56", "Requests", "2.31.0", "2.32.0", "medium", True),
    },
    "safety.json": {
        ("64227", "jinja2", "3.1.2", "3.1.3", "medium", True),
        ("51457", "py", "1.11.0", "", "high", False),
    },
    "npm-audit.json": {
        ("GHSA-xvch-5gv4-984h", "minimist", "", "0.2.4", "critical", True),
        ("GHSA-c2qf-rxjj-qqgw", "semver", "", "7.5.2", "medium", True),
    },
    "trivy.json": {
        ("CVE-2024-35195", "requests", "2.31.0", "2.32.0", "medium", True),
        ("DS002", "", "", "", "high", True),
        ("aws-access-key-id", "", "", "", "critical", True),
    },
    "gitleaks.json": {("aws-access-token", "", "", "", "high", False)},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_documented_format_is_read_into_findings(tmp_path: Path, name: str) -> None:
    data = as_json(str(FIXTURES / name), cwd=tmp_path)
    got = {
        (f["id"], f["package"], f["version"], f["fixed"], f["severity"], f["severity_given"])
        for f in data["findings"]
    }
    assert got == EXPECTED[name]


def test_one_advisory_from_four_tools_is_one_finding_with_the_given_severity(
    tmp_path: Path,
) -> None:
    files = ["pip-audit.json", "osv-scanner.json", "safety.json", "trivy.json"]
    data = as_json(*(str(FIXTURES / f) for f in files), cwd=tmp_path)
    by_package = {f["package"].lower(): f for f in data["findings"] if f["package"]}
    jinja = by_package["jinja2"]
    assert jinja["tools"] == ["Safety", "osv-scanner", "pip-audit"]
    assert jinja["severity"] == "medium" and jinja["severity_given"]
    assert {"CVE-2024-22195", "GHSA-h5c8-rqwp-cp95", "64227"} <= {jinja["id"], *jinja["aliases"]}
    requests = by_package["requests"]
    assert requests["tools"] == ["Trivy", "osv-scanner", "pip-audit"]
    # py: only Safety knows it, without a severity: the default, said as such
    assert by_package["py"]["severity"] == "high" and not by_package["py"]["severity_given"]
    text = gate(*(str(FIXTURES / f) for f in files), cwd=tmp_path).stdout
    assert "high (default)" in text and "--default-severity" in text
    assert data["figures"]["merged"] == 4  # 3 + 1 reports of the two advisories


def test_fail_on_and_budgets(tmp_path: Path) -> None:
    report = str(FIXTURES / "npm-audit.json")  # one critical, one medium
    failed = gate(report, cwd=tmp_path)
    assert failed.returncode == 1
    assert "1 critical finding (the gate fails on high and above)" in failed.stdout
    assert gate(report, "--max", "critical=1", cwd=tmp_path).returncode == 0
    assert gate(report, "--max", "high+=1", cwd=tmp_path).returncode == 0
    over = gate(report, "--max", "medium+=1", cwd=tmp_path)
    assert over.returncode == 1
    assert "2 medium or above findings, over the budget of 1 (--max medium+=1)" in over.stdout
    medium = gate(report, "--fail-on", "medium", "--max", "critical=1", cwd=tmp_path)
    assert medium.returncode == 1 and "1 medium finding" in medium.stdout
    assert gate(report, "--fail-on", "none", cwd=tmp_path).returncode == 0
    bad = gate(report, "--max", "severe=2", cwd=tmp_path)
    assert bad.returncode == 2 and "expected SEVERITY=N" in bad.stderr


def test_the_allowlist_accepts_until_it_expires_and_says_what_is_stale(tmp_path: Path) -> None:
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    past = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    (tmp_path / "pyproject.toml").write_text(
        f"""[project]
name = "x"

[[tool.pitstop.gate.security.allow]]
id = "ghsa-xvch-5gv4-984h"
reason = "minimist parses only our own CLI arguments"
expires = {future}
package = "minimist"

[[tool.pitstop.gate.security.allow]]
id = "CVE-2099-0001"
reason = "a scanner false positive, since fixed"
expires = "{future}"
"""
    )
    report = str(FIXTURES / "npm-audit.json")
    passed = gate(report, cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "1 finding(s) accepted by the allowlist" in passed.stdout
    assert "stale allowlist entry: CVE-2099-0001 (pyproject.toml:10:1)" in passed.stdout
    accepted = as_json(report, cwd=tmp_path)["allowed"]
    assert [(a["id"], a["expires"]) for a in accepted] == [("GHSA-xvch-5gv4-984h", future)]
    # the same entry, expired: the gate fails and names it
    (tmp_path / "pyproject.toml").write_text(
        (tmp_path / "pyproject.toml")
        .read_text()
        .replace(f"expires = {future}", f"expires = {past}")
    )
    expired = gate(report, cwd=tmp_path)
    assert expired.returncode == 1
    assert (
        f"the allowlist entry for ghsa-xvch-5gv4-984h (pyproject.toml:4:1) expired on {past}"
        in expired.stdout
    )


def test_an_allowlist_entry_without_a_reason_is_a_settings_error_placed(tmp_path: Path) -> None:
    (tmp_path / ".pitstop").mkdir()
    (tmp_path / ".pitstop" / "allow.toml").write_text(
        '[[allow]]\nid = "B602"\nreason = "reviewed"\nexpires = 2099-01-01\n\n'
        '[[allow]]\nid = "B105"\nexpires = 2099-01-01\n'
    )
    result = gate(str(FIXTURES / "npm-audit.json"), cwd=tmp_path)
    assert result.returncode == 2
    assert "allow.toml:6:1: the allowlist entry for B105 has no reason" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / ".pitstop" / "allow.toml").write_text(
        '[[allow]]\nid = "B602"\nreason = "reviewed"\nexpires = "soon"\n'
    )
    result = gate(str(FIXTURES / "npm-audit.json"), cwd=tmp_path)
    assert result.returncode == 2
    assert "allow.toml:4:1: expires of B602 must be a date" in result.stderr


def test_a_leaked_secret_is_never_printed(tmp_path: Path) -> None:
    secret = "AKIAIOSFODNN7EXAMPLE"
    for name in ("gitleaks.json", "gitleaks.sarif"):
        for fmt in ("text", "json", "markdown"):
            result = gate(str(FIXTURES / name), "--format", fmt, cwd=tmp_path)
            assert result.returncode == 1
            assert "aws-access-token" in result.stdout and "settings/prod.py" in result.stdout
            assert secret not in result.stdout + result.stderr


def test_inside_actions_findings_become_annotations_on_their_files(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = gate(
        str(FIXTURES / "semgrep.sarif"),
        str(FIXTURES / "trivy.json"),
        cwd=tmp_path,
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert errors[0].startswith("::error title=pitstop gate security::")
    assert any(
        line.startswith("::error file=app/run.py,line=7,title=pitstop gate security::high: ")
        for line in errors
    )
    assert "### security: ❌ fail" in summary.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"runs": [', "bad.json:1:11: not valid JSON"),
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "a binary file"),
        (b"<testsuite/>", "bad.json:1:1: not valid JSON"),
    ],
)
def test_bad_input_is_exit_2_with_a_clear_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    result = gate("bad.json", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


NEAR_MISSES = {
    # coverage.py's JSON report
    "coverage.json": {"meta": {"version": "7.6.1"}, "files": {}, "totals": {"covered_lines": 1}},
    # a CycloneDX SBOM lists components, not findings
    "sbom.json": {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []},
    # npm 6's audit report: advisories by number, not npm 7's vulnerabilities
    "npm6.json": {"actions": [], "advisories": {"1": {"severity": "high"}}, "metadata": {}},
    # SARIF 2.0
    "old.sarif": {"version": "2.0.0", "runs": []},
    # ruff's JSON: lint findings, no tool pitstop reads
    "ruff.json": [{"code": "F401", "filename": "a.py", "location": {"row": 1, "column": 1}}],
    # detect-secrets' baseline: results by file
    "secrets.baseline": {"version": "1.5.0", "plugins_used": [], "results": {"a.py": []}},
    # pytest-benchmark's JSON
    "bench.json": {"machine_info": {}, "commit_info": {}, "benchmarks": [], "version": "4.0.0"},
}


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_a_valid_file_of_another_kind_is_refused_as_unknown(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(json.dumps(NEAR_MISSES[name]))
    result = gate(name, cwd=tmp_path)
    assert result.returncode == 2
    assert "not a scanner report pitstop reads" in result.stderr


def test_two_findings_of_one_report_on_one_line_stay_two(tmp_path: Path) -> None:
    """Two template injections on one line are two findings; the same one from two reports
    (the same SARIF given twice) is one."""
    result = {
        "ruleId": "template-injection",
        "level": "error",
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "ci.yml"},
                    "region": {"startLine": 9},
                }
            }
        ],
    }
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "zizmor"}},
                "results": [
                    {**result, "message": {"text": "a"}},
                    {**result, "message": {"text": "b"}},
                ],
            }
        ],
    }
    (tmp_path / "one.sarif").write_text(json.dumps(log))
    (tmp_path / "again.sarif").write_text(json.dumps(log))
    assert len(as_json("one.sarif", cwd=tmp_path)["findings"]) == 2
    both = as_json("one.sarif", "again.sarif", cwd=tmp_path)
    assert len(both["findings"]) == 2 and both["figures"]["merged"] == 2
