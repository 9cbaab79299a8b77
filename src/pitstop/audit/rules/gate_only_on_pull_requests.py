"""gate-only-on-pull-requests: tests that run on pull requests but never on pushes to the
default branch, so what is merged (the merge result, after other merges) is never tested. A
pull-request workflow is covered when a push workflow calls it, or runs each of its test
commands; tests known only by a job's name count as covered by any tests on push.

Source for the filters: GitHub's docs, "Workflow syntax: on.push.<branches|tags>": a push
trigger that names only tags (or only branches) does not run for the other kind of ref."""

from __future__ import annotations

import re

from pitstop.audit.conditions import event_github, may_be_true
from pitstop.audit.elsewhere import other_ci, where
from pitstop.audit.jobs import TESTS, commits_back, runs_test_commands, runs_tests
from pitstop.audit.repo import Repo, event_node, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import commands, runs_no_program, words
from pitstop.audit.test_selection import covers, selection
from pitstop.git import remote_default_branch
from pitstop.workflow.filters import ref_filter
from pitstop.workflow.model import Job, Workflow

PR_EVENTS = ("pull_request", "pull_request_target", "merge_group")
PR_ONLY_IF = re.compile(
    r"github\.event_name\s*==\s*'pull_request(_target)?'|github\.event\.pull_request\b(?!\s*==)"
    r"|github\.base_ref|github\.head_ref",
)


BENCHMARK = re.compile(r"bench|profil|\bperf", re.IGNORECASE)


