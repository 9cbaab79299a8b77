"""stale-workflow-doc in a repository that knows its own name (its ``origin`` remote): a mention
whose sentence links to another repository names that repository's file, and a changelog folder
records workflows that were, and a bare path in a document that names another repository of
the same owner may be that repository's file. A real git repository, as vlang/v's docs have all
three."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from tests.gitrepo import commit_all

WORKFLOW = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: make test}]\n"


def test_another_repositorys_file_and_old_changelogs_are_not_stale(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci_linux.yml").write_text(WORKFLOW)
    (tmp_path / "README.md").write_text(
        "The windows-amd64 branch's `.github/workflows/build-and-test.yml`\n"
        "(in [tinycc/tccbin](https://github.com/tinycc/tccbin), `thirdparty-windows-amd64`\n"
        "branch) is the reference implementation.\n\n"
        "Our own checks live in `.github/workflows/ci.yml`.\n"
    )
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "tccbin_automation.md").write_text(
        "## Issue projection\n\nBundle failures belong to `vlang/tccbin`.\n\n"
        "## Configuration\n\nThe workflow ID must resolve to\n"
        "`.github/workflows/build-and-test.yml`.\n"
    )
    (tmp_path / "doc" / "packages.md").write_text(
        "The `@vlang/tools` package is built by `.github/workflows/tools.yml`.\n"
    )
    (tmp_path / "changelogs0.x").mkdir()
    (tmp_path / "changelogs0.x" / "0.5.md").write_text(
        "- Moved the native backend to `.github/workflows/native_backend_ci.yml`.\n"
    )
    commit_all(tmp_path)
    subprocess.run(
        ["git", "remote", "add", "origin", "https://github.com/vlang/v"], cwd=tmp_path, check=True
    )
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ("stale-workflow-doc",)).findings
    assert sorted((os.path.basename(f.span.path), f.span.line, f.message) for f in found) == [
        ("README.md", 5, "README.md names the workflow ci.yml, which does not exist"),
        # an npm scope is not a sibling repository: the mention is this repository's
        ("packages.md", 1, "doc/packages.md names the workflow tools.yml, which does not exist"),
    ]
