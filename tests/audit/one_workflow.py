"""One rule run over a repository of one workflow, in process: what the knowledge-table tests
ask of each table entry."""

from __future__ import annotations

from pathlib import Path

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo


def messages(tmp_path: Path, workflow: str, rule: str) -> list[str]:
    """The messages ``rule`` reports on ``workflow``, written as .github/workflows/w.yml."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "w.yml").write_text(workflow)
    result = audit(Repo.load(str(tmp_path)), AuditConfig(), [rule])
    return [f.message for f in result.findings]
