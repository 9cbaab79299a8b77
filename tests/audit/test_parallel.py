"""An audit spread over processes says exactly what one process says: the same findings in the
same order, the same figures and scorecard, each fix's title and safety; and a rule whose child
process dies is run again in the parent, not lost."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.parallel import MIN_FILES, run_checks, workers_for
from pitstop.audit.registry import all_rules
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check
from pitstop.report.audit import render_json

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from validate_workflows import corpus

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    root = tmp_path_factory.mktemp("many")
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    for index, text in enumerate(corpus(MIN_FILES + 20)):
        (folder / f"w{index:03d}.yml").write_text(text)
    return Repo.load(str(root))


def test_two_processes_report_what_one_does(repo: Repo) -> None:
    config = AuditConfig()
    one = audit(repo, config, workers=1)
    two = audit(repo, config, workers=2)
    assert len(one.findings) > 1000
    assert render_json(two) == render_json(one)
    assert [(c.id, c.checked, c.failed, c.figure) for c in two.checks] == [
        (c.id, c.checked, c.failed, c.figure) for c in one.checks
    ]
    fixes = [(f.fix.title, f.fix.safety) if f.fix else None for f in two.findings]
    assert fixes == [(f.fix.title, f.fix.safety) if f.fix else None for f in one.findings]


def test_a_large_repository_uses_the_cores_and_a_small_one_does_not(repo: Repo) -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert workers_for(repo) == max(1, min(cores or 1, 4))
    small = Repo(repo.root, repo.workflows[:5], paths=repo.paths[:5])
    assert workers_for(small) == 1


def test_rules_of_a_child_that_died_run_in_the_parent(repo: Repo, tmp_path: Path) -> None:
    parent = os.getpid()
    died = tmp_path / "died"
    rules = [r for r in all_rules().values() if r.id in ("missing-timeout", "unpinned-action")]

    def dies_in_a_child(checked: Repo, check: Check) -> None:
        if os.getpid() != parent:
            died.write_text("a child drew this rule and died")
            os._exit(3)
        time.sleep(0.5)  # the parent is busy: the child draws the next rules
        rules[0].check(checked, check)

    killer = replace(rules[0], check=dies_in_a_child)
    checks = [Check(r, r.severity, r.options) for r in (killer, rules[1], killer, rules[1])]
    run_checks(repo, checks, 2)
    assert died.exists()
    expected = Check(rules[0], rules[0].severity, rules[0].options)
    rules[0].check(repo, expected)
    assert [len(c.findings) for c in checks[::2]] == [len(expected.findings)] * 2
    assert all(c.checked == expected.checked for c in checks[::2])
    assert all(c.findings for c in checks[1::2])
