""" "success" always means something ran: a run where no selected job ran is exit 2 with why; ``-j``
and ``--matrix`` keep the jobs a selected job needs; a ``--matrix`` value no row has is a usage
error naming the rows; the headline and ``summary.md`` say what was not run locally; ``--dry-run``
shows exactly what the same command would run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gitrepo import commit_all
from tests.run.conftest import pitstop_run

CI = """\
name: CI
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo built
  tests:
    needs: build
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.11", "3.12"]
    steps:
      - run: echo "testing on ${{ matrix.python-version }}"
  docs:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker://alpine:3.20
      - run: echo docs
"""

PUBLISH = """\
name: Publish
on:
  push:
    branches: [release]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: echo publishing
"""


def repo_with(tmp_path: Path, **workflows: str) -> Path:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    for name, text in workflows.items():
        (repo / ".github" / "workflows" / f"{name}.yml").write_text(text)
    return commit_all(repo)


def report(repo: Path) -> dict[str, str]:
    path = sorted((repo / ".pitstop" / "runs").glob("*/report.json"))[-1]
    return {j["key"]: j["result"] for j in json.loads(path.read_text())["jobs"]}


def test_job_and_matrix_selection_keep_the_jobs_it_needs(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, ci=CI)
    proc = pitstop_run(repo, "ci.yml", "-j", "tests", "--matrix", "python-version=3.11")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report(repo) == {"build": "success", "tests (3.11)": "success"}
    assert "Run 1: success in" in proc.stdout


def test_a_matrix_value_no_row_has_is_a_usage_error_naming_the_rows(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, ci=CI)
    proc = pitstop_run(repo, "-j", "tests", "--matrix", "python-version=3.9")
    assert proc.returncode == 2
    assert (
        "job 'tests': no matrix row matches --matrix python-version=3.9 "
        "(its rows: python-version=3.11; python-version=3.12)" in proc.stderr
    )
    assert not (repo / ".pitstop" / "runs").exists()

    proc = pitstop_run(repo, "--matrix", "os=linux")
    assert proc.returncode == 2
    assert "--matrix os: no selected job has that matrix key (the keys: python-version)" in (
        proc.stderr
    )


def test_a_run_that_triggers_nothing_is_exit_2_with_each_reason(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, publish=PUBLISH)
    proc = pitstop_run(repo)
    assert proc.returncode == 2
    assert "nothing to run: no workflow runs for push to refs/heads/main" in proc.stderr
    reason = "branch 'main' does not match branches: [release]"
    assert f".github/workflows/publish.yml: {reason}" in proc.stderr
    assert "success" not in proc.stdout + proc.stderr


def test_a_run_where_every_job_was_skipped_is_not_a_success(tmp_path: Path) -> None:
    workflow = CI.replace("  build:\n", "  build:\n    if: github.event_name == 'release'\n")
    repo = repo_with(tmp_path, ci=workflow)
    proc = pitstop_run(repo, "-j", "tests")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Run 1: nothing ran in" in proc.stdout
    assert "pitstop: nothing ran: no selected job ran on this machine" in proc.stderr
    summary = next((repo / ".pitstop" / "runs").glob("*/summary.md")).read_text()
    assert summary.startswith("# pitstop run 1: nothing ran")


def test_the_headline_says_what_was_not_run_locally(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, ci=CI)
    proc = pitstop_run(repo, "-j", "docs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Run 1: success, 1 step not run locally in" in proc.stdout
    assert "docs › Run docker://alpine:3.20: 'docker://alpine:3.20' is a Docker action" in (
        proc.stdout
    )
    summary = next((repo / ".pitstop" / "runs").glob("*/summary.md")).read_text()
    assert summary.startswith("# pitstop run 1: success, 1 step not run locally")

    strict = pitstop_run(repo, "-j", "docs", "--strict")
    assert strict.returncode == 1
    assert "Run 2: failure" in strict.stdout


def test_a_step_not_run_inside_a_composite_action_is_in_the_headline(tmp_path: Path) -> None:
    """The composite's inner steps are not steps of the job's report: the step that calls the
    action answers for them, so "success" never hides one that did not run."""
    repo = tmp_path / "repo"
    (repo / ".github" / "actions" / "lint").mkdir(parents=True)
    (repo / ".github" / "actions" / "lint" / "action.yml").write_text(
        "name: lint\nruns:\n  using: composite\n  steps:\n"
        "    - run: echo linted\n      shell: bash\n"
        "    - uses: docker://alpine:3.20\n"
    )
    workflow = (
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: ./.github/actions/lint\n"
    )
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text(workflow)
    commit_all(repo)
    proc = pitstop_run(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "linted" in proc.stdout
    assert "Run 1: success, 1 step not run locally in" in proc.stdout
    assert "lint › Run ./.github/actions/lint: Run docker://alpine:3.20:" in proc.stdout


def test_dry_run_shows_exactly_what_the_same_command_runs(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, ci=CI, publish=PUBLISH)

    proc = pitstop_run(repo, "--dry-run", "-j", "tests", "--matrix", "python-version=3.12")
    assert proc.returncode == 0, proc.stderr
    assert "  ✓ build\n      · Run echo built" in proc.stdout
    assert "  ✓ tests [1 row(s): python-version=3.12]" in proc.stdout
    assert "  - docs: not selected (-j tests)" in proc.stdout
    reason = "branch 'main' does not match branches: [release]"
    assert f".github/workflows/publish.yml does not run: {reason}" in proc.stdout
    assert "2 job(s), 2 with their matrix rows, in 1 workflow(s) would run" in proc.stdout
    assert not (repo / ".pitstop" / "runs").exists()

    everything = pitstop_run(repo, "--dry-run", "--all", "publish.yml")
    assert "Publish (.github/workflows/publish.yml) runs: trigger filters ignored (--all)" in (
        everything.stdout
    )
    ran = pitstop_run(repo, "--all", "publish.yml")
    assert ran.returncode == 0 and report(repo) == {"publish": "success"}

    docs = pitstop_run(repo, "--dry-run", "-j", "docs")
    assert "✗ Run docker://alpine:3.20: not run locally: 'docker://alpine:3.20' is a Docker" in (
        docs.stdout
    )
    assert "· Run actions/checkout@v4: emulated" in docs.stdout
    assert "1 step(s) or job(s) would not run locally" in docs.stdout


def test_a_named_job_that_did_not_run_is_not_made_a_success_by_its_needs(tmp_path: Path) -> None:
    """structlog's CI, tried as a user would: `tests` takes its matrix from an output of a step
    that could not run here. Its needs ran; it did not. That is "nothing ran", not success,
    and the matrix that could not be read is a consequence, not a failure of the workflow."""
    workflow = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      versions: ${{ steps.inspect.outputs.versions }}
    steps:
      - id: inspect
        uses: docker://ghcr.io/acme/inspect:1
  tests:
    needs: build
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ${{ fromJSON(needs.build.outputs.versions) }}
    steps:
      - run: echo testing
"""
    repo = repo_with(tmp_path, ci=workflow)
    proc = pitstop_run(repo, "-j", "tests")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert report(repo) == {"build": "success", "tests": "skipped"}
    assert "Run 1: nothing ran in" in proc.stdout
    assert "strategy.matrix reads the outputs of 'build', which has a step not run locally" in (
        proc.stdout
    )
    assert "-j counts the jobs it names" in proc.stderr


