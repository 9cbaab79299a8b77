"""masked-test-failure: a test, lint or type-check step that cannot fail the build."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from pitstop.audit.jobs import TESTS, commits_back
from pitstop.audit.repo import Repo, StepPlace
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import SOFT_FAIL, commands, inside_quotes, runs_no_program
from pitstop.audit.softening import EXIT_ZERO, run_step, with_tail
from pitstop.workflow.model import Step

CHECKERS = re.compile(
    r"(?<!\.)\b(ruff(\s+check)?|flake8|pylint|mypy|pyright|eslint|tsc|black\s+--check"
    r"|prettier\s+(--check|-c)|isort\s+--check|stylelint|golangci-lint|shellcheck"
    r"|pre-commit\s+run|(npm|pnpm|yarn)\s+(run\s+)?(lint|typecheck|type-check))\b(?![./-])"
)


# A command that rewrites files rather than checking them: a fixer's failure is not a test's.
FIXERS = re.compile(
    r"--fix\b|--write\b|\s-u\b|--update-?snapshots?|--updateSnapshot|ruff\s+format(?!\s+--check)"
    r"|--merge-reports\b"  # rebuilds a report from runs that already passed or failed
    r"|black\s+(?!.*--check)\S|isort\s+(?!.*--check)\S"
)
# `set +e` whose failures are collected and re-raised (`exit $STATUS`), or whose exit status
# the script reads (`status=$?`, `if [ $? -ne 0 ]`): the failure is handled, not hidden.
RERAISED = re.compile(r"\bexit\s+[\"']?\$|\$\?|\bPIPESTATUS\b")


def _runs(pattern: re.Pattern[str], command: str) -> re.Match[str] | None:
    """Where the command runs what ``pattern`` names: not inside a quoted argument, and not
    as an argument of a program that only reads or prints text or handles files."""
    if runs_no_program(command):
        return None
    code = SHELL_CODE.search(command) is not None  # `sh -c "pytest"` runs what it quotes
    for found in pattern.finditer(command):
        if code or not inside_quotes(command, found.start()):
            return found
    return None


# A quoted argument that is code to run: `bash -c "…"`, `nix-shell --command '…'`.
SHELL_CODE = re.compile(r"\s(-\w*c|--command[= ]?)\s*['\"]")


def _checked(
    command: str, blocking: Callable[[], frozenset[str]] = frozenset, where: str = ""
) -> str | None:
    if FIXERS.search(command):
        return None
    for pattern, kind in ((TESTS, "tests"), (CHECKERS, "check")):
        found = _runs(pattern, command)
        if found:
            said = found.group(0).split()  # `go test`, `cargo test`: the program and its verb
            tool = " ".join(said[:3]) if kind == "tests" else said[0]
            soft = SOFT_FAIL.search(command) or EXIT_ZERO.search(command)
            if soft and f"{where}:{_identity(command, found)}" in blocking():
                return None  # an advisory pass beside a blocking one (GitHub's starter)
            noun = "run" if kind == "tests" else "check"
            return f"the {tool} {noun}"
    return None


def _identity(command: str, found: re.Match[str]) -> str:
    """Which check a command runs: its tool (`flake8`, `cargo`), and for a package manager or
    make, the script or target too (`pnpm test` and `pnpm test:language-tools` differ)."""
    tool = found.group(0).split()[0]
    if tool.lower() not in ("npm", "pnpm", "yarn", "make"):
        return tool
    said = [w for w in command[found.start() :].split()[1:] if not w.startswith("-")]
    if said and said[0] == "run":
        said = said[1:]
    return f"{tool} {said[0]}" if said else tool


def _job_steps(place: StepPlace) -> tuple[Step, ...]:
    return place.siblings


def _blocking(place: StepPlace) -> frozenset[str]:
    """The checks the job runs somewhere in a way that can fail the build, each with the
    working directory it runs in (`directory:tool`)."""
    found = set()
    for step in _job_steps(place):
        if not step.run or str(step.continue_on_error).lower() == "true":
            continue
        if re.search(r"(^|\n)\s*set\s+\+e\b", step.run):
            continue
        lines = step.run.split("\n")
        for command in commands(step.run):
            written = with_tail(lines, command)
            if SOFT_FAIL.search(written) or EXIT_ZERO.search(written):
                continue
            for pattern in (TESTS, CHECKERS):
                match = pattern.search(command.text)
                if match:
                    found.add(f"{step.working_directory or ''}:{_identity(command.text, match)}")
    return frozenset(found)


def _blocked(place: StepPlace, known: dict[int, frozenset[str]]) -> frozenset[str]:
    """``_blocking`` of the place's job, worked out the first time a soft command asks: most
    jobs have none."""
    key = id(_job_steps(place))
    if key not in known:
        known[key] = _blocking(place)
    return known[key]


def _sent_to_code_scanning(place: StepPlace) -> bool:
    """A check that writes SARIF which a later step of the job uploads to code scanning
    (GitHub's ESLint starter workflow: `eslint --format @microsoft/eslint-formatter-sarif` with
    continue-on-error, then `github/codeql-action/upload-sarif`): its errors become code
    scanning alerts, which fail the pull request's code scanning check (GitHub's docs, "About
    code scanning alerts", check failures on error-level alerts)."""
    if "sarif" not in (place.step.run or "").lower():
        return False
    return any(
        (s.uses or "").lower().startswith("github/codeql-action/upload-sarif@")
        for s in place.siblings
        if s.index > place.step.index
    )


