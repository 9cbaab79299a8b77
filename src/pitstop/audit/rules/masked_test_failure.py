"""masked-test-failure: a test, lint or type-check step that cannot fail the build."""

from __future__ import annotations

import re

from pitstop.audit.jobs import TESTS
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.softening import run_step

CHECKERS = re.compile(
    r"\b(ruff(\s+check)?|flake8|pylint|mypy|pyright|eslint|tsc|black\s+--check"
    r"|prettier\s+(--check|-c)|isort\s+--check|stylelint|golangci-lint|shellcheck"
    r"|pre-commit\s+run|(npm|pnpm|yarn)\s+(run\s+)?(lint|typecheck|type-check))\b"
)


def _checked(command: str) -> str | None:
    for pattern, kind in ((TESTS, "tests"), (CHECKERS, "check")):
        found = pattern.search(command)
        if found:
            noun = "run" if kind == "tests" else "check"
            return f"the {found.group(0).split()[0]} {noun}"
    return None


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        if place.step.run:
            run_step(place, out, _checked)
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
        "`set +e`, `--exit-zero`, or `continue-on-error: true` on the step or its job.",
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
