"""``pitstop validate`` run as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tradedesk"


def pitstop(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pitstop", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_example_is_valid() -> None:
    result = pitstop("-C", str(EXAMPLE), "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 files checked: 4 valid" in result.stderr


def test_invalid_file_exits_1_with_positions(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    needs: b\n    runs-on: x\n    steps:\n      - run: true\n"
    )
    result = pitstop("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ".github/workflows/ci.yml:4:12: Job 'a' depends on unknown job 'b'.\n"


def test_yaml_error_is_a_positioned_message_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs: [\n")
    result = pitstop("validate", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith(f"{bad}:3:1: ")


def test_missing_path_is_a_usage_error() -> None:
    result = pitstop("validate", "no/such/file.yml")
    assert result.returncode == 2
    assert "no/such/file.yml:1:1: no such file or folder" in result.stderr


def test_nothing_to_validate_is_a_usage_error(tmp_path: Path) -> None:
    result = pitstop("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "no workflows" in result.stderr


def test_version_and_help() -> None:
    assert pitstop("--version").stdout.startswith("pitstop, version ")
    help_text = pitstop("--help").stdout
    assert "validate" in help_text
    assert pitstop("validate", "--help").returncode == 0


def test_unknown_command_is_exit_2() -> None:
    assert pitstop("frobnicate").returncode == 2


def test_the_self_repository_syntax_is_valid_for_steps_and_reusable_workflows(
    tmp_path: Path,
) -> None:
    """``uses: $/path`` names the workflow's own repository at the running commit, for steps
    and for reusable-workflow jobs (GitHub changelog 2026-07-30, "Reference same-repository
    actions with self-repository syntax"); astral-sh/uv and vitejs/vite use it."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  call:\n    uses: $/.github/workflows/called.yml\n"
        "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: $/.github/actions/hello\n"
    )
    (workflows / "bad.yml").write_text(
        "on: push\njobs:\n  call:\n    uses: $/.github/workflows/called\n"
    )
    result = pitstop("validate", str(workflows / "ci.yml"), str(workflows / "bad.yml"))
    assert "ci.yml" not in result.stdout
    assert "bad.yml:4:11: Invalid workflow reference '$/.github/workflows/called'" in result.stdout
    assert result.returncode == 1


def test_the_copilot_requests_permission_is_valid(tmp_path: Path) -> None:
    """``permissions: copilot-requests: write`` lets the job's token make Copilot requests
    (docs.github.com, Copilot SDK, "Server-to-server tokens"); Azure/azure-dev uses it."""
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "on: push\npermissions:\n  contents: read\n  copilot-requests: write\n"
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: copilot -p hi\n"
    )
    result = pitstop("validate", str(workflow))
    assert result.returncode == 0, result.stdout


def test_parallel_steps_are_valid(tmp_path: Path) -> None:
    """background, wait, wait-all, cancel and parallel (GitHub's parallel steps, June 2026;
    docs "Workflow syntax", jobs.<job_id>.steps[*].background; electron/electron uses them);
    a group's steps are steps, checked as such."""
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - id: server\n        run: npm start\n        background: true\n"
        "      - run: npm test\n      - wait: server\n      - wait: [server]\n"
        "      - wait-all:\n      - cancel: server\n"
        "      - parallel:\n          - run: make lint\n          - uses: actions/cache@v4\n"
        "          - name: nothing\n"
    )
    result = pitstop("validate", str(workflow))
    assert result.stdout.splitlines() == [
        f"{workflow}:17:13: There's not enough info to determine what you meant. Add one of "
        "these properties: parallel, run, shell, uses, with, working-directory"
    ]
    assert result.returncode == 1


