"""gate-only-on-pull-requests: tests that run on pull requests but never on pushes to the
default branch, so what is merged (the merge result, after other merges) is never tested. A
pull-request workflow is covered when a push workflow calls it, or runs each of its test
commands; tests known only by a job's name count as covered by any tests on push.

Source for the filters: GitHub's docs, "Workflow syntax: on.push.<branches|tags>": a push
trigger that names only tags (or only branches) does not run for the other kind of ref."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from pitstop.audit.elsewhere import other_ci, where
from pitstop.audit.jobs import TESTS, commits_back, runs_test_commands, runs_tests
from pitstop.audit.repo import Repo, event_node, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import TEXT_TOOLS, commands, words
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
    called_on_push = {
        called.path
        for workflow in on_push
        for job in workflow.jobs.values()
        if job.uses and (called := repo.called(job.uses)) is not None
    }
    # a schedule runs on the default branch's latest commit (GitHub's docs, "Events that
    # trigger workflows": schedule): what it tests is tested after each merge, if not at once
    after_merge = on_push + [
        w for w in repo.workflows if "schedule" in w.triggers and not any(w is o for o in on_push)
    ]
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
        if any(w is workflow for w in on_push):
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
        if TESTS.search(command.text) and command.text.split(maxsplit=1)[0] not in TEXT_TOOLS
    ]  # (`echo "Neither PHPUnit nor …"` names a test tool and runs none)


class _Tested:
    """The test commands jobs run on push: a command is among them when one is the same command
    (``_key``), or a ``go test`` or pytest run that runs every test it runs."""

    def __init__(self, commands: list[tuple[tuple[str, ...], str]], root: str) -> None:
        self.root = root
        self.keys = {key for key, _ in commands}
        self.go = [g for _, text in commands if (g := _go_test(text)) is not None]
        self.pytest = [p for _, text in commands if (p := _pytest(text, root)) is not None]

    def __contains__(self, command: tuple[tuple[str, ...], str]) -> bool:
        key, text = command
        if key in self.keys:
            return True
        go = _go_test(text)
        if go is not None:
            return any(_go_covers(push, go) for push in self.go)
        mine = _pytest(text, self.root)
        return mine is not None and any(_pytest_covers(push, mine) for push in self.pytest)


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


# pytest's options that choose tests (pytest --help: -k, -m, --deselect, --ignore,
# --ignore-glob, --lf, --sw), and how a run names where its tests are: paths, `path::test`.
PYTEST_EXPRESSIONS = frozenset({"-k", "-m"})
PYTEST_LEAVE_OUT = frozenset({"--deselect", "--ignore", "--ignore-glob"})
PYTEST_SUBSETS = frozenset({"--lf", "--last-failed", "--sw", "--stepwise", "--nf"})
# pytest-cov's threshold (pytest-cov docs, "--cov-fail-under"): the same tests, one more gate
PYTEST_GATES = frozenset({"--cov-fail-under"})


ENV_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


@dataclass(frozen=True)
class _Pytest:
    expressions: tuple[tuple[str, str], ...]  # (-k or -m, expression)
    left_out: frozenset[str]
    subset: bool
    paths: tuple[str, ...]  # none: the whole suite (testpaths)
    gates: frozenset[str]  # options that fail a run its tests pass (--cov-fail-under=80)


def _pytest(text: str, root: str) -> _Pytest | None:
    """A pytest run's choice of tests, or None for another command. A word is a path when it
    has a slash, ends in .py, names a test (``::``) or exists in the repository; another word
    after an option is that option's value (``-n 4``)."""
    said = words(EXPRESSION.sub("EXPR", text))  # `tests/${{ matrix.module }}`: one word
    while said and ENV_ASSIGNMENT.match(said[0]):
        said = said[1:]  # `HUGGINGFACE_CO_STAGING=true pytest …`
    at = next((i for i, w in enumerate(said) if w == "pytest" or w.endswith("/pytest")), -1)
    if at < 0 or said[:at] not in ((), ("python", "-m"), ("python3", "-m"), ("uv", "run")):
        return None
    expressions: list[tuple[str, str]] = []
    left_out: set[str] = set()
    subset = False
    paths: list[str] = []
    gates: set[str] = set()
    rest = iter(said[at + 1 :])
    for word in rest:
        if word.partition("=")[0] in PYTEST_GATES:
            gates.add(word if "=" in word else f"{word}={next(rest, '')}")
        elif not word.startswith("-"):
            paths.append(word)
        elif word in PYTEST_EXPRESSIONS:
            expressions.append((word, " ".join(next(rest, "").split())))
        elif word.partition("=")[0] in PYTEST_LEAVE_OUT:
            left_out.add(word.partition("=")[2] or next(rest, ""))
        elif word in PYTEST_SUBSETS:
            subset = True
        elif "=" not in word:
            value = next(rest, None)  # an option's value, unless it is a path
            if value is not None and _looks_like_path(value, root):
                paths.append(value)
    return _Pytest(
        tuple(sorted(expressions)), frozenset(left_out), subset, tuple(paths), frozenset(gates)
    )


def _looks_like_path(word: str, root: str) -> bool:
    if "/" in word or word.endswith(".py") or "::" in word:
        return True
    return not word.startswith("-") and os.path.exists(os.path.join(root, word))