def test_a_named_job_in_a_workflow_the_event_does_not_start_says_so(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, publish=PUBLISH)
    proc = pitstop_run(repo, "-j", "publish")
    assert proc.returncode == 2
    assert (
        "job 'publish' is in .github/workflows/publish.yml, which does not run: branch 'main' "
        "does not match branches: [release] (--all ignores trigger filters)" in proc.stderr
    )


PARALLEL = """\
on: push
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - run: echo setup
      - id: server
        run: sleep 300
        background: true
      - run: echo tests
      - wait-all:
"""


def test_a_job_with_parallel_steps_stops_as_not_run_locally_instead_of_hanging(
    tmp_path: Path,
) -> None:
    """GitHub's parallel steps (June 2026: background, wait, wait-all, cancel, parallel; docs
    "Workflow syntax", jobs.<job_id>.steps[*].background) are valid, and pitstop does not run
    them yet: run in the foreground, the background server would block the job for its whole
    timeout, so the job stops there and says why."""
    repo = repo_with(tmp_path, ci=PARALLEL)
    done = pitstop_run(repo, "--plain")
    assert done.returncode == 2, done.stdout
    assert "one of GitHub's parallel-step keywords" in done.stdout
    assert "[e2e/Run echo tests] tests" not in done.stdout
    assert "[e2e/Run echo setup] setup" in done.stdout
