"""The other-CI-systems table (``pitstop/knowledge/ci_systems.toml``), entry by entry: each is
well formed and sourced, recognises its examples, and the audit follows it: a repository whose
Azure Pipelines or CircleCI configuration mentions tests is not judged by
gate-only-on-pull-requests, and the scorecard says so."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from pitstop.knowledge.ci_systems import system_of
from pitstop.knowledge.tables import table

ENTRIES = table("ci_systems.toml")["system"]
PULL_REQUESTS_ONLY = textwrap.dedent(
    """\
    on: pull_request
    jobs:
      test:
        runs-on: ubuntu-latest
        steps: [{run: pytest}]
    """
)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_entry_is_well_formed_and_sourced(entry: dict[str, object]) -> None:
    assert entry["paths"] and entry["examples"]
    assert str(entry["source"]).startswith("https://")


@pytest.mark.parametrize(
    "path,name", [(path, e["name"]) for e in ENTRIES for path in e["examples"]]
)
def test_examples_are_recognised_by_their_entry(tmp_path: Path, path: str, name: str) -> None:
    assert system_of(path) == name
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(PULL_REQUESTS_ONLY)
    config = tmp_path / path
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("script: make test\n")
    result = audit(Repo.load(str(tmp_path)), AuditConfig(), ["gate-only-on-pull-requests"])
    assert result.findings == []
    figures = [f for row in result.scorecard.rows for f in row.figures]
    assert f"gate-only-on-pull-requests not judged: pushes may be tested in {name} ({path})" in (
        figures
    )


def test_other_files_and_samples_are_not_ci_configuration(tmp_path: Path) -> None:
    assert system_of("README.md") is None
    assert system_of(".github/workflows/ci.yml") is None
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(PULL_REQUESTS_ONLY)
    sample = tmp_path / "examples" / "azure-pipelines.yml"  # cibuildwheel's, for its readers
    sample.parent.mkdir()
    sample.write_text("steps: [{script: pytest}]\n")
    result = audit(Repo.load(str(tmp_path)), AuditConfig(), ["gate-only-on-pull-requests"])
    assert [f.rule for f in result.findings] == ["gate-only-on-pull-requests"]
