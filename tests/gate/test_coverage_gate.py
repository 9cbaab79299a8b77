"""``pitstop gate coverage`` as a pipeline calls it: a real process in a real repository, on
reports coverage.py itself writes (Cobertura XML, JSON, LCOV) and on the documented formats of
the others (JaCoCo XML, an LCOV tracefile as geninfo(1) describes it). The figures must be
coverage.py's own; exit 0 pass, 1 the gate failed, 2 bad input, never a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CODE = """\
def grade(score):
    if score >= 90:
        return "A"
    if score >= 50:
        return "B"
    return "C"


def unused():
    return 1
"""


def pitstop(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "coverage", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose code coverage.py measured, with branches, and its three reports."""
    repo = tmp_path_factory.mktemp("repo")
    (repo / "app").mkdir()
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "grades.py").write_text(CODE)
    (repo / "check.py").write_text("from app.grades import grade\nassert grade(95) == 'A'\n")
    run = [sys.executable, "-m", "coverage"]
    subprocess.run([*run, "run", "--branch", "--source=app", "check.py"], cwd=repo, check=True)
    for kind, name in (
        ("xml", "coverage.xml"),
        ("json", "coverage.json"),
        ("lcov", "coverage.lcov"),
    ):
        subprocess.run([*run, kind, "-o", name], cwd=repo, check=True, capture_output=True)
    return repo


def totals(repo: Path) -> tuple[float, float]:
    data = json.loads((repo / "coverage.json").read_text())["totals"]
    line = 100 * data["covered_lines"] / data["num_statements"]
    branch = 100 * data["covered_branches"] / data["num_branches"]
    return line, branch


@pytest.mark.parametrize("report", ["coverage.xml", "coverage.json", "coverage.lcov"])
def test_each_format_gives_coverage_pys_own_figures(measured: Path, report: str) -> None:
    result = pitstop(report, "--format", "json", cwd=measured)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    line, branch = totals(measured)
    assert figures["line"] == pytest.approx(line, abs=0.01)
    assert figures["branch"] == pytest.approx(branch, abs=0.01)


def test_a_minimum_fails_the_gate_with_the_figure_and_the_limit(measured: Path) -> None:
    line, _ = totals(measured)
    result = pitstop("coverage.xml", "--min", "90", cwd=measured)
    assert result.returncode == 1
    assert f"line coverage {line:.2f}% is below the minimum 90%" in result.stdout
    assert "app/grades.py" in result.stdout  # the least covered files
    assert pitstop("coverage.xml", "--min", f"{line - 1:.2f}", cwd=measured).returncode == 0


def test_the_ratchet_only_rises_and_only_when_asked(measured: Path, tmp_path: Path) -> None:
    line, branch = totals(measured)
    baseline = tmp_path / "coverage-baseline.json"
    first = pitstop("coverage.json", "--ratchet", str(baseline), cwd=measured)
    assert first.returncode == 0 and "no baseline" in first.stdout and not baseline.exists()
    written = pitstop("coverage.json", "--ratchet", str(baseline), "--update", cwd=measured)
    assert written.returncode == 0
    assert json.loads(baseline.read_text()) == {"branch": round(branch, 2), "line": round(line, 2)}
    baseline.write_text(json.dumps({"line": line + 0.05, "branch": branch}))  # within the slack
    assert pitstop("coverage.json", "--ratchet", str(baseline), cwd=measured).returncode == 0
    baseline.write_text(json.dumps({"line": line + 5, "branch": branch}))
    dropped = pitstop("coverage.json", "--ratchet", str(baseline), "--update", cwd=measured)
    assert dropped.returncode == 1 and "fell from the baseline" in dropped.stdout
    assert json.loads(baseline.read_text())["line"] == line + 5  # a failing run writes nothing


def test_a_backend_and_a_frontend_report_merge(measured: Path, tmp_path: Path) -> None:
    """An LCOV tracefile as geninfo(1) documents it (SF, DA, BRDA, end_of_record), beside the
    Python report: the totals are the sum of both."""
    (measured / "web").mkdir(exist_ok=True)
    (measured / "web" / "app.js").write_text("a\nb\nc\nd\n")
    lcov = tmp_path / "web.lcov"
    lcov.write_text(
        "TN:\nSF:web/app.js\nDA:1,1\nDA:2,1\nDA:3,0\nDA:4,2\n"
        "BRDA:2,0,0,1\nBRDA:2,0,1,-\nend_of_record\n"
    )
    data = json.loads((measured / "coverage.json").read_text())["totals"]
    result = pitstop("coverage.json", str(lcov), "--format", "json", cwd=measured)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["lines"] == [data["covered_lines"] + 3, data["num_statements"] + 4]
    assert figures["branches"] == [data["covered_branches"] + 1, data["num_branches"] + 2]


