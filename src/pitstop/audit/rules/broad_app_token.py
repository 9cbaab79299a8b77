"""broad-app-token: a GitHub App token that reaches more than the job needs: every repository
of the account, every permission of the app, or an hour past the job."""

from __future__ import annotations

from typing import Any

from pitstop.audit.repo import Repo, StepPlace, key_span, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.token_needs import steps_needs
from pitstop.knowledge.app_tokens import organization_only, token_action
from pitstop.knowledge.inputs import FALSE, input_text
from pitstop.workflow.yaml import MappingNode


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        action = token_action(place.step.uses or "")
        if action is None:
            continue
        out.checked += 1
        given = place.step.node.get("with")
        if not isinstance(given, MappingNode):
            given = None
        inputs: dict[str, Any] = place.step.with_ if isinstance(place.step.with_, dict) else {}
        permissions = [
            k.removeprefix(action.permission_prefix)
            for k in inputs
            if k.startswith(action.permission_prefix)
        ]
        revoke = inputs.get(action.revoke_off)
        if given is not None and revoke is not None and input_text(revoke) not in FALSE:
            computed = "${{" in str(revoke)
            revoke = input_text(revoke) if isinstance(revoke, bool) else revoke
            out.flag(
                key_span(place.doc, given, action.revoke_off),
                f"{action.revoke_off}: {revoke} keeps the app token valid for up to an hour "
                "after the job, for whatever reads it from a later step, job or log"
                + (" (when the expression is true)" if computed else ""),
                confidence="medium" if computed else "high",
            )
        org_only = bool(permissions) and all(organization_only(p) for p in permissions)
        if (
            given is not None
            and action.owner in inputs
            and action.repositories not in inputs
            and not org_only
        ):
            out.flag(
                key_span(place.doc, given, action.owner),
                f"{action.owner}: without {action.repositories}: the token reaches every "
                f"repository the app is installed on in {inputs[action.owner]}, not just those "
                "the job works on",
            )
        if not permissions:
            node = place.step.node.get("uses") or place.step.node
            out.flag(
                span(place.doc, node),
                f"no {action.permission_prefix}* input: the token holds every permission the "
                f"app was granted; ask for {_asked(repo, place, action.permission_prefix)}",
                severity="medium",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} app tokens are narrowly scoped"


def _asked(repo: Repo, place: StepPlace, prefix: str) -> str:
    """The permission inputs the steps that use the token need, from the permissions table
    (`permission-contents: write, permission-pull-requests: write`), or a general hint when
    a user of the token is something the table does not know."""
    step_id = place.step.id
    users = [
        s
        for s in place.later()
        if step_id and f"steps.{step_id}.outputs.token" in f"{s.run} {s.with_} {s.env}"
    ]
    # a checkout given the token keeps it in the git configuration (unless persist-credentials
    # is false): the git commands of every later step use it (Flagsmith's `git push` after
    # checking out with the app token)
    for checkout in [u for u in users if (u.uses or "").lower().startswith("actions/checkout@")]:
        given = checkout.with_ if isinstance(checkout.with_, dict) else {}
        kept = given.get("persist-credentials")
        if kept is None or input_text(kept) not in FALSE:
            users += [s for s in place.later() if s.index > checkout.index and s not in users]
    needs = steps_needs(repo, users) if users else None
    if needs is not None and needs.unknown:
        return (
            f"only what its users need ({prefix}<scope>: read or write; {needs.unknown}, "
            "whose needs pitstop does not know)"
        )
    if needs is None or not needs.required:
        return f"only what the job does with it ({prefix}<scope>: read or write)"
    return "what the steps that use it need: " + ", ".join(
        f"{prefix}{scope}: {level}" for scope, level in sorted(needs.required.items())
    )


RULE = Rule(
    id="broad-app-token",
    category="security",
    severity="high",
    summary="A GitHub App token reaches more repositories, permissions or time than needed.",
    docs=Docs(
        what="Flags steps of the actions in `knowledge/app_tokens.toml` "
        "(actions/create-github-app-token) that mint a token for every repository of an "
        "account (`owner:` without `repositories:`, unless only organization permissions such "
        "as `permission-members` are asked for), with every permission the app holds (no "
        "`permission-*` input; medium), or that outlives the job (`skip-token-revoke` true, or "
        "an expression: medium confidence).",
        why="An app token is usually broader than GITHUB_TOKEN: one app serves many "
        "repositories with write access. A token that any step of the job can read and that "
        "reaches every repository and permission turns one compromised dependency or one "
        "injected script into a write into all of them, for an hour.",
        example="- uses: actions/create-github-app-token@v2\n  with:\n    client-id: ${{ "
        "vars.APP_ID }}\n    private-key: ${{ secrets.APP_KEY }}\n    owner: acme",
        instead="- uses: actions/create-github-app-token@v2\n  with:\n    client-id: ${{ "
        "vars.APP_ID }}\n    private-key: ${{ secrets.APP_KEY }}\n    owner: acme\n"
        "    repositories: website\n    permission-contents: write",
    ),
    check=check,
)
