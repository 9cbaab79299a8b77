"""Invalid workflows, one file each under tests/fixtures/invalid/.

Each file ends with ``# expect: LINE:COL: message`` lines: exactly the problems validation must
report, in file order. Messages follow GitHub's own where GitHub has one (the runner's expression
errors, "Unexpected value", "Required property is missing", the needs-graph errors).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pitstop.workflow.repository import load_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "invalid"
EXPECT = "# expect: "


def expected(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line[len(EXPECT) :] for line in lines if line.startswith(EXPECT)]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yml")), ids=lambda p: p.stem)
def test_invalid_workflow_reports_exactly_the_expected_problems(path: Path) -> None:
    want = expected(path)
    assert want, f"{path.name} has no '# expect:' lines"
    loaded = load_file(str(path), "workflow")
    got = [str(p).split(":", 1)[1] for p in loaded.problems]
    assert got == want


def test_there_are_at_least_forty_fixtures() -> None:
    assert len(list(FIXTURES.glob("*.yml"))) >= 40
