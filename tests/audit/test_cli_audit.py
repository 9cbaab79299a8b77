"""``pitstop audit`` as a user runs it: the bundled example's weaknesses, the scorecard, inline
ignores, settings, exit codes and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audit.cli import audit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tradedesk"


def repo(tmp_path: Path, workflow: str, **files: str) -> Path:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(workflow)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_example_shows_every_weakness_its_readme_lists() -> None:
    proc = audit(str(EXAMPLE), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    found = {(f["rule"], Path(f["path"]).name, f["line"]) for f in report["findings"]}
    ci, deploy, security = "ci.yml", "deploy.yml", "security.yml"
    readme = {
        ("unpinned-action", security, 43),  # 1. gitleaks/gitleaks-action@v2
        ("unpinned-action", ci, 28),  # 1. actions/checkout@v4
        ("hardcoded-credential", ci, 62),  # 2. POSTGRES_PASSWORD: tradedesk-test
        ("hardcoded-credential", ci, 74),  # 2. the password inside DATABASE_URL
        ("soft-fail-security-scan", security, 34),  # 3. bandit -r src -ll || true
        ("sleep-for-readiness", deploy, 35),  # 4. sleep 30
        ("unchecked-curl", deploy, 37),  # 5. curl -s without --fail
        ("missing-timeout", ci, 53),  # 6. integration
        ("missing-timeout", security, 25),  # 6. static-analysis
        ("service-without-healthcheck", ci, 58),  # 7. postgres
        ("deploy-without-tests", deploy, 21),  # 8. deploy runs without CI
        ("checkout-credentials", ci, 28),  # 9. persist-credentials
        ("missing-concurrency", security, 3),  # 10. no concurrency group
        ("deprecated-action-version", ci, 28),  # 11. actions/checkout@v4
        ("deprecated-action-version", ci, 48),  # 11. actions/upload-artifact@v4
        ("deprecated-action-version", security, 19),  # 11. actions/setup-python@v5
        ("needless-serial-jobs", ci, 55),  # 12. integration waits for unit
        ("needless-serial-jobs", ci, 84),  # 12. migrations waits for unit
    }
    assert readme <= found, readme - found
    rows = {r["category"]: r for r in report["scorecard"]["categories"]}
    assert rows["security"]["score"] is not None and rows["security"]["score"] < 9
    rules = {r["rule"]: r for r in report["scorecard"]["rules"]}
    assert rules["unpinned-action"]["checked"] == 13
    assert rules["unpinned-action"]["figure"] == "0 of 13 uses: pinned to a commit SHA"


def test_text_output_has_code_frames_and_the_seeds_table() -> None:
    proc = audit(str(EXAMPLE))
    assert proc.returncode == 1
    out = proc.stdout
    frame = "  35:14  medium sleep-for-readiness [fix --unsafe]  'sleep 30' waits a fixed time"
    assert frame in out
    assert "   35 |         run: sleep 30\n" in out
    assert "      |              ^^^^^^^^\n" in out
    assert "Category         Current  Target  Gap" in out
    assert "reliability: 0 of 1 waits poll instead of sleeping" in out


WAITS = """\
on: push
permissions:
  contents: read
jobs:
  settle:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: sleep 30  # pitstop: ignore[sleep-for-readiness] the DNS TTL, not a service
      - name: Settle  # pitstop: ignore[sleep-for-readiness, unchecked-curl]
        run: |
          sleep 20
          curl https://example.com
      - run: sleep 10
      - run: ./smoke-test.sh
