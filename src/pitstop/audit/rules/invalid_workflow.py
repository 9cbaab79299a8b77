"""invalid-workflow: a workflow or local action that GitHub would refuse to run."""

from __future__ import annotations

from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule


def check(repo: Repo, out: Check) -> None:
    out.checked = len(repo.paths)
    for problem in repo.problems:
        span = problem.span or repo.anchor()
        if span is not None:
            out.flag(span, problem.message)
    files = len(repo.invalid)
    out.figure = f"{out.checked - files} of {out.checked} workflow and action files valid"


RULE = Rule(
    id="invalid-workflow",
    category="reliability",
    severity="high",
    summary="A workflow or local action has an error GitHub reports instead of running it.",
    docs=Docs(
        what="Reports each error that makes GitHub refuse a workflow or a local action: YAML "
        "that does not parse, keys and values the workflow syntax does not allow, `needs:` on "
        "a job that does not exist, an expression that does not close. Every other file is "
        "audited and fixed as usual; `pitstop fix` leaves an invalid file as it is.",
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
