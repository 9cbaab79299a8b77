"""What ``pitstop fix`` does to the user's files: line endings, byte-order marks, comments and
modes kept; a fix that would change more than it means to is refused; ``--dry-run`` writes
nothing and its diff applies with ``git apply``; an invalid workflow is left as it is while the
others are fixed."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.fix.helpers import PinSource, commit_all, fixed_text, pitstop, run_fix, write_repo

CRLF = (
    "\ufeff# deploys the app\r\n"
    "on: push   # every push\r\n"
    "jobs:\r\n"
    "  build:\r\n"
    "    runs-on: ubuntu-latest\r\n"
    "    steps:\r\n"
    "      - uses: actions/checkout@v4\r\n"
    "      # keep this comment\r\n"
    "      - run: 'echo \"hi\"'\r\n"
)


def test_crlf_bom_and_comments_stay_byte_for_byte(tmp_path: Path, pin_source: PinSource) -> None:
    sha = pin_source.add("actions/checkout", "v4", "v4.2.2")
    root = write_repo(tmp_path / "repo", {".github/workflows/w.yml": CRLF})
    result = pitstop(
        "fix", "--unsafe", "--rule", "unpinned-action", "--rule", "missing-timeout", cwd=root
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = (root / ".github/workflows/w.yml").read_bytes().decode("utf-8")
    assert written == CRLF.replace(
        "ubuntu-latest\r\n", "ubuntu-latest\r\n    timeout-minutes: 30\r\n"
    ).replace("checkout@v4\r\n", f"checkout@{sha} # v4.2.2\r\n")


def test_a_fix_that_would_change_an_alias_too_is_refused(tmp_path: Path) -> None:
    before = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with: &shared\n          fetch-depth: 0\n"
        "      - uses: actions/checkout@v4\n        with: *shared\n"
    )
    fixed, result = fixed_text(tmp_path, before, ("checkout-credentials",))
    assert fixed == before
    assert result.refused
    assert all("would also change jobs.a.steps.1.with" in o.title for o in result.refused)


def test_dry_run_writes_nothing_and_its_diff_applies(tmp_path: Path) -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    services:\n      cache:\n"
        "        image: redis:7\n    steps:\n      - uses: actions/checkout@v5\n"
    )
    root = commit_all(write_repo(tmp_path / "repo", {".github/workflows/w.yml": text}))
    dry = pitstop(
        "fix",
        "--dry-run",
        "--rule",
        "checkout-credentials",
        "--rule",
        "service-without-healthcheck",
        cwd=root,
    )
    assert dry.returncode == 1, dry.stderr
    assert dry.stdout.startswith("--- a/.github/workflows/w.yml\n+++ b/.github/workflows/w.yml\n")
    assert "would fix 2 findings in 1 file" in dry.stderr
    assert (root / ".github/workflows/w.yml").read_text() == text
    subprocess.run(["git", "apply"], input=dry.stdout, text=True, cwd=root, check=True)
    applied = (root / ".github/workflows/w.yml").read_text()
    subprocess.run(["git", "checkout", "--", "."], cwd=root, check=True)
    done = pitstop(
        "fix", "--rule", "checkout-credentials", "--rule", "service-without-healthcheck", cwd=root
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / ".github/workflows/w.yml").read_text() == applied
    again = pitstop("fix", "--dry-run", cwd=root)
    assert "would fix 0 findings" in again.stderr
    assert again.stdout == ""


def test_the_file_keeps_its_mode_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
    root = write_repo(tmp_path / "repo", {".github/workflows/w.yml": text})
    path = root / ".github/workflows/w.yml"
    os.chmod(path, 0o640)
    assert pitstop("fix", "--rule", "checkout-credentials", cwd=root).returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["w.yml"]
    assert "persist-credentials: false" in path.read_text()


def test_an_invalid_workflow_is_left_as_it_is_and_the_others_are_fixed(tmp_path: Path) -> None:
    good = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
    unparsed = "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: [unclosed\n"
    # valid YAML that GitHub refuses (needs names no job), with a fixable step of its own
    refused = good.replace("    runs-on: x\n", "    needs: nope\n    runs-on: x\n")
    root = write_repo(
        tmp_path / "repo",
        {
            ".github/workflows/good.yml": good,
            ".github/workflows/bad.yml": unparsed,
            ".github/workflows/refused.yml": refused,
        },
    )
    done = pitstop("fix", "--rule", "checkout-credentials", "--rule", "invalid-workflow", cwd=root)
    assert "Traceback" not in done.stderr
    assert (root / ".github/workflows/bad.yml").read_text() == unparsed
    assert (root / ".github/workflows/refused.yml").read_text() == refused
    assert "persist-credentials: false" in (root / ".github/workflows/good.yml").read_text()
    assert "left as they are, not valid (2):" in done.stdout
    assert ".github/workflows/bad.yml:7:1" in done.stdout
    assert ".github/workflows/refused.yml:4:12" in done.stdout
    assert "refused.yml is not a valid workflow; left as it is" in done.stdout
    assert done.returncode == 1  # invalid-workflow findings are high, the default --fail-on
    again = pitstop("fix", "--rule", "invalid-workflow", "--fail-on", "none", cwd=root)
    assert again.returncode == 0


def test_exit_codes_follow_what_remains(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
    root = write_repo(tmp_path / "repo", {".github/workflows/w.yml": text})
    # unpinned-action (high) cannot be fixed here: no pin source answers for this repository
    assert pitstop("fix", "--fail-on", "high", cwd=root).returncode == 1
    assert pitstop("fix", "--fail-on", "none", cwd=root).returncode == 0
    assert pitstop("fix", "--rule", "nope", cwd=root).returncode == 2


def test_in_memory_rounds_apply_two_fixes_to_one_step(
    tmp_path: Path, pin_source: PinSource
) -> None:
    sha = pin_source.add("actions/checkout", "v4")
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
    root = write_repo(tmp_path / "repo", {".github/workflows/w.yml": text})
    result = run_fix(root, ("unpinned-action", "checkout-credentials"))
    assert sorted(o.finding.rule for o in result.applied) == [
        "checkout-credentials",
        "unpinned-action",
    ]
    assert list(result.texts.values()) == [
        text.replace("@v4\n", f"@{sha} # v4\n        with:\n          persist-credentials: false\n")
    ]


def test_a_file_that_cannot_be_written_is_reported_not_a_traceback(tmp_path: Path) -> None:
    import pitstop.fix as fixing

    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
    root = write_repo(tmp_path / "repo", {".github/workflows/w.yml": text})
    result = run_fix(root, ("checkout-credentials",))
    (root / ".github/workflows/w.yml").rename(root / "moved.yml")  # gone before the write
    skipped = fixing.write(result)
    assert [reason for _, reason in skipped] == [
        "cannot write: No such file or directory; no file was written"
    ]
    assert (root / "moved.yml").read_text() == text
    assert not (root / ".github/workflows/w.yml").exists()


def test_files_are_written_all_or_none(tmp_path: Path) -> None:
    """deploy-without-tests edits two files that only work together (a workflow_call trigger in
    ci.yml, a job calling it in deploy.yml): when one cannot be written, neither is."""
    import pitstop.fix as fixing

    ci = "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: pytest\n"
    deploy = (
        "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: x\n"
        "    environment: production\n    steps:\n      - run: ./deploy.sh\n"
    )
    root = write_repo(
        tmp_path / "repo", {".github/workflows/ci.yml": ci, ".github/workflows/deploy.yml": deploy}
    )
    result = run_fix(root, ("deploy-without-tests",), unsafe=True)
    assert sorted(Path(p).name for p in result.changed) == ["ci.yml", "deploy.yml"]
    # a teammate saves deploy.yml while pitstop was fixing
    edited = deploy.replace("./deploy.sh", "./deploy.sh --canary")
    (root / ".github/workflows/deploy.yml").write_text(edited)
    skipped = fixing.write(result)
    assert skipped == [
        (
            str(root / ".github/workflows/deploy.yml"),
            "changed on disk while fixing; no file was written",
        )
    ]
    assert (root / ".github/workflows/ci.yml").read_text() == ci
    assert (root / ".github/workflows/deploy.yml").read_text() == edited
    assert not list(root.rglob(".pitstop-*.tmp"))
    # unchanged since the fix read them: both are written
    (root / ".github/workflows/deploy.yml").write_text(deploy)
    assert fixing.write(result) == []
    assert "workflow_call" in (root / ".github/workflows/ci.yml").read_text()
    assert "needs:" in (root / ".github/workflows/deploy.yml").read_text()


def test_a_generated_workflow_is_left_for_its_source_and_the_others_are_fixed(
    tmp_path: Path,
) -> None:
    generated = (
        "# GENERATED BY ./ci.ts -- DO NOT DIRECTLY EDIT\non: push\njobs:\n  t:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    )
    plain = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    root = write_repo(
        tmp_path / "repo",
        {".github/workflows/ci.generated.yml": generated, ".github/workflows/other.yml": plain},
    )
    result = pitstop("fix", "--unsafe", "--rule", "missing-timeout", cwd=root)
    assert (root / ".github/workflows/ci.generated.yml").read_text() == generated
    assert "timeout-minutes: 30" in (root / ".github/workflows/other.yml").read_text()
    assert "ci.generated.yml:4:3  missing-timeout  the file is generated" in result.stdout


def test_fixes_in_two_files_never_leave_a_call_the_caller_cannot_make(tmp_path: Path) -> None:
    """AppFlowy-Cloud's shape, from the unsafe sweep of corpus 4: the deploy workflow is made to
    call the test workflow (deploy-without-tests), the caller gets a `permissions:` block for
    what its own steps need, and the test workflow gets one asking `actions: read`
    (excessive-permissions). Together GitHub would refuse the caller ("is requesting 'actions:
    read', but is only allowed 'actions: none'"), so the fix that breaks the call is refused and
    every file written is valid."""
    tests = (
        "name: Integrations\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n"
        "  test:\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n    steps:\n"
        "      - run: cargo test\n"
        "      - uses: actions/download-artifact@v4\n"
        "        with:\n          run-id: ${{ github.event.workflow_run.id }}\n"
        "          github-token: ${{ github.token }}\n"
    )
    deploy = (
        "name: Images\non:\n  push:\n    branches: [main]\njobs:\n"
        "  push:\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n    steps:\n"
        "      - uses: docker/build-push-action@v6\n        with:\n          push: true\n"
    )
    root = write_repo(
        tmp_path / "repo",
        {".github/workflows/integration.yml": tests, ".github/workflows/images.yml": deploy},
    )
    fixed = pitstop(
        "fix",
        "--unsafe",
        "--rule",
        "deploy-without-tests",
        "--rule",
        "excessive-permissions",
        cwd=root,
    )
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # a finding remains
    assert "workflow_call" in (root / ".github/workflows/integration.yml").read_text()
    assert (
        "is requesting 'actions: read', but is only allowed 'actions: none'.; left as it was"
        in (fixed.stdout)
    )
    audited = pitstop("audit", "--rule", "invalid-workflow", "--format", "json", cwd=root)
    assert '"findings": []' in audited.stdout.replace("\n", "").replace(" ", "").replace(
        '"findings":[]', '"findings": []'
    ), audited.stdout