"""


def test_zizmors_inline_ignores_silence_pitstops_rule_for_the_same_problem(
    tmp_path: Path,
) -> None:
    """mypy's published action marks its step `# zizmor: ignore[template-injection]` (zizmor's
    docs, "Ignoring results": a comment on the finding's line or an enclosing one); pitstop's
    template-injection reports the same problem, so it is ignored there too, and nowhere else."""
    (tmp_path / "act").mkdir()
    (tmp_path / "act" / "action.yml").write_text(
        "name: act\ninputs:\n  paths: {required: true}\nruns:\n  using: composite\n  steps:\n"
        "    - name: reviewed  # zizmor: ignore[template-injection]\n"
        "      run: mypy ${{ inputs.paths }}\n      shell: bash\n"
        "    - run: echo ${{ inputs.paths }}\n      shell: bash\n"
    )
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n"
    )  # no caller here: the action is for other repositories, with what they pass
    proc = audit(str(tmp_path), "--format", "json", "--rule", "template-injection")
    report = json.loads(proc.stdout)
    assert [f["line"] for f in report["findings"]] == [10]
    assert [f["line"] for f in report["ignored"]] == [8]


def test_zizmors_ignore_on_the_input_inside_the_step_silences_the_step(tmp_path: Path) -> None:
    """pydantic's ci.yml puts `# zizmor: ignore[cache-poisoning]` on `enable-cache: true`, the
    line zizmor reports; pitstop's cache-poisoning points at the step's `uses:`, and honours a
    comment anywhere in that step, not in the step beside it."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "release.yml").write_text(
        "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: astral-sh/setup-uv@v6\n"
        "        with:\n"
        "          enable-cache: true  # zizmor: ignore[cache-poisoning] -- reviewed\n"
        "      - uses: actions/setup-python@v5\n"
        "        with:\n"
        "          cache: pip\n"
        "      - run: uv build && uv publish\n"
    )
    proc = audit(str(tmp_path), "--format", "json", "--rule", "cache-poisoning")
    report = json.loads(proc.stdout)
    assert [f["line"] for f in report["ignored"]] == [8]
    assert [f["line"] for f in report["findings"]] == [11]


def test_inline_ignores_on_the_line_or_an_enclosing_key(tmp_path: Path) -> None:
    rules = ("--rule", "sleep-for-readiness", "--rule", "unchecked-curl")
    proc = audit(str(repo(tmp_path, WAITS)), "--format", "json", *rules)
    report = json.loads(proc.stdout)
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("sleep-for-readiness", 14)]
    assert sorted((f["rule"], f["line"]) for f in report["ignored"]) == [
        ("sleep-for-readiness", 9),
        ("sleep-for-readiness", 12),
        ("unchecked-curl", 13),
    ]
    assert proc.returncode == 0  # medium findings stay under the default --fail-on high


def test_fail_on_sets_the_exit_code(tmp_path: Path) -> None:
    root = str(repo(tmp_path, WAITS))
    assert audit(root, "--fail-on", "medium").returncode == 1
    assert audit(root, "--fail-on", "none").returncode == 0


SETTINGS = """\
[tool.pitstop.audit]
disable = ["unchecked-curl"]
severity = { sleep-for-readiness = "high" }

[tool.pitstop.audit.rules.sleep-for-readiness]
seconds = 15
"""


def test_settings_disable_rules_change_severity_and_set_options(tmp_path: Path) -> None:
    proc = audit(str(repo(tmp_path, WAITS, **{"pyproject.toml": SETTINGS})), "--format", "json")
    report = json.loads(proc.stdout)
    everything = report["findings"] + report["ignored"]
    assert "unchecked-curl" not in {f["rule"] for f in everything}
    assert [f["severity"] for f in report["ignored"]] == ["high", "high"]  # sleep 30, sleep 20
    sleeps = [f for f in report["findings"] if f["rule"] == "sleep-for-readiness"]
    assert sleeps == []  # sleep 10 is under the 15 seconds set
    assert all(f["severity"] != "high" for f in report["findings"])
    assert proc.returncode == 0


def test_bad_settings_are_reported_with_their_place(tmp_path: Path) -> None:
    bad_rule = '[tool.pitstop.audit]\ndisable = ["no-such-rule"]\n'
    proc = audit(str(repo(tmp_path / "a", WAITS, **{"pyproject.toml": bad_rule})))
    assert proc.returncode == 2
    assert "pyproject.toml:2:13: unknown rule 'no-such-rule'" in proc.stderr
    broken = "[tool.pitstop.audit]\ndisable = [\n"
    proc = audit(str(repo(tmp_path / "b", WAITS, **{".pitstop.toml": broken})))
    assert proc.returncode == 2
    assert ".pitstop.toml:3:1:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_invalid_workflow_is_a_finding_and_the_others_are_audited(tmp_path: Path) -> None:
    root = repo(tmp_path, "on: push\njobs:\n  a:\n    runs-on: [\n")
    other = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 30\n"
    (root / ".github" / "workflows" / "other.yml").write_text(other)
    proc = audit(str(root), "--format", "json")
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    found = {(f["rule"], Path(f["path"]).name, f["line"], f["column"]) for f in report["findings"]}
    assert ("invalid-workflow", "ci.yml", 5, 1) in found
    assert ("missing-timeout", "other.yml", 3, 3) in found  # the valid file is audited
    assert proc.returncode == 1  # high, at the default --fail-on
    assert audit(str(root), "--fail-on", "none").returncode == 0
    text = audit(str(root)).stdout
    assert "invalid-workflow" in text and "1 of 2 workflow and action files valid" in text
    only = audit(str(root), "--rule", "missing-timeout")
    assert "1 of 2 files are not valid workflows or actions" in only.stderr


