"""A job that calls a reusable workflow by this repository's own name
(``OWNER/REPO/.github/workflows/x.yml@ref``) calls this repository's file, as ``./`` does: PySyft's
nightly workflow calls its pull-request test workflows so, on the default branch every night,
which gate-only-on-pull-requests counts as testing after each merge. A real git repository,
whose ``origin`` remote names it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from tests.gitrepo import commit_all

TESTS = (
    "name: PR tests\non:\n  pull_request:\n  workflow_call:\njobs:\n  unit:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n"
    "      - run: tox -e syft.test.unit\n"
)
NIGHTLY = (
    "name: Nightlies\non:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  call-tests:\n"
    "    uses: OpenMined/PySyft/.github/workflows/pr-tests.yml@dev\n"
)


def repository(tmp_path: Path, origin: str) -> Repo:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "pr-tests.yml").write_text(TESTS)
    (folder / "nightlies.yml").write_text(NIGHTLY)
    commit_all(tmp_path)
    subprocess.run(["git", "remote", "add", "origin", origin], cwd=tmp_path, check=True)
    return Repo.load(str(tmp_path))


@pytest.mark.parametrize(
    "origin", ["https://github.com/OpenMined/PySyft", "git@github.com:openmined/pysyft.git"]
)
def test_a_call_by_this_repositorys_name_is_a_call_of_its_own_file(
    tmp_path: Path, origin: str
) -> None:
    repo = repository(tmp_path, origin)
    called = repo.called("OpenMined/PySyft/.github/workflows/pr-tests.yml@dev")
    assert called is not None and called.path.endswith("pr-tests.yml")
    found = audit(repo, AuditConfig(), ("gate-only-on-pull-requests",)).findings
    assert found == []


def test_another_repositorys_workflow_is_not_this_ones(tmp_path: Path) -> None:
    repo = repository(tmp_path, "https://github.com/someone/fork-of-something")
    assert repo.called("OpenMined/PySyft/.github/workflows/pr-tests.yml@dev") is None
    found = audit(repo, AuditConfig(), ("gate-only-on-pull-requests",)).findings
    assert [f.message for f in found] == [
        "'tox -e syft.test.unit' in .github/workflows/pr-tests.yml runs on pull_request only: "
        "pushes to main or master run other tests, not this one"
    ]  # (the nightly's call, of another repository's workflow, is a test job by its name)
