"""Every rule against its fixtures: ``fixtures/<rule>/flag_*.yml`` must be flagged exactly at the
``# expect: line:col …`` positions of its header, ``ok_*.yml`` (near misses) not at all.

A rule that reads more than one workflow (documentation, migrations, coverage settings) has
folder fixtures: ``flag_*/`` and ``ok_*/`` hold a repository, and its ``expect`` file lists the
findings as ``path:line:col``, one a line (``none`` for a near miss)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.registry import all_rules
from pitstop.audit.repo import Repo

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*") if p.suffix == ".yml" or p.is_dir())


def positions(case: Path, tmp_path: Path) -> list[str]:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copy(case, workflows / "w.yml")
    result = audit(Repo.load(str(tmp_path)), AuditConfig(), [case.parent.name])
    for finding in result.findings:
        assert finding.span.path.endswith("w.yml")
        assert finding.rule == case.parent.name
    return [f"{f.span.line}:{f.span.column}" for f in result.findings]


def repository_positions(case: Path, tmp_path: Path) -> list[str]:
    shutil.copytree(case, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expect"))
    result = audit(Repo.load(str(tmp_path)), AuditConfig(), [case.parent.name])
    assert all(f.rule == case.parent.name for f in result.findings)
    return [
        f"{Path(f.span.path).relative_to(tmp_path)}:{f.span.line}:{f.span.column}"
        for f in result.findings
    ]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_fixture(case: Path, tmp_path: Path) -> None:
    if case.is_dir():
        expected = (case / "expect").read_text().split()
        found = repository_positions(case, tmp_path)
        if case.name.startswith("ok_"):
            assert expected == ["none"]
            assert found == []
        else:
            assert expected != ["none"]
            assert found == expected
        return
    header = case.read_text().splitlines()[0]
    assert header.startswith("# expect: ")
    expected = header.removeprefix("# expect: ").split()
    if case.stem.startswith("ok_"):
        assert expected == ["none"]
        assert positions(case, tmp_path) == []
    else:
        assert expected != ["none"]
        assert positions(case, tmp_path) == expected


@pytest.mark.parametrize("rule_id", sorted(all_rules()))
def test_every_rule_has_docs_three_flagged_fixtures_and_two_near_misses(rule_id: str) -> None:
    rule = all_rules()[rule_id]
    assert rule.summary and rule.docs.what and rule.docs.why
    assert rule.docs.example and rule.docs.instead
    folder = FIXTURES / rule_id
    assert len(list(folder.glob("flag_*"))) >= 3
    assert len(list(folder.glob("ok_*"))) >= 2


def test_rule_ids_and_fixture_folders_match() -> None:
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= set(all_rules())


def test_credential_tiers(tmp_path: Path) -> None:
    """Real-looking keys are high, a service container's throwaway password low, other
    literals medium (issue 13's tiers)."""
    case = FIXTURES / "hardcoded-credential" / "flag_service_password_and_its_url.yml"
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copy(case, workflows / "w.yml")
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["hardcoded-credential"]).findings
    assert [f.severity for f in found] == ["low", "low", "low"]
    extra = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    env:\n"
        "      CODECOV_TOKEN: 4f8a2c1e-93b7-4d2a-b5e6-0c7d9e1f2a3b\n"
        "      ADMIN_PASSWORD: hunter2\n    steps: [{run: make}]\n"
    )
    (workflows / "w.yml").write_text(extra)
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["hardcoded-credential"]).findings
    assert [f.severity for f in found] == ["high", "medium"]


def test_a_localhost_password_without_a_service_says_so(tmp_path: Path) -> None:
    """hoppscotch's tests.yml sets a connection string to localhost for `pnpm install`, with no
    service container: low, and the message does not claim a service it does not have."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "w.yml").write_text(
        "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: pnpm install\n"
        "        env:\n          DATABASE_URL: postgresql://postgres:testpass@localhost:5432/app\n"
    )
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["hardcoded-credential"]).findings
    assert [(f.severity, f.message.endswith("of a database on localhost)")) for f in found] == [
        ("low", True)
    ]
    assert "service container" not in found[0].message


def test_an_app_token_kept_by_the_checkout_is_used_by_later_git_pushes(tmp_path: Path) -> None:
    """Flagsmith's api-fix-docs-artefacts.yml checks out with the app token, which the checkout
    keeps in the git configuration, and a later step pushes: the hint asks for contents write,
    not the read the checkout alone needs. With persist-credentials false it asks for read."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for kept, level in (("", "write"), ("\n          persist-credentials: false", "read")):
        (workflows / "w.yml").write_text(
            "on: pull_request\njobs:\n  fix:\n    runs-on: x\n    steps:\n"
            "      - id: app-token\n        uses: actions/create-github-app-token@v2\n"
            "        with: {app-id: '1', private-key: k}\n"
            "      - uses: actions/checkout@v5\n        with:\n"
            "          token: ${{ steps.app-token.outputs.token }}" + kept + "\n"
            "      - run: git commit -am fix && git push\n"
        )
        found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["broad-app-token"]).findings
        assert [f.message.split("need: ", 1)[-1] for f in found] == [
            f"permission-contents: {level}"
        ]


def test_a_copied_run_names_every_job_it_repeats(tmp_path: Path) -> None:
    """novu's and saleor-dashboard's copied runs joined steps copied from two jobs, and the
    finding named only the first."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    steps = lambda *names: "".join(f"      - run: {n}\n" for n in names)  # noqa: E731
    (workflows / "w.yml").write_text(
        "on: push\njobs:\n"
        f"  a:\n    runs-on: x\n    steps:\n{steps('one', 'two', 'three')}"
        f"  b:\n    runs-on: x\n    steps:\n{steps('four', 'five', 'six')}"
        f"  c:\n    runs-on: x\n    steps:\n{steps('one', 'two', 'three', 'four', 'five', 'six')}"
    )
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["duplicated-steps"]).findings
    assert [f.message.split(": move")[0] for f in found] == [
        "steps 1-6 of job 'c' repeat job 'a' (.github/workflows/w.yml) and job 'b' "
        "(.github/workflows/w.yml)"
    ]


def test_an_unused_action_in_a_test_folder_is_a_fixture_no_rule_audits_or_fixes(
    tmp_path: Path,
) -> None:
    """pitstop's own repository keeps rule fixtures that are whole repositories, action.yml
    included (tests/audit/fixtures/…/action.yml): its audit flagged their unpinned setup-python
    as its own, and `fix` would have edited them. Once a workflow uses such an action, it is
    the repository's and is audited."""
    from pitstop.fix import fix
    from pitstop.fix.pins import Pins

    action = tmp_path / "tests" / "fixtures" / "setup" / "action.yml"
    action.parent.mkdir(parents=True)
    action.write_text(
        "name: setup\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v4\n"
    )
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    workflow = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n"
    (workflows / "w.yml").write_text(workflow)
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), []).findings
    assert not [f for f in found if "tests/fixtures" in f.span.path]
    fixed = fix(str(tmp_path), AuditConfig(), (), True, Pins(str(tmp_path)))
    assert not [p for p in fixed.texts if "tests/fixtures" in p]
    used = workflow + "      - uses: ./tests/fixtures/setup\n"
    (workflows / "w.yml").write_text(used)
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["deprecated-action-version"]).findings
    assert [Path(f.span.path).name for f in found] == ["action.yml"]