def test_no_workflows_and_no_folder_are_input_errors(tmp_path: Path) -> None:
    assert audit(str(tmp_path)).returncode == 2
    assert audit(str(tmp_path / "missing")).returncode == 2


def test_explain_prints_the_four_parts() -> None:
    proc = audit("--explain", "unpinned-action")
    assert proc.returncode == 0
    for heading in ("What it does", "Why it matters", "Example", "Use instead"):
        assert f"\n{heading}\n" in proc.stdout
    proc = audit("--explain", "nope")
    assert proc.returncode == 2
    assert "no rule 'nope'" in proc.stderr


def test_a_baseline_hides_known_findings_and_shows_new_ones(tmp_path: Path) -> None:
    root = repo(tmp_path, WAITS)
    saved = tmp_path / "baseline.json"
    rules = ("--rule", "sleep-for-readiness", "--fail-on", "medium")
    write = audit(str(root), "--write-baseline", str(saved), *rules)
    assert write.returncode == 0, write.stderr
    assert "saved 1 findings" in write.stderr
    assert json.loads(saved.read_text())["findings"][0]["rule"] == "sleep-for-readiness"
    quiet = audit(str(root), "--baseline", str(saved), "--format", "json", *rules)
    assert json.loads(quiet.stdout)["findings"] == []
    assert quiet.returncode == 0  # the known medium finding no longer fails the build
    # Lines move: still known. A second sleep 10 in the same file: new.
    workflow = root / ".github" / "workflows" / "ci.yml"
    second = "      - run: sleep 10\n      - run: ./smoke-test.sh\n"
    workflow.write_text("# a comment that moves every line\n" + WAITS + second)
    again = audit(str(root), "--baseline", str(saved), "--format", "json", *rules)
    assert [f["line"] for f in json.loads(again.stdout)["findings"]] == [17]
    assert again.returncode == 1


def test_a_broken_baseline_is_input_error_with_its_place(tmp_path: Path) -> None:
    root = repo(tmp_path, WAITS)
    bad = tmp_path / "baseline.json"
    bad.write_text('{"findings": [\n  {"fingerprint": 1}\n]}\n')
    proc = audit(str(root), "--baseline", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:1:1: not a pitstop baseline" in proc.stderr
    bad.write_text('{"findings": [\n  oops\n]}\n')
    proc = audit(str(root), "--baseline", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:2:3: the baseline is not JSON" in proc.stderr
    missing = audit(str(root), "--baseline", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "cannot read the baseline" in missing.stderr
    assert "Traceback" not in proc.stderr + missing.stderr


def test_a_finding_in_a_document_gets_its_code_frame(tmp_path: Path) -> None:
    root = repo(tmp_path, WAITS, **{"README.md": "# x\nSee .github/workflows/gone.yml\n"})
    proc = audit(str(root), "--rule", "stale-workflow-doc")
    assert "  2:23  low    stale-workflow-doc  README.md names the workflow gone.yml" in proc.stdout
    assert "    2 | See .github/workflows/gone.yml\n" in proc.stdout
    assert "      |                       ^^^^^^^^\n" in proc.stdout


def test_a_secret_declared_with_no_settings_is_read_without_a_traceback(tmp_path: Path) -> None:
    """saleor/saleor declares ``on.workflow_call.secrets.NAME:`` with nothing under it; GitHub
    accepts it, and the audit crashed on it."""
    workflow = (
        "on:\n  workflow_call:\n    secrets:\n      DEPLOY_TOKEN:\n"
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n"
        "      - run: ./deploy.sh\n        env:\n          TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n"
    )
    proc = audit(str(repo(tmp_path, workflow)), "--format", "json")
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert any(f["rule"] == "undocumented-secret" for f in json.loads(proc.stdout)["findings"])


INHERITS = """\
on: push
jobs:
  own:
    uses: Acme/API/.github/workflows/release.yml@main
    secrets: inherit
  theirs:
    uses: acme/shared/.github/workflows/release.yml@v2
    secrets: inherit
"""


def test_secrets_inherit_to_this_repositorys_own_workflow_by_full_name(tmp_path: Path) -> None:
    """pulumi/pulumi calls pulumi/pulumi/.github/workflows/ci-info.yml@master: the same
    repository, named by its `origin` remote, so no secret leaves it."""
    root = repo(tmp_path, INHERITS)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:acme/api.git"], cwd=root, check=True
    )
    proc = audit(str(root), "--format", "json", "--rule", "secrets-inherit")
    found = [(f["rule"], f["line"]) for f in json.loads(proc.stdout)["findings"]]
    assert found == [("secrets-inherit", 8)]


def test_a_docs_link_into_another_repositorys_workflows_is_not_ours(tmp_path: Path) -> None:
    """actions-runner-controller's CONTRIBUTING links a workflow of actions-runner-controller/
    releases; a blob link names its repository, which the `origin` remote tells apart."""
    readme = (
        "Images: [release-runners.yaml](https://github.com/api/releases/blob/main/"
        ".github/workflows/release-runners.yaml).\n"
        "Ours: [gone.yml](https://github.com/acme/api/blob/main/.github/workflows/gone.yml).\n"
        "Raw: https://raw.githubusercontent.com/other/tool/main/.github/workflows/build.yml\n"
    )
    root = repo(tmp_path, "on: push\njobs: {}\n", **{"README.md": readme})
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "https://github.com/acme/api"], cwd=root, check=True
    )
    proc = audit(str(root), "--format", "json", "--rule", "stale-workflow-doc")
    found = [(f["path"], f["line"]) for f in json.loads(proc.stdout)["findings"]]
    assert [(Path(p).name, line) for p, line in found] == [("README.md", 2)]


