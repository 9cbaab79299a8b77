"""excessive-permissions: a GITHUB_TOKEN with more rights than the jobs use."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, key_span, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.token_needs import job_needs, jobs_needs
from pitstop.fix.context import set_scalar
from pitstop.knowledge.permissions import Needs
from pitstop.workflow.model import Job, Workflow
from pitstop.workflow.yaml import MappingNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext


def _flow(scopes: dict[str, str]) -> str:
    return ", ".join(f"{scope}: {level}" for scope, level in scopes.items())


def _grant_fix(what: str, doc: YamlDocument, needs: Needs, apply: Any) -> Fix | None:
    """The fix that writes the permissions the jobs need, or None when they are unknown."""
    if needs.unknown:
        return None
    grants = needs.grants()
    return Fix(f"{what}: {_flow(grants)}", "unsafe", partial(apply, grants))


def _scopes(repo: Repo, workflow: Workflow, node: MappingNode, jobs: list[Job], out: Check) -> None:
    needs = jobs_needs(repo, workflow, jobs)
    if needs.unknown:
        return  # a step whose needs the table does not know may use any scope
    for key, value in node.items():
        if str(value.to_python()) != "write" or needs.scopes.get(key.raw) == "write":
            continue
        needed = needs.grants()
        # read when nothing here needs it: never less than GitHub's read default (id-token has none)
        lower = needs.scopes.get(key.raw, "none" if key.raw == "id-token" else "read")
        names = ", ".join(j.id for j in jobs[:3]) + ("…" if len(jobs) > 3 else "")
        out.flag(
            span(workflow.doc, value),
            f"'{key.raw}: write' is granted but no step of {names} needs it (they need "
            f"{_flow(needed)})",
            fix=Fix(
                f"lowered {key.raw} to {lower}",
                "unsafe",
                partial(set_scalar, workflow.doc, value, lower),
            ),
        )


def _spread(repo: Repo, workflow: Workflow, node: MappingNode, jobs: list[Job], out: Check) -> None:
    """Write scopes of the workflow's block that some of the jobs it covers need and others
    (whose every step pitstop knows) do not: those get them too. OpenSSF Scorecard's
    Token-Permissions check asks for the same: read at the top, write on the job."""
    per_job = {job.id: job_needs(repo, workflow, job) for job in jobs}

    def wants(job: str, scope: str) -> bool:
        return bool(per_job[job].unknown) or per_job[job].scopes.get(scope) == "write"

    spread = [
        key.raw
        for key, value in node.items()
        if str(value.to_python()) == "write"
        and any(wants(j, key.raw) for j in per_job)
        and not all(wants(j, key.raw) for j in per_job)
    ]  # (a scope no job wants is flagged as unused by _scopes)
    root = workflow.doc.root
    if not spread or not isinstance(root, MappingNode):
        return
    extra = {j: [s for s in spread if not wants(j, s)] for j in per_job}
    reached = [
        f"'{j}'" + (f" ({', '.join(scopes)})" if len(spread) > 1 else "")
        for j, scopes in extra.items()
        if scopes
    ]
    scopes = ", ".join(f"{key}: write" for key in spread)
    out.flag(
        key_span(workflow.doc, root, "permissions"),
        f"'{scopes}', granted to the whole workflow, reach{'es' if len(spread) == 1 else ''} "
        f"jobs that do not need {'it' if len(spread) == 1 else 'them'}: "
        f"{', '.join(reached[:3])}{'…' if len(reached) > 3 else ''}; grant write on the jobs "
        "that use it",
        severity="medium",
        fix=Fix(
            f"moved {scopes} from the workflow to the jobs that need it",
            "unsafe",
            partial(_move, workflow, node, spread, extra),
        ),
    )


def _move(
    workflow: Workflow,
    node: MappingNode,
    spread: list[str],
    extra: dict[str, list[str]],
    context: FixContext,
) -> None:
    """Each job that needs a spread scope gets the workflow's block as its own, less the spread
    scopes it does not need; the workflow's block then grants the spread scopes read (id-token
    none), which the other jobs keep."""
    patch = context.patch(workflow.doc)

    def lowered(scope: str) -> str:
        return "none" if scope == "id-token" else "read"

    granted = {str(k.raw): str(v.to_python()) for k, v in node.items()}
    for job, unneeded in extra.items():
        if len(unneeded) == len(spread):
            continue  # it needs none of them: the workflow's lowered block is its
        own = {k: lowered(k) if k in unneeded else v for k, v in granted.items()}
        target = workflow.jobs[job].node
        patch.insert_entry(target, "permissions", own, after=("runs-on", "needs", "name"))
    for key, value in node.items():
        if key.raw in spread:
            patch.replace_scalar(value, lowered(key.raw))


def check(repo: Repo, out: Check) -> None:
    for workflow in repo.workflows:
        root = workflow.doc.root
        if not isinstance(root, MappingNode) or not workflow.jobs:
            continue
        out.checked += 1
        top = root.get("permissions")
        # A job that calls another repository's workflow passes it the token, and the called
        # workflow can only lower what it gets (GitHub's docs, "Reusable workflows" reference):
        # the caller is where to restrict it. This repository's own are audited where they are.
        unscoped = [
            j
            for j in workflow.jobs.values()
            if j.permissions is None and not (j.uses or "").startswith(("./", "$/"))
        ]
        # what a workflow-wide `permissions:` would cover: every job without its own
        covered = [j for j in workflow.jobs.values() if j.permissions is None]
        if top is None and unscoped and not _bounded_by_callers(repo, workflow):
            names = ", ".join(j.id for j in unscoped[:3]) + ("…" if len(unscoped) > 3 else "")
            needs = jobs_needs(repo, workflow, covered)
            known = f"; {needs.unknown}, whose needs pitstop does not know" if needs.unknown else ""
            called = all(j.uses for j in unscoped)
            gets = (
                "hands the called workflows the repository's default token, often write to "
                "everything: what they narrow it to is theirs to change, so cap it here"
                if called
                else "the token gets the repository's default, often write to everything"
            )
            out.flag(
                key_span(workflow.doc, root, "jobs"),
                f"no `permissions:` for the workflow or for {names}: {gets}{known}",
                fix=_grant_fix(
                    "added permissions for the workflow",
                    workflow.doc,
                    needs,
                    partial(_add, workflow.doc, root),
                ),
            )
        for owner, node, jobs in [(None, top, covered)] + [
            (j, j.node.get("permissions"), [j]) for j in workflow.jobs.values()
        ]:
            if node is None or (owner is None and not jobs):
                continue  # none, or a workflow's block every job replaces with its own: it
                # grants nothing to any token (firefly-iii's lock.yml repeats it on its one job)
            if str(node.to_python()) == "write-all":
                where = f"job '{owner.id}'" if owner else "the workflow"
                needs = jobs_needs(repo, workflow, jobs)
                out.flag(
                    span(workflow.doc, node),
                    f"{where} grants write-all to the token",
                    fix=_grant_fix(
                        f"replaced write-all for {where} by",
                        workflow.doc,
                        needs,
                        partial(set_scalar, workflow.doc, node),
                    ),
                )
            elif isinstance(node, MappingNode):
                _scopes(repo, workflow, node, jobs, out)
                if owner is None and len(jobs) > 1:
                    _spread(repo, workflow, node, jobs, out)
    out.figure = f"{out.checked - out.failed} of {out.checked} workflows grant least privilege"


def _bounded_by_callers(repo: Repo, workflow: Workflow) -> bool:
    """A workflow only ``workflow_call`` starts, whose every caller in this repository sets
    the token's permissions: it gets what its caller grants, no more (tokio's
    uring-kernel-version-test, called from a ci.yml with `contents: read`)."""
    if set(workflow.triggers) != {"workflow_call"}:
        return False
    callers = repo.callers(workflow)
    return bool(callers) and all(
        j.permissions is not None or w.permissions is not None for w, j in callers
    )


def _add(doc: YamlDocument, root: MappingNode, grants: dict[str, str], context: FixContext) -> None:
    context.patch(doc).insert_entry(root, "permissions", grants, before=("jobs",), spaced=True)


RULE = Rule(
    id="excessive-permissions",
    category="security",
    severity="high",
    summary="The GITHUB_TOKEN gets more permissions than the jobs need.",
    docs=Docs(
        what="Flags workflows with no `permissions:` (for the workflow or every job, a job "
        "that calls another repository's reusable workflow included), `write-all`, and write "
        "scopes that no step of the jobs they cover needs. What a step needs comes from a "
        "table with a source per entry (`pitstop/knowledge/permissions.toml`: stale and "
        "lock-threads need issues and pull-requests, CodeQL and SARIF uploads "
        "security-events, release actions contents, attestations id-token and attestations, "
        "`gh pr merge` contents and pull-requests…), read in a step's script and in the "
        "repository's scripts and make targets it runs. A job with a step the table does not "
        "know (github-script, an unlisted action, a script handing the token to curl) is "
        "never called over-privileged. A write scope in the workflow's block that some jobs "
        "use and others (whose steps are all known) do not is flagged too, at medium: those "
        "jobs get it for nothing (OpenSSF Scorecard's Token-Permissions check asks the same). "
        "The fix writes the permissions the jobs need, or moves the write scope to the jobs "
        "that use it, and is not offered when a job's needs are unknown.",
        why="Every step, and every third-party action, can use the job's token. With write "
        "access to contents, one compromised dependency pushes to your default branch or "
        "rewrites a release.",
        example="on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: …",
        instead="on: push\npermissions:\n  contents: read\njobs:\n  test: …\n\nGrant a write "
        "scope on the one job that needs it.",
    ),
    check=check,
    fixable="unsafe",
)
