"""bot-condition: a privileged workflow trusts ``github.actor`` to tell a bot's run."""

from __future__ import annotations

import re

from pitstop.audit.conditions import Condition, conditions, path, walk
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.expr import ast
from pitstop.workflow.model import Step, Workflow

# Events whose runs hold the base repository's secrets and a write token while the pull
# request or the run that started them belongs to someone else.
PRIVILEGED = frozenset({"pull_request_target", "workflow_run"})
# Who started the run: for these events, whoever last acted on the pull request or run, not
# who wrote it (GitHub's docs, "github context": actor, triggering_actor).
ACTORS = frozenset({"github.actor", "github.triggering_actor", "github.actor_id"})


def check(repo: Repo, out: Check) -> None:
    for condition in conditions(repo):
        workflow = condition.workflow
        if workflow is None or not _can_start(repo, workflow):
            continue
        out.checked += 1
        tree = condition.tree()
        if tree is None or _guarded(tree) or _author_checked(condition):
            continue
        for node in walk(tree):
            if not isinstance(node, ast.Compare) or node.op != "==":
                continue  # `!=` leaves a bot out: a spoofed bot only skips the step
            sides = (node.left, node.right)
            actor = next((path(s) for s in sides if path(s) in ACTORS), None)
            value = next((s.value for s in sides if isinstance(s, ast.Literal)), None)
            if actor is None or not _bot(actor, value):
                continue
            events = " and ".join(sorted(PRIVILEGED & set(workflow.triggers)))
            out.flag(
                span(condition.doc, condition.node),
                f"the if: of {condition.owner} trusts {actor} to be {value!s} on {events}: it "
                "names whoever last acted on the run, and anyone can make a bot act on their "
                "pull request; check the pull request's author "
                "(github.event.pull_request.user.login) instead",
            )
            break
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} privileged conditions trust no bot actor"
    )


AUTHOR = re.compile(r"github\.event\.pull_request\.user\.login|github\.event\.sender\.type")
# dependabot/fetch-metadata fails the job unless Dependabot wrote the pull request (its README).
VERIFIES_AUTHOR = re.compile(r"^dependabot/fetch-metadata@", re.IGNORECASE)


def _can_start(repo: Repo, workflow: Workflow) -> bool:
    """A privileged event can start the workflow: `pull_request_target`, or a `workflow_run`
    that names a workflow of the repository (katana's names "Compatibility Check", and its
    workflow is "Compatibility Checks": that trigger never fires)."""
    privileged = PRIVILEGED & set(workflow.triggers)
    if privileged != {"workflow_run"}:
        return bool(privileged)
    trigger = workflow.triggers["workflow_run"]
    names = trigger.workflows or ()
    if not names or any("${{" in n for n in names):
        return True  # pitstop cannot tell which runs start it
    return bool(repo.started_by(workflow))


def _guarded(tree: ast.Node) -> bool:
    """The actor check is one side of an `||` (tauri's "or it comes from a fork": anyone
    meets that already), or the condition names an event that is not privileged (`github.
    event_name == 'issues'`): the bot check then guards nothing an attacker needs."""
    for node in walk(tree):
        if (
            isinstance(node, ast.Logical)
            and node.op == "||"
            and not all(_names_actor(arg) for arg in node.args)
        ):
            return True  # another way in than the bot check
        if isinstance(node, ast.Compare) and node.op == "==":
            sides = (node.left, node.right)
            named = next((s.value for s in sides if isinstance(s, ast.Literal)), None)
            if any(path(s) == "github.event_name" for s in sides) and named not in PRIVILEGED:
                return True
    return False


def _names_actor(node: ast.Node) -> bool:
    return any(path(n) in ACTORS for n in walk(node))


def _author_checked(condition: Condition) -> bool:
    """The pull request's author is checked as well: in the same condition, or by a
    dependabot/fetch-metadata step that stops the job before any script runs. The action
    checks the author unless ``skip-verification`` is true (its action.yml; fetch-metadata
    pull request #336), and a ``continue-on-error`` step stops nothing."""
    if AUTHOR.search(condition.expression):
        return True
    for step in condition.job.steps if condition.job is not None else ():
        if step.run is not None:
            return False  # a script ran before any check of the author
        if VERIFIES_AUTHOR.match(step.uses or "") and _stops_the_job(step):
            return True
    return False


def _stops_the_job(step: Step) -> bool:
    skipped = str(step.with_.get("skip-verification", "false")).strip().lower()
    return skipped != "true" and str(step.continue_on_error or "false").lower() == "false"


def _bot(actor: str, value: object) -> bool:
    """A bot's login (`dependabot[bot]`) or, for actor_id, a number."""
    if actor == "github.actor_id":
        return isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit())
    return isinstance(value, str) and value.lower().endswith("[bot]")


RULE = Rule(
    id="bot-condition",
    category="security",
    severity="high",
    summary="A privileged workflow trusts github.actor to recognise a bot.",
    docs=Docs(
        what="Flags `if:` conditions in workflows run by `pull_request_target` or "
        "`workflow_run` that trust `github.actor`, `github.triggering_actor` or "
        "`github.actor_id` to equal a bot (`dependabot[bot]`, `renovate[bot]`, an account id). "
        "Left alone: `!=` (leaving a bot out), a check that is one side of `||`, a condition "
        "for an event that is not privileged, and jobs that check the pull request's author too "
        "(`github.event.pull_request.user.login`, or a dependabot/fetch-metadata step that "
        "runs before any script, without `skip-verification` or `continue-on-error`).",
        why="`github.actor` is whoever caused this run, not who wrote the pull request. An "
        "attacker opens a pull request and then gets Dependabot to act on it (asking it to "
        "rebase, say); the run's actor is now `dependabot[bot]`, and the step meant for "
        "Dependabot's own updates (auto-merge, secrets) runs on the attacker's code.",
        example="on: pull_request_target\njobs:\n  automerge:\n    if: github.actor == "
        "'dependabot[bot]'",
        instead="    if: github.event.pull_request.user.login == 'dependabot[bot]'",
    ),
    check=check,
)