def test_keys_gitHub_does_not_read_under_an_event_are_ignored(tmp_path: Path) -> None:
    """GitHub's parser reads the filters it knows under ``on.<event>`` and ignores the rest
    (actions/languageservices reader case "on-workflow_dispatch-unknown-keys-ignored");
    helm/helm's ``create: tags:`` and opentelemetry-python's ``merge_group: paths:`` run."""
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "on:\n  push:\n    types: [created]\n  pull_request:\n    tags: [v1]\n"
        "  create:\n    tags: ['v*']\n  merge_group:\n    paths: ['docs/**']\n"
        "  workflow_dispatch:\n    unknown-key: asdf\n"
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n"
    )
    result = pitstop("validate", str(workflow))
    assert result.returncode == 0, result.stdout


def test_a_call_of_the_repositorys_own_workflow_is_checked_against_it(tmp_path: Path) -> None:
    """GitHub rejects a call that leaves out a required input or secret, or gives an input the
    called workflow does not define, before anything runs (its reader cases
    errors-reusable-workflow-job-inputs-required, -inputs-undefined, -secrets-required)."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "deploy.yml").write_text(
        "on:\n  workflow_call:\n    inputs:\n      Environment: {required: true, type: string}\n"
        "      region: {required: true, type: string, default: eu}\n"
        "    secrets:\n      token: {required: true}\n"
        "jobs:\n  go:\n    runs-on: x\n    steps:\n      - run: ./deploy.sh\n"
    )
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  ship:\n    uses: ./.github/workflows/deploy.yml\n"
        "    with:\n      environmnt: prod\n"
        "  inherits:\n    uses: ./.github/workflows/deploy.yml\n    secrets: inherit\n"
        "    with: {environment: prod}\n"
    )
    result = pitstop("validate", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        ".github/workflows/ci.yml:4:11: Input Environment is required, but not provided while "
        "calling.",
        ".github/workflows/ci.yml:4:11: Secret token is required, but not provided while calling.",
        ".github/workflows/ci.yml:6:19: Invalid input, environmnt is not defined in the "
        "referenced workflow.",
    ]


def test_a_call_asking_more_permissions_than_the_caller_has_is_an_error(tmp_path: Path) -> None:
    """A called workflow's jobs get at most the calling job's permissions; GitHub refuses the
    run otherwise (reader case errors-reusable-workflow-permissions-not-allowed-job-level-from-
    caller-workflow-level). With no permissions on the caller, the repository's default token
    setting decides: no file says it, so nothing is reported."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "release.yml").write_text(
        "on: workflow_call\njobs:\n  publish:\n    name: Publish\n    permissions:\n"
        "      contents: write\n      id-token: write\n    runs-on: x\n"
        "    steps:\n      - run: ./publish.sh\n"
    )
    (workflows / "ci.yml").write_text(
        "on: push\npermissions:\n  contents: read\njobs:\n  ship:\n"
        "    uses: ./.github/workflows/release.yml\n"
    )
    (workflows / "open.yml").write_text(
        "on: push\njobs:\n  ship:\n    uses: ./.github/workflows/release.yml\n"
    )
    result = pitstop("validate", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == (
        ".github/workflows/ci.yml:5:3: Error calling workflow './.github/workflows/release.yml'. "
        "The nested job 'Publish' is requesting 'contents: write, id-token: write', but is only "
        "allowed 'contents: read, id-token: none'.\n"
    )


def test_a_list_as_a_choice_option_is_valid_and_a_mapping_is_not(tmp_path: Path) -> None:
    """novu's rollback.yml has offered `- [EU,US]` as a choice since its PR #5460 (May 2024) and
    reads the choice back with fromJSON: GitHub runs it, though its published schema and
    actionlint say each option is a string. A mapping is still refused."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    head = "on:\n  workflow_dispatch:\n    inputs:\n      region:\n        type: choice\n"
    tail = "jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo '${{ inputs.region }}'\n"
    (workflows / "ok.yml").write_text(
        head + "        options:\n          - [EU,US]\n          - [EU]\n" + tail
    )
    assert pitstop("validate", cwd=tmp_path).returncode == 0
    (workflows / "bad.yml").write_text(head + "        options:\n          - {EU: 1}\n" + tail)
    result = pitstop("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(".github/workflows/bad.yml:7:13")
