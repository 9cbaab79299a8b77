"""needless-serial-jobs: a ``needs`` edge whose job uses nothing from the job it waits for."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import is_deploy
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix
from pitstop.workflow.model import Job, Workflow
from pitstop.workflow.yaml import Node, ScalarNode, SequenceNode

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

# The waiting job reads every needed job at once: needs.*, toJSON(needs), ${{ needs }}.
WHOLE = re.compile(r"\bneeds\s*(\.\s*\*|\)|\}\})")
# A job-level `if:` with a status function runs on the needed jobs' results.
STATUS = re.compile(r"\b(failure|always|cancelled)\s*\(")
DOWNLOAD = re.compile(r"^actions/download-artifact@", re.IGNORECASE)
UPLOAD = re.compile(r"^actions/upload-artifact@", re.IGNORECASE)
# A cache one job saves and the waiting job restores is handed over like an artifact.
CACHE_READ = re.compile(r"^actions/cache(/restore)?@", re.IGNORECASE)
CACHE_WRITE = re.compile(r"^actions/cache(/save)?@", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    for workflow, job in repo.jobs():
        for index, needed in enumerate(job.needs):
            other = workflow.jobs.get(needed)
            if other is None:
                continue
            out.checked += 1
            if _uses(workflow, job, other) or is_deploy(job) or is_deploy(other):
                continue
            node = _needs_item(job, index)
            out.flag(
                span(workflow.doc, node),
                f"job '{job.id}' waits for '{needed}' but uses nothing from it (no outputs, "
                "result, artifacts or cache): run side by side, the workflow takes the longer "
                "of the two, not their sum",
                confidence="medium",
                fix=Fix(
                    f"'{job.id}' no longer waits for '{needed}'",
                    "unsafe",  # the wait may be a deliberate gate: cheap checks first
                    partial(_drop, workflow, job, index),
                ),
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} needs edges carry something"


def _uses(workflow: Workflow, job: Job, other: Job) -> bool:
    text = workflow.doc.text[job.node.start.offset : job.node.end.offset]
    name = re.escape(other.id)
    if re.search(rf"\bneeds\s*(\.\s*{name}\b|\[\s*['\"]{name}['\"]\s*\])", text):
        return True
    if WHOLE.search(text) or STATUS.search(str(job.if_ or "")):
        return True
    downloads = any(DOWNLOAD.match(s.uses or "") for s in job.steps)
    if downloads and (
        other.uses is not None or any(UPLOAD.match(s.uses or "") for s in other.steps)
    ):
        return True
    restores = any(CACHE_READ.match(s.uses or "") for s in job.steps)
    return restores and any(CACHE_WRITE.match(s.uses or "") for s in other.steps)


def _needs_item(job: Job, index: int) -> Node:
    node = job.node.get("needs")
    assert node is not None
    return node.items[index] if isinstance(node, SequenceNode) else node


def _drop(workflow: Workflow, job: Job, index: int, context: FixContext) -> None:
    patch = context.patch(workflow.doc)
    node = job.node.get("needs")
    if isinstance(node, ScalarNode) or (isinstance(node, SequenceNode) and len(node.items) == 1):
        patch.delete_entry(job.node, "needs")
    elif isinstance(node, SequenceNode):
        patch.delete_item(node, index)
    else:
        raise CannotFix("needs: is not a name or a list")


RULE = Rule(
    id="needless-serial-jobs",
    category="speed",
    severity="low",
    summary="A job waits (needs:) for a job it uses nothing from.",
    docs=Docs(
        what="Flags each `needs:` entry whose job reads none of the needed job's outputs or "
        "result (`needs.<id>`, `needs.*`, `failure()`, `always()`), downloads none of its "
        "artifacts and restores none of the caches it saves. Deploys are exempt both ways: a "
        "deploy that waits for tests, or a smoke test that waits for a deploy, is ordering on "
        "purpose.",
        why="Each needless edge makes the workflow take the sum of the two jobs instead of the "
        "longer one. Integration tests that wait for unit tests they do not use add the whole "
        "unit-test time to every pull request's feedback.",
        example="jobs:\n  unit: …\n  integration:\n    needs: unit   # uses nothing from unit\n"
        "    steps: …",
        instead="jobs:\n  unit: …\n  integration:\n    steps: …\n\nWhen the wait is a "
        "deliberate gate (spend no runner minutes on slow tests until fast ones pass), say so: "
        "`needs: unit  # pitstop: ignore[needless-serial-jobs] gate`. `pitstop fix --unsafe` "
        "removes the edge.",
    ),
    check=check,
    fixable="unsafe",
)
