"""checkout-credentials: ``actions/checkout`` leaves the token in ``.git/config``."""

from __future__ import annotations

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.yaml import MappingNode


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        uses = (place.step.uses or "").lower()
        if not uses.startswith("actions/checkout@"):
            continue
        out.checked += 1
        given = place.step.node.get("with")
        persist = given.get("persist-credentials") if isinstance(given, MappingNode) else None
        if persist is not None and str(persist.to_python()).lower() == "false":
            continue
        target = persist if persist is not None else place.step.node.get("uses")
        assert target is not None
        out.flag(
            span(place.doc, target),
            "actions/checkout keeps the job's token in .git/config for every later step; set "
            "`persist-credentials: false` unless a step pushes",
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} checkouts drop their credentials"


RULE = Rule(
    id="checkout-credentials",
    category="security",
    severity="medium",
    summary="actions/checkout persists the token in .git/config.",
    docs=Docs(
        what="Flags `actions/checkout` steps without `persist-credentials: false`.",
        why="By default checkout writes the job's GITHUB_TOKEN into `.git/config`, where every "
        "later step, every third-party action and any uploaded artifact of the workspace can "
        "read it.",
        example="- uses: actions/checkout@v4",
        instead="- uses: actions/checkout@v4\n  with:\n    persist-credentials: false",
    ),
    check=check,
)