def check(repo: Repo, out: Check) -> None:
    bots: dict[int, bool] = {}  # per job (its steps tuple): read once, not once per step
    blocking: dict[int, frozenset[str]] = {}
    for place in repo.steps():
        if not place.step.run:
            continue
        steps = _job_steps(place)
        if id(steps) not in bots:
            bots[id(steps)] = commits_back(steps)
        if bots[id(steps)]:
            continue  # a bot's job: it commits what the failing check found
        if re.search(r"(^|\n)\s*set\s+\+e\b", place.step.run) and RERAISED.search(place.step.run):
            continue  # failures under set +e re-raised, or their status read and acted on
        if _sent_to_code_scanning(place):
            continue  # GitHub's ESLint starter: the findings fail the pull request's check there
        where = place.step.working_directory or ""
        run_step(
            place, out, partial(_checked, blocking=partial(_blocked, place, blocking), where=where)
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} test and lint commands can fail"


RULE = Rule(
    id="masked-test-failure",
    category="testing",
    severity="high",
    summary="A test, lint or type-check step is made unable to fail.",
    docs=Docs(
        what="Flags test runners (pytest, tox, jest, vitest, playwright, go test, npm test, …), "
        "linters and type checkers (ruff, flake8, mypy, pyright, eslint, tsc, prettier "
        "--check, …) whose failure is swallowed: `|| true`, `|| exit 0`, `|| echo`, an earlier "
        "`set +e`, `--exit-zero`, or `continue-on-error: true` on the step, or on its job when "
        "another job needs it (the job's own check still fails, but the jobs that need it see "
        "success and run). Left "
        "alone: an advisory pass beside a blocking run of the same tool in the job (GitHub's "
        "Python starter: flake8 for syntax errors, then `flake8 --exit-zero`), fixers "
        "(`--fix`, `--write`, snapshot updates), bot jobs that commit or open a pull request "
        "with what they changed, and `set +e` scripts that re-raise with `exit $status` or read "
        "the status with `$?`.",
        why="A masked test run is green whatever the code does. The badge stays green, the "
        "coverage report still uploads, and the regression reaches production with a "
        "passing pipeline behind it.",
        example="- run: pytest || true\n- run: mypy src\n  continue-on-error: true",
        instead="- run: pytest\n- run: mypy src\n\nA known-flaky test gets a marker and an "
        "issue (`@pytest.mark.flaky`, `--reruns`), not a pipeline that ignores every test.",
    ),
    check=check,
    fixable="unsafe",
)
