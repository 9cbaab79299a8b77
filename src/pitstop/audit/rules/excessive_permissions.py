"""excessive-permissions: a GITHUB_TOKEN with more rights than the jobs use."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, key_span, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job
from pitstop.workflow.yaml import MappingNode, Node, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

READ = {"contents": "read"}

# What in a job's steps shows it needs a write scope. A job using github-script or `gh api` may
# need anything: its write scopes are never flagged.
NEEDS = {
    "contents": r"git\s+push|gh\s+release|action-gh-release|git-auto-commit|create-release"
    r"|semantic-release|release-please|changesets/action|upload-release",
    "pull-requests": r"gh\s+pr\b|create-pull-request|pull-request|comment|labeler|auto-merge",
    "issues": r"gh\s+issue|issue|comment|labeler|stale",
    "packages": r"ghcr\.io|docker/build-push-action|docker\s+push|npm\s+publish|publish",
    "id-token": r"configure-aws-credentials|google-github-actions/auth|azure/login|pypi-publish"
    r"|sigstore|cosign|attest|vault-action|oidc|id-token",
    "security-events": r"codeql-action|upload-sarif|sarif",
    "deployments": r"deploy|environment",
    "checks": r"check|report|test-reporter|junit",
    "statuses": r"status",
    "actions": r"gh\s+(run|workflow|cache)|actions/cache|delete-artifact|workflow",
    "pages": r"deploy-pages|pages",
    "attestations": r"attest",
}
ANYTHING = re.compile(r"github-script|gh\s+api|octokit", re.IGNORECASE)


def _evidence(job: Job) -> str:
    parts = [job.id, job.name or "", str(job.environment or "")]
    for step in job.steps:
        parts += [step.uses or "", step.run or "", step.name or ""]
    return "\n".join(parts)


def _scopes(doc: YamlDocument, node: MappingNode, jobs: list[Job], out: Check) -> None:
    evidence = "\n".join(_evidence(j) for j in jobs)
    if ANYTHING.search(evidence):
        return
    for key, value in node.items():
        if str(value.to_python()) != "write" or key.raw not in NEEDS:
            continue
        if not re.search(NEEDS[key.raw], evidence, re.IGNORECASE):
            out.flag(
                span(doc, value),
                f"'{key.raw}: write' is granted but no step here appears to need it",
                confidence="medium",
                fix=Fix(f"lowered {key.raw} to read", "unsafe", partial(_set, doc, value, "read")),
            )


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
            if j.permissions is None and not (j.uses or "").startswith("./")
        ]
        if top is None and unscoped:
            names = ", ".join(j.id for j in unscoped[:3]) + ("…" if len(unscoped) > 3 else "")
            out.flag(
                key_span(workflow.doc, root, "jobs"),
                f"no `permissions:` for the workflow or for {names}: the token gets the "
                "repository's default, often write to everything",
                fix=Fix(
                    "added permissions: contents: read for the workflow",
                    "unsafe",  # a step that writes with the token now fails
                    partial(_add_read, workflow.doc, root),
                ),
            )
        for owner, node, jobs in [(None, top, unscoped)] + [
            (j, j.node.get("permissions"), [j]) for j in workflow.jobs.values()
        ]:
            if node is None:
                continue
            if str(node.to_python()) == "write-all":
                where = f"job '{owner.id}'" if owner else "the workflow"
                out.flag(
                    span(workflow.doc, node),
                    f"{where} grants write-all to the token",
                    fix=Fix(
                        f"replaced write-all for {where} by contents: read",
                        "unsafe",
                        partial(_set, workflow.doc, node, READ),
                    ),
                )
            elif isinstance(node, MappingNode):
                _scopes(workflow.doc, node, jobs, out)
    out.figure = f"{out.checked - out.failed} of {out.checked} workflows grant least privilege"


def _add_read(doc: YamlDocument, root: MappingNode, context: FixContext) -> None:
    context.patch(doc).insert_entry(root, "permissions", READ, before=("jobs",), spaced=True)


def _set(doc: YamlDocument, node: Node, value: object, context: FixContext) -> None:
    context.patch(doc).replace_scalar(node, value)


RULE = Rule(
    id="excessive-permissions",
    category="security",
    severity="high",
    summary="The GITHUB_TOKEN gets more permissions than the jobs need.",
    docs=Docs(
        what="Flags workflows with no `permissions:` (for the workflow or every job, a job "
        "that calls another repository's reusable workflow included), "
        "`write-all`, and write scopes that no step of the jobs they cover appears to use "
        "(medium confidence: a job using github-script or `gh api` is never flagged for scopes).",
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
