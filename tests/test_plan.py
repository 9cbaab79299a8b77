"""``pitstop plan`` against real git repositories made in a temp dir.

Trigger rules pinned here come from docs.github.com/en/actions/reference/workflows-and-actions/
workflow-syntax (on.push.<branches|tags>, on.<push|pull_request>.paths, "if you define only
tags/tags-ignore or only branches/branches-ignore, the workflow won't run for events affecting the
undefined Git ref", path filters not evaluated for tag pushes) and events-that-trigger-workflows
(pull_request default activity types opened, synchronize, reopened).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tradedesk"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


def sh_git(cwd: Path, *args: str) -> None:
    done = run("git", *args, cwd=cwd)
    assert done.returncode == 0, done.stderr


def pitstop(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "pitstop", *args, cwd=cwd)


def plan_json(cwd: Path, *args: str) -> dict[str, Any]:
    done = pitstop(cwd, "plan", "--json", *args)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["path"].rsplit("/", 1)[-1]: w for w in data["workflows"]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "tradedesk"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    sh_git(root, "init", "-q", "-b", "main")
    sh_git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    sh_git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    return root


def commit(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)
    sh_git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    sh_git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", f"change {path}")


def test_docs_only_push_explains_that_paths_ignore_stops_ci(repo: Path) -> None:
    commit(repo, "docs/architecture.md", "# changed\n")
    done = pitstop(repo, "plan", "--changed-since", "HEAD~1")
    assert done.returncode == 0, done.stderr
    assert "CI (.github/workflows/ci.yml) does not run" in done.stdout
    assert (
        "because every one of the 1 changed file matches paths-ignore: [docs/**, **.md]"
        in done.stdout
    )
    assert "Security (.github/workflows/security.yml) runs" in done.stdout


def test_code_push_runs_ci_with_jobs_in_needs_order(repo: Path) -> None:
    commit(repo, "src/tradedesk/api.py", "# changed\n")
    ci = by_name(plan_json(repo, "--changed-since", "HEAD~1"))["ci.yml"]
    assert ci["runs"] is True
    order = [j["id"] for j in ci["jobs"]]
    assert order.index("unit") < order.index("integration")
    assert order.index("unit") < order.index("migrations")
    unit = next(j for j in ci["jobs"] if j["id"] == "unit")
    assert unit["matrix"]["rows"] == [{"python": "3.11"}]


def test_default_changes_are_the_working_tree_against_the_default_branch(repo: Path) -> None:
    sh_git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "docs/x.md", "x\n")
    (repo / "README.md").write_text("edited, not committed\n")
    (repo / "docs" / "new.md").write_text("untracked\n")
    data = plan_json(repo)
    assert data["event"]["changed_files"] == ["README.md", "docs/new.md", "docs/x.md"]
    assert by_name(data)["ci.yml"]["runs"] is False
    # a push to 'feature' does not match security.yml's branches: [main]
    assert "does not match branches: [main]" in by_name(data)["security.yml"]["reasons"][0]


def test_tag_push_skips_workflows_that_filter_only_branches(repo: Path) -> None:
    data = by_name(plan_json(repo, "--ref", "refs/tags/v1.0", "--file", "src/x.py"))
    assert data["ci.yml"]["runs"] is False
    assert data["ci.yml"]["reasons"] == [
        "push filters name only branches, and this push is of a tag"
    ]


def test_pull_request_matches_base_branch_and_default_types(repo: Path) -> None:
    sh_git(repo, "checkout", "-q", "-b", "feature")
    data = by_name(plan_json(repo, "--event", "pull_request", "--file", "src/x.py"))
    assert data["ci.yml"]["runs"] is True
    assert data["deploy.yml"]["runs"] is False
    closed = by_name(
        plan_json(repo, "--event", "pull_request", "--action", "closed", "--file", "src/x.py")
    )
    assert closed["ci.yml"]["reasons"] == [
        "activity type 'closed' is not in types: [opened, synchronize, reopened]"
    ]


def test_events_not_listed_do_not_run(repo: Path) -> None:
    data = by_name(
        plan_json(repo, "--event", "workflow_dispatch", "--input", "environment=staging")
    )
    assert data["deploy.yml"]["runs"] is True
    assert data["ci.yml"]["reasons"] == [
        "not triggered by workflow_dispatch (on: push, pull_request)"
    ]


def test_graph_prints_text_and_mermaid(repo: Path) -> None:
    done = pitstop(repo, "plan", "--graph", "--file", "src/x.py", "ci.yml")
    assert done.returncode == 0, done.stderr
    assert '  j_unit["unit"] --> j_integration["integration"]' in done.stdout
    assert "└─ integration" in done.stdout


def test_job_if_decided_at_plan_time(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(
        "on: push\njobs:\n"
        "  a:\n    if: github.ref == 'refs/heads/release'\n"
        "    runs-on: x\n    steps: [{run: 'true'}]\n"
        "  b:\n    needs: a\n    runs-on: x\n    steps: [{run: 'true'}]\n"
        "  c:\n    needs: a\n    if: always()\n    runs-on: x\n    steps: [{run: 'true'}]\n"
        "  d:\n    strategy:\n      matrix:\n        v: ${{ fromJSON(needs.a.outputs.m) }}\n"
        "    runs-on: x\n    steps: [{run: 'true'}]\n"
    )
    jobs = {j["id"]: j for j in plan_json(tmp_path, "--ref", "main")["workflows"][0]["jobs"]}
    assert jobs["a"]["verdict"] == "skipped: if: github.ref == 'refs/heads/release' is false"
    assert jobs["b"]["verdict"] == "skipped: needs 'a', which is skipped"
    assert jobs["c"]["verdict"] is None
    assert jobs["d"]["matrix"]["pending"].startswith("depends on run-time value")


def test_invalid_workflow_is_reported_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text("on: pushh\njobs: {}\n")
    done = pitstop(tmp_path, "plan")
    assert done.returncode == 1
    assert "the workflow is invalid" in done.stdout
    assert ".github/workflows/w.yml:1:5: Unexpected value 'pushh'" in done.stdout


def test_bad_input_is_exit_2(repo: Path) -> None:
    assert pitstop(repo, "plan", "--changed-since", "nope").returncode == 2
    assert pitstop(repo, "plan", "--input", "novalue").returncode == 2
    unknown = pitstop(repo, "plan", "--event", "pushh")
    assert unknown.returncode == 2
    assert "'pushh' is not an event GitHub knows" in unknown.stderr


def test_a_clean_clone_compares_the_last_commit_with_its_parent(repo: Path) -> None:
    """Issue 12: on a clean clone of the default branch nothing differs from it, which made
    every paths-ignore workflow "not run" for "every one of the 0 changed files"."""
    commit(repo, "src/tradedesk/api.py", "# changed\n")
    done = pitstop(repo, "plan")
    assert done.returncode == 0, done.stderr
    assert "Changed files (1): src/tradedesk/api.py" in done.stdout
    assert "(nothing differs from main: compared the last commit with its parent)" in done.stdout
    assert "CI (.github/workflows/ci.yml) runs" in done.stdout
    data = plan_json(repo)
    assert data["event"]["changed_files"] == ["src/tradedesk/api.py"]


def test_job_names_show_their_matrix_values(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(
        "on: push\njobs:\n"
        "  unit:\n    name: Unit (Python ${{ matrix.py }})\n"
        "    strategy: {matrix: {py: ['3.11', '3.12', '3.13']}}\n"
        "    runs-on: x\n    steps: [{run: 'true'}]\n"
    )
    done = pitstop(tmp_path, "plan", "--ref", "main")
    assert "- unit (Unit (Python 3.11), Unit (Python 3.12), … 1 more)" in done.stdout
    names = plan_json(tmp_path, "--ref", "main")["workflows"][0]["jobs"][0]["names"]
    assert names == ["Unit (Python 3.11)", "Unit (Python 3.12)", "Unit (Python 3.13)"]


def test_filter_reasons_name_the_filter_keys_right() -> None:
    from pitstop.workflow.filters import path_filter, ref_filter

    assert ref_filter("tag", ["v*"], None, "x").reason == "tag 'x' does not match tags: [v*]"
    assert (
        ref_filter("branch", None, ["x"], "x").reason == "branch 'x' matches branches-ignore: [x]"
    )
    nothing = path_filter(None, ["docs/**"], [])
    assert not nothing.runs and nothing.reason == "no file changed outside paths-ignore: [docs/**]"
