"""typosquat-action: `uses:` names an account one letter away from a popular action's."""

from __future__ import annotations

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.knowledge.action_owners import owners, squatted
from pitstop.workflow.yaml import Node, YamlDocument


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        _check(place.step.uses, place.doc, place.step.node.get("uses"), out)
    for workflow, job in repo.jobs():
        _check(job.uses, workflow.doc, job.node.get("uses"), out)
    out.figure = f"{out.checked - out.failed} of {out.checked} actions come from their real owner"


def _check(uses: str | None, doc: YamlDocument, node: Node | None, out: Check) -> None:
    if not uses or uses.startswith(("./", "docker://")) or "/" not in uses or node is None:
        return
    out.checked += 1
    owner, _, rest = uses.partition("/")
    real = squatted(owner)
    if real is None:
        return
    meant = f"{owners()[real].split('/')[0]}/{rest.partition('@')[0]}"
    out.flag(
        span(doc, node),
        f"'{owner}' is a typo away from '{owners()[real].split('/')[0]}', the publisher of "
        f"{owners()[real]}: a look-alike account runs its own code with this job's token and "
        f"secrets. Did you mean {meant}?",
    )


RULE = Rule(
    id="typosquat-action",
    category="security",
    severity="high",
    summary="An action's account is a look-alike of a popular publisher's.",
    docs=Docs(
        what="Flags `uses:` (steps and called workflows) whose account is not in "
        "`knowledge/action_owners.toml` (publishers of popular actions, each with an action "
        "it publishes) but is one typing error from one of them: a letter added, dropped, "
        "changed or two swapped (for names of five letters or more), or the same name with a "
        "look-alike digit (`acti0ns`).",
        why="Anyone can register `actoins` or `dokcer` on GitHub and publish `checkout` or "
        "`login-action` there. A workflow with the typo runs the squatter's code with the "
        "job's token, secrets and cache; researchers found hundreds of public workflows "
        "calling `action/checkout` or `actons/checkout`.",
        example="- uses: actoins/checkout@v5",
        instead="- uses: actions/checkout@v5",
    ),
    check=check,
)
