"""The secret names table (``pitstop/knowledge/secret_names.toml``): every entry is sourced, and
a workflow that passes the secret to its action, as the action's README shows, is not flagged
by undocumented-secret, while the same secret given to a script is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from pitstop.knowledge.tables import table

ROWS = table("secret_names.toml")["secret"]


def _flagged(tmp_path: Path, step: str) -> list[str]:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "w.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" + step
    )
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["undocumented-secret"]).findings
    return [f.message.split()[1] for f in found]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['action']}:{r['name']}")
def test_each_secret_is_documented_by_its_action(row: dict[str, str], tmp_path: Path) -> None:
    assert row["source"].startswith("https://")
    assert row["action"] == row["action"].lower() and row["action"].count("/") >= 1
    name = row["name"]
    given = (
        f"      - uses: {row['action']}@v1\n        with:\n          x: ${{{{ secrets.{name} }}}}\n"
    )
    assert _flagged(tmp_path / "action", given) == []
    script = f"      - run: ./publish.sh\n        env:\n          X: ${{{{ secrets.{name} }}}}\n"
    assert _flagged(tmp_path / "script", script) == [name]