# A configuration of another CI system that mentions tests: it may test every push (Azure
# Pipelines, CircleCI and Travis run on pushes to every branch unless told otherwise).
TESTING = re.compile(r"test", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    branches = _default_branches(repo, out.options.get("default-branch"))
    elsewhere = [c for c in other_ci(repo) if TESTING.search(c.text)]
    if elsewhere:
        # azure-dev runs the tests of its pull-request workflows on main in Azure Pipelines
        out.unjudged = f"pushes may be tested in {where(elsewhere)}"
        return
    on_push = [w for w in repo.workflows if _runs_on_push(w, branches)]
    pushed_ids = {id(w) for w in on_push}
    # a schedule runs on the default branch's latest commit (GitHub's docs, "Events that
    # trigger workflows": schedule): what it tests is tested after each merge, if not at once
    after_merge = on_push + [
        w for w in repo.workflows if "schedule" in w.triggers and id(w) not in pushed_ids
    ]
    called_on_push = {
        called.path
        for workflow in after_merge
        for job in workflow.jobs.values()
        if job.uses and (called := repo.called(job.uses)) is not None
    }  # (PySyft's nightly workflow calls its pull-request test workflows)
    pushed = [
        job
        for workflow in after_merge
        for job in workflow.jobs.values()
        if runs_tests(job, repo) and not _pull_request_only(str(job.if_ or ""), tuple(branches))
    ]
    tested_on_push = _Tested([c for job in pushed for c in _test_commands(repo, job)], repo.root)
    branch = " or ".join(branches)
    for workflow in repo.workflows:
        # a test command, not a name: "ok-to-test" approvals are not tests
        tests = [
            job
            for job in workflow.jobs.values()
            if runs_test_commands(job)
            and not job.uses
            and not commits_back(job.steps)
            and not BENCHMARK.search(f"{job.id} {job.name or ''}")
        ]  # a bot's job (autofix.ci updating snapshots) is not a gate, nor is a benchmark, which
        # measures a change against its base: a push has no base (gradio's frontend-benchmark)
        if not tests:
            continue
        out.checked += 1
        if id(workflow) in pushed_ids:
            for job in tests:
                same = _test_commands(repo, job)
                if same and all(c in tested_on_push for c in same):
                    continue  # another job runs the same commands on push (codecov-action)
                if _pull_request_only(str(job.if_ or ""), tuple(branches)):
                    out.flag(
                        span(workflow.doc, job.node.get("if") or job.key),
                        f"job '{job.id}' runs only for pull requests: pushes to {branch} skip it",
                    )
            continue
        event = next((e for e in PR_EVENTS if e in workflow.triggers), None)
        if event is None:
            continue  # neither: scheduled or manual workflows are not gates
        if "merge_group" in workflow.triggers:
            continue  # a merge queue tests each merge result before it lands on the branch
        if "closed" in (workflow.triggers[event].types or ()):
            continue  # it runs again when the pull request is merged, on the base branch's
            # merge commit (GitHub's docs, "Events that trigger workflows": pull_request closed,
            # GITHUB_SHA is the last merge commit); trivy's chart tests run so
        if "schedule" in workflow.triggers:
            continue  # a schedule runs on the default branch: it tests what was merged
        if workflow.path in called_on_push:
            continue
        if all(_checks_out_the_base(job) for job in tests):
            continue  # it tests the change against its base (saleor's migrations against the
            # base's tests): a push has no base to hold it against
        # tests chosen by what the pull request changed (the files tj-actions/changed-files
        # lists) are a subset of a suite: any tests on push stand for them, as for tests
        # known only by name
        mine = [
            c
            for job in tests
            for c in _test_commands(repo, job)
            if not _chosen_by_change(job, c[1])
        ]
        if pushed and (not mine or all(c in tested_on_push for c in mine)):
            continue  # the same test commands run on push (or, named only, some tests do)
        missing = next((text for key, text in mine if (key, text) not in tested_on_push), None)
        if pushed and missing:
            message = (
                f"'{missing}' in {repo.relative(workflow.path)} runs on {event} only: pushes "
                f"to {branch} run other tests, not this one"
            )
        else:
            message = (
                f"the tests of {repo.relative(workflow.path)} run on {event} only: nothing "
                f"tests {branch} after a merge"
            )
        out.flag(span(workflow.doc, event_node(workflow, event)), message)
    out.figure = f"{out.checked - out.failed} of {out.checked} test workflows also guard {branch}"


# The pull request's base, as a ref a checkout can take.
BASE_REF = re.compile(
    r"github\.event\.pull_request\.base\.(sha|ref)|github\.base_ref|\$\{?GITHUB_BASE_REF\b"
)
# (the base's alternatives grouped: each must follow the checkout, not stand anywhere)
CHECKOUT_BASE = re.compile(r"\bgit\s+(checkout|switch)\b[^\n]*(" + BASE_REF.pattern + ")")


def _checks_out_the_base(job: Job) -> bool:
    """A step of the job checks out the pull request's base (`actions/checkout` with `ref:` of
    the base, or `git checkout` of it): the job compares the change with what it changes."""
    for step in job.steps:
        given = step.with_ if isinstance(step.with_, dict) else {}
        if (step.uses or "").lower().startswith("actions/checkout@") and BASE_REF.search(
            str(given.get("ref", ""))
        ):
            return True
        if step.run and CHECKOUT_BASE.search(step.run):
            return True
    return False


def _test_commands(
    repo: Repo, job: Job, seen: frozenset[str] = frozenset()
) -> list[tuple[tuple[str, ...], str]]:
    """The test commands a job runs: each as its sorted words (so ``pytest -q tests`` and
    ``pytest tests -q`` are the same command) and as written, following calls of the
    repository's own workflows."""
    called = repo.called(job.uses) if job.uses else None
    if called is not None and called.path not in seen:
        inner = seen | {called.path}
        return [c for j in called.jobs.values() for c in _test_commands(repo, j, inner)]
    return [
        (_key(command.text), command.text)
        for step in job.steps
        for command in commands(step.run or "")
        if _runs_a_test(command.text)
    ]


def _runs_a_test(command: str) -> bool:
    """Whether a command runs a test tool: not one that only prints or moves files (`echo
    "Neither PHPUnit nor …"`, `mkdir -p coverage/vitest`), and not a tool's name inside an
    option's value (talawa-api's `nyc report --report-dir=./coverage/vitest`)."""
    if runs_no_program(command):
        return False
    for found in TESTS.finditer(command):
        word_start = max(
            command.rfind(" ", 0, found.start()), command.rfind("\t", 0, found.start())
        )
        if not command[word_start + 1 :].startswith("-"):
            return True
    return False


class _Tested:
    """The test commands jobs run on push: a command is among them when one is the same command
    (``_key``), or a ``go test`` or pytest run that runs every test it runs."""

    def __init__(self, tested: list[tuple[tuple[str, ...], str]], root: str) -> None:
        self.root = root
        self.keys = {key for key, _ in tested}
        self.runs = [r for _, text in tested if (r := selection(text, root)) is not None]

    def __contains__(self, command: tuple[tuple[str, ...], str]) -> bool:
        key, text = command
        if key in self.keys:
            return True
        mine = selection(text, self.root)
        return mine is not None and any(covers(push, mine) for push in self.runs)


# A step whose outputs list what a pull request changed.
CHANGE_LISTS = re.compile(
    r"tj-actions/changed-files|dorny/paths-filter|git\s+diff\s+[^\n]*--name-only", re.IGNORECASE
)
STEP_OUTPUT = re.compile(r"steps\.([\w-]+)\.outputs\.")


def _chosen_by_change(job: Job, text: str) -> bool:
    """Whether a test command runs what its job found the pull request changed: it reads a
    changed-files step's output (``pytest ${{ steps.changed.outputs.all_changed_files }}``), or
    its job works out the changed files itself (typeshed's stubtest of the changed stubs only,
    from ``git diff --name-only``)."""
    ids = set(STEP_OUTPUT.findall(text))
    return any(
        (step.id in ids or step.run) and CHANGE_LISTS.search(f"{step.uses or ''} {step.run or ''}")
        for step in job.steps
    )


# Spellings of the same option: nox's session (`-s`, `-e`, `--session`, `--sessions`), and the
# `--` that only separates a runner's arguments from those it passes on.
SAME_OPTION = {"-e": "-s", "--session": "-s", "--sessions": "-s", "--": ""}


# `npm run test --if-present` runs the same script as `npm test` (npm's docs, "npm test": an
# alias of `npm run test`); likewise for pnpm and yarn.
RUN_TEST = re.compile(r"\b(npm|pnpm|yarn)\s+run\s+test\b")


def _key(command: str) -> tuple[str, ...]:
    """A command as its sorted words, option spellings made one (``nox -v -e X args`` and
    ``nox -v -s X -- args`` are the same run), so word order and spelling do not count."""
    command = RUN_TEST.sub(r"\1 test", command)
    said = [SAME_OPTION.get(w, w) for w in words(command) if w != "--if-present"]
    return tuple(sorted(w for w in said if w))


def _runs_on_push(workflow: Workflow, branches: list[str]) -> bool:
    """The workflow runs for what lands on the default branch: pushed to it, or deployed from it
    (a `deployment_status` workflow tests each deployment, production's included: dub's
    e2e.yaml runs its API tests against every successful deployment; GitHub's docs, "Events
    that trigger workflows", deployment_status)."""
    if "deployment_status" in workflow.triggers:
        return True
    push = workflow.triggers.get("push")
    if push is None:
        return False
    if push.branches is None and push.branches_ignore is None and push.tags is not None:
        return False  # tags only
    if push.branches is None and push.branches_ignore is None and push.tags_ignore is not None:
        return False
    return any(
        ref_filter("branch", push.branches, push.branches_ignore, name).runs for name in branches
    )


def _pull_request_only(condition: str, branches: tuple[str, ...] = ("main", "master")) -> bool:
    """Whether a job's ``if:`` that reads the pull request is false on a push to the default
    branch, evaluated as the runner would: on a push ``github.event.pull_request`` is null, so
    ``!contains(github.event.pull_request.labels.*.name, 'x')`` and ``….fork != true`` are
    true (GitHub's docs, "Evaluate expressions": null compares as false and as 0)."""
    if not PR_ONLY_IF.search(condition) or "push" in condition:
        return False
    return not any(
        may_be_true(condition, event_github("push", f"refs/heads/{b}", {"ref": f"refs/heads/{b}"}))
        for b in branches
    )


def _default_branches(repo: Repo, configured: object) -> list[str]:
    """The default branch: the option, else origin's HEAD; else each branch a push trigger
    names outright beside main and master (tauri's is dev, npm/cli's latest)."""
    if configured:
        return [str(configured)]
    remote = remote_default_branch(repo.root)
    if remote:
        return [remote]
    named = ["main", "master"]
    for workflow in repo.workflows:
        push = workflow.triggers.get("push")
        for branch in (push.branches or []) if push is not None else []:
            plain = isinstance(branch, str) and branch and not any(c in branch for c in "*?[!")
            if plain and branch not in named:
                named.append(branch)
    return named


RULE = Rule(
    id="gate-only-on-pull-requests",
    category="testing",
    severity="medium",
    summary="Tests run on pull requests but never on pushes to the default branch.",
    docs=Docs(
        what="Flags workflows whose jobs run tests (or measure coverage, or run E2E) on "
        "`pull_request` or `pull_request_target` only (a workflow that also runs on "
        "`merge_group` tests each merge result before it lands), when no workflow that "
        "runs on pushes to the default branch (or on `deployment_status`, which tests each "
        "deployment, production's included) calls that workflow or runs the same test "
        "commands (the same words in any order; `npm run test --if-present` is `npm test`; a "
        "`go test`, pytest or Maven run on push covers one that picks fewer of its tests: "
        "`./store/...` holds `./store/test/...`, `-k 'not Onnx'` holds `-k 'not Onnx and x'`, "
        "`mvn verify` holds `mvn clean install` with the same profiles, "
        "but a push that runs `pytest` does not cover `pytest --cov-fail-under=80`). Not "
        "flagged: workflows that also run on a schedule (which runs on the default branch), "
        "tests a scheduled workflow runs too or calls, tests chosen by what the pull request "
        "changed (a changed-files step's list, `git diff --name-only`) when any tests run on push, "
        "benchmarks (a job named for one: it measures the change against its base), and "
        "workflows whose every test job checks out the pull request's base; and test "
        "jobs limited to pull requests by their `if:` (`github.event_name == 'pull_request'`). "
        "The default branch is origin's HEAD, else main or master; option `default-branch` "
        "sets it. A repository that also configures another CI system whose files mention "
        "tests (Azure Pipelines, CircleCI, Travis, Jenkins…: `knowledge/ci_systems.toml`) is "
        "not judged, and its figure says so: those may test every push.",
        why="A pull request is tested against the base it started from. Two pull requests "
        "that pass alone can break together, and a direct push or an admin merge is never "
        "tested at all: the default branch goes red and nobody is told, and the coverage gate "
        "guards only what people chose to send through a pull request.",
        example="on:\n  pull_request:\njobs:\n  test: …",
        instead="on:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  test: …",
    ),
    check=check,
    options={"default-branch": ""},
)
