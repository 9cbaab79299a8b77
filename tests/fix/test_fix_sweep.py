"""Every audit fixture and every run conformance workflow, fixed with every fix (``--unsafe``):
the result is still a workflow GitHub accepts, and fixing it again changes nothing. The audit
fixtures are the odd shapes the rules were written against (flow mappings, block scalars,
comments, folder repositories); the run cases are workflows as people write them (matrices,
services, reusable calls, expressions everywhere). This is where a fix meeting a shape it did
not expect shows up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from pitstop.fix import fix
from pitstop.fix.pins import Pins
from tests.fix.helpers import PinSource

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "audit" / "fixtures"
RUN_CASES = TESTS / "run" / "conformance"
CASES = sorted(
    [*FIXTURES.glob("*/*.yml"), *(p for p in FIXTURES.glob("*/*") if p.is_dir())]
) + sorted(RUN_CASES.glob("*.yml"))


def repository(case: Path, root: Path) -> Path:
    if case.is_dir():
        shutil.copytree(case, root)
        (root / "expect").unlink(missing_ok=True)
        return root
    files = case.with_suffix(".files")  # a run case's other files
    if files.is_dir():
        shutil.copytree(files, root)
    (root / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    shutil.copy(case, root / ".github" / "workflows" / "w.yml")
    return root


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixing_keeps_the_workflow_valid_and_a_second_fix_changes_nothing(
    case: Path, tmp_path: Path, pin_source: PinSource
) -> None:
    """Pins resolve against an empty local source (``pin_source``): pinning is refused, never
    sent to the network; every other fix applies."""
    root = str(repository(case, tmp_path / "repo"))
    if Repo.load(root).problems:
        pytest.skip("a fixture of a workflow GitHub rejects")
    first = fix(root, AuditConfig(), (), True, Pins(root))
    assert not first.invalid
    fixed = {**first.originals, **first.texts}
    reloaded = Repo.load(root, fixed)
    assert not reloaded.problems, f"{case}: the fixes made {reloaded.problems[0]}"
    for path, text in first.texts.items():
        Path(path).write_text(text, encoding="utf-8")
    second = fix(root, AuditConfig(), (), True, Pins(root))
    assert second.texts == {}, f"{case}: a second fix changed {sorted(second.texts)}"