def _pytest_covers(push: _Pytest, mine: _Pytest) -> bool:
    """Whether the pytest run on push runs every test ``mine`` runs, and holds them to every
    gate I hold (a coverage threshold): it leaves out nothing I keep, each of its -k/-m
    expressions is mine or the start of a narrower one of mine (``not Onnx`` and ``not Onnx and
    $pattern``), and each of my paths is within one of its."""
    if push.subset or not push.left_out <= mine.left_out or not mine.gates <= push.gates:
        return False
    for option, expression in push.expressions:
        if not any(
            o == option and (e == expression or e.startswith(f"{expression} and "))
            for o, e in mine.expressions
        ):
            return False
    if not push.paths:
        return True
    return bool(mine.paths) and all(
        any(_within_folder(p, scope) for scope in push.paths) for p in mine.paths
    )


def _within_folder(path: str, scope: str) -> bool:
    path, scope = path.removeprefix("./").rstrip("/"), scope.removeprefix("./").rstrip("/")
    return scope in ("", ".") or path == scope or path.startswith(scope + "/")


# `go test`'s flags that choose which tests run or how they build (`go help testflag`: -run,
# -skip, -short, -list; `go help build`: -tags, -C), and its other flags that take a value
# (so that value is not read as a package). Packages: `go help packages` ("./..." matches the
# folder and every folder below it).
GO_CHOOSING = frozenset({"run", "skip", "list", "tags", "C"})
GO_CHOOSING_SWITCHES = frozenset({"short"})
GO_VALUED = frozenset(
    {
        "timeout", "coverprofile", "covermode", "coverpkg", "count", "p", "parallel", "cpu",
        "bench", "benchtime", "o", "exec", "shuffle", "vet", "ldflags", "gcflags", "asmflags",
        "mod", "modfile", "outputdir", "memprofile", "cpuprofile", "blockprofile",
        "mutexprofile", "trace", "fuzz", "fuzztime", "fuzzminimizetime",
    }
)  # fmt: skip


def _go_test(text: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """A ``go test`` command's choosing flags (``run=X``, ``short``) and package patterns (``.``
    when none is named), or None for another command."""
    said = words(EXPRESSION.sub("EXPR", text))
    if said[:2] != ("go", "test"):
        return None
    chosen: set[str] = set()
    packages: list[str] = []
    rest = iter(said[2:])
    for word in rest:
        if not word.startswith("-"):
            packages.append(word)
            continue
        name, given, value = word.lstrip("-").partition("=")
        if name in GO_CHOOSING_SWITCHES:
            chosen.add(name)
        elif name in GO_CHOOSING:
            chosen.add(f"{name}={value if given else next(rest, '')}")
        elif name in GO_VALUED and not given:
            next(rest, None)
    return frozenset(chosen), tuple(packages or ["."])


def _go_covers(
    push: tuple[frozenset[str], tuple[str, ...]], mine: tuple[frozenset[str], tuple[str, ...]]
) -> bool:
    """Whether the ``go test`` run on push runs every test ``mine`` runs: it chooses no fewer
    tests (each of its choosing flags is also mine; build tags I add are its too), and each of
    my packages is within one of its patterns."""
    pushed, patterns = push
    chosen, packages = mine
    if not pushed <= chosen or {c for c in chosen if c.startswith(("tags=", "C="))} - pushed:
        return False
    return all(any(_within(p, scope) for scope in patterns) for p in packages)


def _within(package: str, scope: str) -> bool:
    package, scope = package.rstrip("/"), scope.rstrip("/")
    if scope.endswith("/..."):
        base = scope[: -len("/...")]
        return package in (base, scope) or package.startswith(base + "/")
    return package == scope


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


# Names whose value on a push the audit cannot know: a condition on them may well be true.
UNKNOWABLE = re.compile(
    r"\b(needs|vars|inputs|matrix|env|steps|secrets|jobs)\.|github\.(repository|actor"
    r"|triggering_actor|repository_owner|run_attempt)|fromjson",
    re.IGNORECASE,
)


def _pull_request_only(condition: str, branches: tuple[str, ...] = ("main", "master")) -> bool:
    """Whether a job's ``if:`` that reads the pull request is false on a push to the default
    branch, evaluated as the runner would: on a push ``github.event.pull_request`` is null, so
    ``!contains(github.event.pull_request.labels.*.name, 'x')`` and ``….fork != true`` are
    true (GitHub's docs, "Evaluate expressions": null compares as false and as 0)."""
    if not PR_ONLY_IF.search(condition) or "push" in condition:
        return False
    if UNKNOWABLE.search(condition):
        return False
    from pitstop.expr import ExpressionError, evaluate_condition

    for branch in branches:
        github = {
            "event_name": "push",
            "event": {"ref": f"refs/heads/{branch}"},
            "ref": f"refs/heads/{branch}",
            "ref_name": branch,
            "ref_type": "branch",
            "base_ref": "",
            "head_ref": "",
        }
        try:
            if evaluate_condition(condition, {"github": github}):
                return False
        except ExpressionError:
            return False
    return True


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
        "`go test` or pytest run on push covers one that picks fewer of its tests: "
        "`./store/...` holds `./store/test/...`, `-k 'not Onnx'` holds `-k 'not Onnx and x'`, "
        "but a push that runs `pytest` does not cover `pytest --cov-fail-under=80`). Not "
        "flagged: workflows that also run on a schedule (which runs on the default branch), "
        "tests a scheduled workflow runs too, tests chosen by what the pull request changed "
        "(a changed-files step's list, `git diff --name-only`) when any tests run on push, "
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