def test_a_jacoco_report_in_its_documented_form(tmp_path: Path) -> None:
    """JaCoCo's XML (its report.dtd): a line covered when ci > 0, branches cb of mb + cb."""
    source = tmp_path / "src" / "main" / "java" / "com" / "example"
    source.mkdir(parents=True)
    (source / "Calc.java").write_text("class Calc {}\n")
    (tmp_path / "jacoco.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">'
        '<report name="demo"><sessioninfo id="s" start="1" dump="2"/>'
        '<package name="com/example"><sourcefile name="Calc.java">'
        '<line nr="3" mi="0" ci="4" mb="1" cb="1"/><line nr="5" mi="2" ci="0" mb="0" cb="0"/>'
        '<line nr="6" mi="0" ci="1" mb="0" cb="0"/>'
        "</sourcefile></package></report>"
    )
    result = pitstop("jacoco.xml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["lines"] == [2, 3] and figures["branches"] == [1, 2]


def test_the_job_summary_gets_the_markdown(measured: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = pitstop(
        "coverage.xml",
        "--min",
        "99",
        cwd=measured,
        env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"},
    )
    assert result.returncode == 1
    assert result.stdout.startswith("::error title=pitstop gate coverage::line coverage")
    text = summary.read_text()
    assert text.startswith("earlier step\n") and "### coverage: ❌ fail" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<?xml version="1.0"?>\n<coverage line-rate="1">\n<packages>',
            "coverage.bad:3:11: not valid XML",
        ),
        (
            b'{"auditReportVersion": 2, "vulnerabilities": {}}',
            "not a coverage report pitstop reads",
        ),
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "a binary file"),
        # a valid report of another kind: JUnit's results are not coverage
        (
            b'<?xml version="1.0"?><testsuite name="x" tests="1"/>',
            "not a coverage report pitstop reads",
        ),
    ],
)
def test_bad_input_is_exit_2_with_a_clear_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "coverage.bad").write_bytes(content)
    result = pitstop("coverage.bad", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_report_of_another_checkout_is_an_error_not_zero_percent(
    measured: Path, tmp_path: Path
) -> None:
    result = pitstop(str(measured / "coverage.xml"), cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "none of the 2 files this Cobertura XML report names is in the repository" in result.stderr
    )


def test_absolute_paths_from_a_ci_machine_are_found_here(measured: Path, tmp_path: Path) -> None:
    lcov = tmp_path / "ci.lcov"
    lcov.write_text("SF:/home/runner/work/app/app/app/grades.py\nDA:1,1\nDA:2,0\nend_of_record\n")
    result = pitstop(str(lcov), "--format", "json", cwd=measured)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["figures"]["lines"] == [1, 2]


def test_run_from_a_folder_of_the_repository_the_files_are_found(measured: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=measured, check=True)
    (measured / "docs").mkdir(exist_ok=True)
    result = pitstop(str(measured / "coverage.lcov"), "--format", "json", cwd=measured / "docs")
    assert result.returncode == 0, result.stderr
    line, _ = totals(measured)
    assert json.loads(result.stdout)["figures"]["line"] == pytest.approx(line, abs=0.01)


def test_a_cobertura_report_reads_the_same_however_its_xml_is_written(measured: Path) -> None:
    """The usual form (coverage.py's, istanbul's, gcovr's) is read by scanning its text; any
    other way of writing the same XML (attributes in another order, single quotes, a comment
    among the classes, character references) is read from the tree. Both give the same files,
    lines and branches."""
    from pitstop.gate.formats import cobertura

    usual = (measured / "coverage.xml").read_text()
    assert cobertura._scanned(usual, "usual.xml") is not None  # the fast path reads it
    reordered = re.sub(r'<line number="(\d+)" hits="(\d+)"', r"<line hits='\2' number='\1'", usual)
    commented = usual.replace("<class ", "<!-- a class --><class ", 1)
    referenced = usual.replace('filename="app/grades.py"', 'filename="app/grades&#46;py"')
    expected = cobertura.read(usual, "usual.xml")
    assert expected.files["app/grades.py"].branches  # the report has branches to compare
    for variant in (reordered, commented, referenced):
        assert variant != usual
        read = cobertura.read(variant, "variant.xml")
        assert {n: (f.lines, f.branches) for n, f in read.files.items()} == {
            n: (f.lines, f.branches) for n, f in expected.files.items()
        }
        assert read.sources == expected.sources


VITEST = Path(__file__).resolve().parents[2] / ".ci" / "cache" / "vitest" / "node_modules"

GRADE_JS = """\
export function grade(score) {
  if (score >= 90) {
    return "A";
  }
  if (score >= 50) {
    return "B";
  }
  return "C";
}

export function unused() {
  return 1;
}
"""


@pytest.fixture(scope="module")
def frontend(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JavaScript front end tested by Vitest with istanbul coverage: its LCOV, Cobertura and
    json-summary reports, as a front end's CI writes them."""
    vitest = VITEST / ".bin" / "vitest"
    if not vitest.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{vitest} is missing: .ci/deps installs it")
        pytest.skip(f"vitest is not installed here ({vitest}); run `bash .ci/deps`")
    root = tmp_path_factory.mktemp("frontend")
    (root / "src").mkdir()
    (root / "test").mkdir()
    (root / "src" / "grade.js").write_text(GRADE_JS)
    (root / "test" / "grade.test.js").write_text(
        'import { expect, test } from "vitest";\nimport { grade } from "../src/grade.js";\n\n'
        'test("an A", () => {\n  expect(grade(95)).toBe("A");\n});\n'
    )
    (root / "package.json").write_text('{"type": "module"}\n')
    (root / "node_modules").symlink_to(VITEST)  # ES modules are found beside, not by NODE_PATH
    subprocess.run(
        [
            str(vitest),
            "run",
            "--root",
            ".",
            "--coverage.enabled",
            "--coverage.provider=istanbul",
            "--coverage.reporter=lcov",
            "--coverage.reporter=cobertura",
            "--coverage.reporter=json-summary",
            "--coverage.include=src/**",
        ],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "CI": "true"},
    )
    return root


@pytest.mark.parametrize("report", ["coverage/lcov.info", "coverage/cobertura-coverage.xml"])
def test_vitests_reports_give_its_own_figures(frontend: Path, report: str) -> None:
    summary = json.loads((frontend / "coverage" / "coverage-summary.json").read_text())["total"]
    result = pitstop(report, "--format", "json", cwd=frontend)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["lines"] == [summary["lines"]["covered"], summary["lines"]["total"]]
    assert figures["branches"] == [summary["branches"]["covered"], summary["branches"]["total"]]


def test_a_python_backend_and_a_vitest_frontend_gate_together(
    measured: Path, frontend: Path, tmp_path: Path
) -> None:
    """One repository, a backend measured by coverage.py and a front end by Vitest: both
    reports merged, each file found in its part of the repository."""
    shutil.copytree(measured / "app", tmp_path / "backend" / "app")
    shutil.copytree(frontend / "src", tmp_path / "frontend" / "src")
    backend = tmp_path / "backend" / "coverage.json"
    backend.write_text((measured / "coverage.json").read_text())
    front = tmp_path / "frontend" / "lcov.info"
    front.write_text((frontend / "coverage" / "lcov.info").read_text())
    result = pitstop(str(backend), str(front), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["files"] == 3 and "outside" not in result.stdout


def test_istanbuls_cobertura_reads_the_same_scanned_or_from_the_tree(frontend: Path) -> None:
    """istanbul lists each function's declaration line under <methods>; neither way of reading
    counts it as a line (diff-cover reads ./lines/line too)."""
    from pitstop.gate.formats import cobertura

    text = (frontend / "coverage" / "cobertura-coverage.xml").read_text()
    scanned = cobertura._scanned(text, "istanbul.xml")
    assert scanned is not None
    tree = cobertura._from_tree(text, "istanbul.xml")
    assert {n: (f.lines, f.branches) for n, f in scanned.files.items()} == {
        n: (f.lines, f.branches) for n, f in tree.files.items()
    }
    assert 1 not in scanned.files["src/grade.js"].lines  # `export function grade(score) {`
