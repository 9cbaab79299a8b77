"""invalid-workflow: a workflow or local action that GitHub would refuse to run."""

from __future__ import annotations

import os

from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule


def check(repo: Repo, out: Check) -> None:
    fixtures = repo.fixture_actions
    out.checked = len(repo.paths) - len(fixtures)
    invalid = set()
    for problem in repo.problems:
        span = problem.span or repo.anchor()
        if span is None or os.path.normpath(span.path) in fixtures:
            continue
        invalid.add(span.path)
        out.flag(span, problem.message)
    note = f" ({len(fixtures)} unused action files in test folders not checked)" if fixtures else ""
    out.figure = (
        f"{out.checked - len(invalid)} of {out.checked} workflow and action files valid{note}"
    )


RULE = Rule(
    id="invalid-workflow",
    category="reliability",
    severity="high",
    summary="A workflow or local action has an error GitHub reports instead of running it.",
    docs=Docs(
        what="Reports each error that makes GitHub refuse a workflow or a local action: YAML "
        "that does not parse, keys and values the workflow syntax does not allow, `needs:` on "
        "a job that does not exist, an expression that does not close. Every other file is "
        "audited and fixed as usual; `pitstop fix` leaves an invalid file as it is. An action "
        "file in a test folder (testdata, fixtures, tests…) that no workflow here uses is a "
        "fixture, not an action anyone runs, and is left out (the figure counts them).",
        why="GitHub does not run an invalid workflow: the push that carries it shows a red "
        "'Invalid workflow file' and none of its checks, so a gate the team relies on is "
        "silently gone until someone opens the Actions tab.",
        example="jobs:\n  test:\n    needs: biuld\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pytest",
        instead="jobs:\n  test:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pytest",
    ),
    check=check,
)
