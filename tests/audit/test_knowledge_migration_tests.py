"""The migration test harnesses table (``pitstop/knowledge/migration_tests.toml``), entry by
entry: each is sourced; a repository with Django migrations whose CI runs pytest is not flagged
by untested-migrations when its tests use the harness (a dependency, or code in a tests folder),
and is flagged without it, or when its CI runs no tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from pitstop.knowledge.tables import table

ENTRIES = table("migration_tests.toml")["harness"]
CI = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n"


def findings(root: Path, harness: dict[str, Any] | None, run: str = "pytest") -> list[str]:
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(CI.format(run=run))
    (root / "shop" / "migrations").mkdir(parents=True)
    (root / "shop" / "migrations" / "0001_initial.py").write_text("# a migration\n")
    (root / "shop" / "tests").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\ndependencies = ["django"]\n')
    if harness is not None and "package" in harness:
        (root / "requirements-dev.txt").write_text(f"pytest\n{harness['package']}==1.0\n")
    if harness is not None and "code" in harness:
        (root / "shop" / "tests" / "utils.py").write_text(
            f"from django.db.migrations.executor import {harness['code']}\n\n"
            f"def back(connection, target):\n    {harness['code']}(connection).migrate(target)\n"
        )
    result = audit(Repo.load(str(root)), AuditConfig(), ["untested-migrations"])
    return [f.message for f in result.findings]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_each_harness_is_sourced_and_counts_as_running_migrations_down(
    tmp_path: Path, entry: dict[str, Any]
) -> None:
    assert entry["source"].startswith("https://")
    assert ("package" in entry) != ("code" in entry)
    assert not findings(tmp_path / "with", entry)
    assert findings(tmp_path / "without", None)
    assert findings(tmp_path / "no-tests-run", entry, run="make build")
