"""pitstop where CI users reach for it: the repository's ``action.yml`` (a composite action that
installs pitstop and runs a command), run by ``pitstop run`` itself in a repository that uses
it, and ``.pre-commit-hooks.yaml``, run by pre-commit in a temporary repository. pitstop is
built and installed from its own source and the wheels ``.ci/deps`` downloads, with no index
(PIP_NO_INDEX): nothing leaves the machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import commit_all

ROOT = Path(__file__).resolve().parents[1]
WHEELS = ROOT / ".ci" / "cache" / "wheels"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def offline_pip() -> dict[str, str]:
    if not (WHEELS / ".complete").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{WHEELS} is missing: .ci/deps downloads it")
        pytest.skip(f"pitstop's wheels are not downloaded here ({WHEELS}); run `bash .ci/deps`")
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELS)}


def source_copy(target: Path) -> Path:
    """What installing pitstop from its source needs, as a repository of its own."""
    target.mkdir()
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "action.yml", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, target / name)
    return target


def committed(repo: Path) -> str:
    """``repo`` committed; its commit."""
    commit_all(repo)
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


USES_THE_ACTION = """\
on: push
jobs:
  gate:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
      - run: printf 'SF:pyproject.toml\\nDA:1,1\\nDA:2,0\\nend_of_record\\n' > cov.lcov
      - uses: ./
        id: strict
        continue-on-error: true
        with:
          command: gate coverage cov.lcov --min 90
          python-version: "{python}"
      - run: test "${{{{ steps.strict.outputs.exit-code }}}}" = 1
      - uses: ./
        id: lenient
        with:
          command: gate coverage cov.lcov --min 40 --output "markdown=out/gate summary.md"
          python-version: "{python}"
      - run: |
          test "${{{{ steps.lenient.outputs.exit-code }}}}" = 0
          grep -q "coverage: ✅ pass" "out/gate summary.md"
"""


def test_the_action_installs_pitstop_and_gives_its_exit_code(
    tmp_path: Path, offline_pip: dict[str, str]
) -> None:
    repo = source_copy(tmp_path / "repo")
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "gate.yml").write_text(USES_THE_ACTION.format(python=PYTHON))
    committed(repo)
    env = {**os.environ, **offline_pip}
    result = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain", "gate.yml"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "not run locally" not in result.stdout.splitlines()[-1]
    assert "line coverage 50.00% is below the minimum 90%" in result.stdout


def test_the_pre_commit_hooks_validate_and_audit_workflows(
    tmp_path: Path, offline_pip: dict[str, str]
) -> None:
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    assert os.access(pre_commit, os.X_OK), "pre-commit is not installed (pitstop's test extra)"
    hooks = source_copy(tmp_path / "pitstop")
    rev = committed(hooks)
    project = tmp_path / "project"
    (project / ".github" / "workflows").mkdir(parents=True)
    workflow = project / ".github" / "workflows" / "ci.yml"
    workflow.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n"
    )
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n"
        "      - id: pitstop-validate\n      - id: pitstop-audit\n"
    )
    committed(project)
    env = {**os.environ, **offline_pip, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    env.pop("VIRTUAL_ENV", None)
    first = subprocess.run(
        [pre_commit, "run", "--all-files"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )
    said = first.stdout + first.stderr
    assert first.returncode == 1, said
    assert "pitstop validate" in said and "pitstop audit" in said
    assert "template-injection" in said  # the commit message expanded into a script
    # a workflow GitHub would reject fails validate, with its place
    workflow.write_text("on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    second = subprocess.run(
        [pre_commit, "run", "pitstop-validate", "--all-files"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert second.returncode == 1
    assert ".github/workflows/ci.yml:5:5" in second.stdout + second.stderr
    # a sound workflow passes both
    workflow.write_text(
        "on: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    timeout-minutes: 5\n    steps:\n      - run: echo ok\n"
    )
    third = subprocess.run(
        [pre_commit, "run", "--all-files"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert third.returncode == 0, third.stdout + third.stderr
    assert json.dumps("Passed")[1:-1] in third.stdout