BROKEN_RULE = """
import sys
import pitstop.audit.rules.missing_timeout as rule

def boom(repo, out):
    raise KeyError("runs-on")

object.__setattr__(rule.RULE, "check", boom)
from pitstop.cli.main import main
sys.argv = ["pitstop", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command", ["audit", "fix"])
def test_a_rule_that_fails_is_named_in_the_headline_never_a_traceback(
    tmp_path: Path, command: str
) -> None:
    """A bug in one rule (forced here: the only way to have one on purpose) must not end the
    command in a traceback, nor pass for a clean audit: the others still report, stderr names
    the rule and the error, the scorecard says the rule did not judge, and the exit is 2."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n"
        "    steps: [{uses: actions/checkout@v4}]\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_RULE, command, str(tmp_path), "--fail-on", "none"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr
    assert "rule missing-timeout failed" in done.stderr
    assert "KeyError: 'runs-on'" in done.stderr
    assert done.returncode == 2
    if command == "audit":
        assert "unpinned-action" in done.stdout  # the other rules reported
        assert "missing-timeout not judged: the rule failed" in done.stdout


def test_this_repositorys_own_workflow_needs_no_pin(tmp_path: Path) -> None:
    """pulumi calls pulumi/pulumi/.github/workflows/ci.yml@master on purpose: whoever can move
    its own master can already edit the caller. The same call from another repository is
    flagged. The repository is known by its origin remote, as pitstop reads it."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "add", "origin", "https://github.com/acme/app.git"],
        check=True,
    )
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(
        "on: push\njobs:\n"
        "  own:\n    uses: acme/app/.github/workflows/ci.yml@main\n"
        "  other:\n    uses: octo/tools/.github/workflows/ci.yml@main\n"
    )
    done = audit(str(tmp_path), "--rule", "unpinned-action", "--format", "json")
    found = [f["message"] for f in json.loads(done.stdout)["findings"]]
    assert len(found) == 1 and found[0].startswith("'octo/tools/")


@pytest.mark.parametrize("command", [["audit"], ["fix", "--dry-run"]])
def test_a_folder_without_workflows_is_named_whole(tmp_path: Path, command: list[str]) -> None:
    """`pitstop -C DIR audit` changes into DIR first: the message names DIR, not "."."""
    (tmp_path / "README.md").write_text("no CI here\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pitstop", "-C", str(tmp_path), *command],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert f"no workflows (.github/workflows/*.yml) under {tmp_path}" in proc.stderr
    assert "Traceback" not in proc.stderr
