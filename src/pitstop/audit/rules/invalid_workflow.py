"""invalid-workflow: a workflow or local action that GitHub would refuse to run."""

from __future__ import annotations

import os

from pitstop.audit.folders import TEST_DATA, under
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.repository import kind_of_file

# Folders of test data: an action file there is a fixture (actionlint keeps dozens of broken
# ones on purpose), not an action anyone runs, unless a workflow here uses it.


def check(repo: Repo, out: Check) -> None:
    used = _used_actions(repo)
    fixtures = {
        p
        for p in repo.paths
        if kind_of_file(p) == "action"
        and under(repo.relative(p), TEST_DATA)
        and os.path.normpath(os.path.dirname(p)) not in used
    }
    out.checked = len(repo.paths) - len(fixtures)
    invalid = set()
    for problem in repo.problems:
        span = problem.span or repo.anchor()
        if span is None or span.path in fixtures:
            continue
        invalid.add(span.path)
        out.flag(span, problem.message)
    note = f" ({len(fixtures)} unused action files in test folders not checked)" if fixtures else ""
    out.figure = (
        f"{out.checked - len(invalid)} of {out.checked} workflow and action files valid{note}"
    )


def _used_actions(repo: Repo) -> set[str]:
    """The folders of the local actions the workflows and actions here use."""
    found = set()
    for place in repo.steps():
        uses = place.step.uses or ""
        if uses.startswith(("./", "$/")):
            found.add(os.path.normpath(os.path.join(repo.root, uses[2:].partition("@")[0])))
    return found


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
