"""Which workflows an ``on: workflow_run`` trigger's ``workflows:`` names. GitHub reads each
entry as a filter pattern: actions/runner#3763 shows a `C++` entry failing to parse ("Encountered
an issue parsing workflow trigger(s)") and naming nothing, fixed by escaping the `+`
(tenstorrent/tt-inference-server#3115); github/docs#37022 documents the entries as patterns. The
runner's error quotes that `C++` as "c++": GitHub compares names without case."""

from __future__ import annotations

from pathlib import Path

import pytest

from pitstop.audit.repo import Repo
from pitstop.workflow.filters import names_workflow


@pytest.mark.parametrize(
    ("patterns", "name", "named"),
    [
        (["CI"], "CI", True),
        (["generate-changeset"], "Generate-Changeset", True),  # without case, as GitHub does
        (["Generate changeset"], "generate-changeset", False),
        (["CI"], "CI Linux", False),
        (["CI*"], "CI Linux", True),
        (["*"], "Build and test", True),
        (["Compatibility Check"], "Compatibility Checks", False),  # katana's and httpx's
        (["C++"], "C++", False),  # unreadable: `+` repeats nothing GitHub accepts here
        ([r"C\+\+"], "C++", True),
        (["Docs", "!Docs"], "Docs", True),  # each entry names on its own: no exclusions
    ],
)
def test_entries_are_filter_patterns(patterns: list[str], name: str, named: bool) -> None:
    assert names_workflow(patterns, name) is named


def test_a_repository_knows_which_of_its_workflows_start_a_workflow_run(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    job = "jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: 'true'}]\n"
    (folder / "linux.yml").write_text(f"name: CI Linux\non: push\n{job}")
    (folder / "macos.yml").write_text(f"name: CI macOS\non: push\n{job}")
    (folder / "lint.yml").write_text(f"on: push\n{job}")
    (folder / "linux-arm.yml").write_text(f"name: CI Linux\non: push\n{job}")  # a name twice
    (folder / "report.yml").write_text(
        f"on:\n  workflow_run:\n    workflows: ['CI *', '.github/workflows/lint.yml']\n{job}"
    )
    (folder / "coverage.yml").write_text(
        f"on:\n  workflow_run:\n    workflows: ['CI Linux']\n{job}"
    )
    repo = Repo.load(str(tmp_path))
    report = next(w for w in repo.workflows if w.path.endswith("report.yml"))
    started = sorted(Path(w.path).name for w in repo.started_by(report))
    assert started == ["lint.yml", "linux-arm.yml", "linux.yml", "macos.yml"]
    exact = next(w for w in repo.workflows if w.path.endswith("coverage.yml"))
    assert sorted(Path(w.path).name for w in repo.started_by(exact)) == [
        "linux-arm.yml",
        "linux.yml",
    ]
