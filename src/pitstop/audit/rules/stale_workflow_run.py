"""stale-workflow-run: an ``on: workflow_run`` trigger that names no workflow of the repository,
so it never fires: the workflow it waits for was renamed or removed."""

from __future__ import annotations

import difflib
from functools import partial

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.context import set_scalar
from pitstop.workflow.filters import escape_pattern, names_workflow
from pitstop.workflow.model import Workflow
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode


def check(repo: Repo, out: Check) -> None:
    shown = sorted({name for _, names in repo.workflow_names() for name in names}, key=str.casefold)
    for workflow in repo.workflows:
        trigger = workflow.triggers.get("workflow_run")
        if trigger is None or not trigger.workflows:
            continue
        entries = _entries(workflow)
        for entry in entries:
            out.checked += 1
            pattern = str(entry.value)
            if any(names_workflow([pattern], name) for name in shown):
                continue
            others = [e for e in entries if e is not entry and str(e.value) != pattern]
            alone = not any(names_workflow([str(e.value)], n) for e in others for n in shown)
            close = difflib.get_close_matches(pattern, shown, n=2, cutoff=0.85)
            written = escape_pattern(close[0]) if len(close) == 1 else ""
            hint = (
                f" (as a pattern: write '{written}')"
                if close and written != close[0] and close[0] == pattern
                else f" (the nearest is '{close[0]}')"
                if len(close) == 1
                else ""
            )
            effect = "this trigger never fires" if alone else "this entry starts nothing"
            out.flag(
                span(workflow.doc, entry),
                f"workflow_run waits for '{pattern}', the name of no workflow in this "
                f"repository{hint}: {effect}",
                fix=Fix(
                    f"named '{written}' instead",
                    "unsafe",  # which workflow was meant is the author's to confirm
                    partial(set_scalar, workflow.doc, entry, written),
                )
                if written
                else None,
            )
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} workflow_run entries name a workflow here"
    )


def _entries(workflow: Workflow) -> list[ScalarNode]:
    """The scalars of ``on.workflow_run.workflows`` (a list, or one name)."""
    root = workflow.doc.root
    on = root.get("on") if isinstance(root, MappingNode) else None
    body: Node | None = on.get("workflow_run") if isinstance(on, MappingNode) else None
    listed = body.get("workflows") if isinstance(body, MappingNode) else None
    if isinstance(listed, ScalarNode):
        return [listed]
    if isinstance(listed, SequenceNode):
        return [item for item in listed.items if isinstance(item, ScalarNode)]
    return []


RULE = Rule(
    id="stale-workflow-run",
    category="reliability",
    severity="medium",
    summary="A workflow_run trigger names a workflow the repository does not have.",
    docs=Docs(
        what="Flags each entry of `on.workflow_run.workflows` that names no workflow of the "
        "repository, by its `name:` or, for one without a name, by its path (entries are "
        'filter patterns, as GitHub reads them, without case: `CI *` names "ci linux"). '
        "GitHub accepts "
        "such a trigger and never fires it. When one existing name is close, the unsafe fix "
        "writes it (katana's '♾️ Compatibility Check', whose workflow is '♾️ Compatibility "
        "Checks').",
        why="workflow_run chains a follow-up to a workflow by its display name. Rename the "
        "workflow and the follow-up (the scan after a release, the auto-merge after the "
        "checks, the report after the tests) silently stops: no run, no failure, nothing in "
        "the Actions tab to say it is gone.",
        example="name: Release Community Docker Images   # release-docker-github.yml\n"
        '---\non:\n  workflow_run:\n    workflows: ["Docker Release to Github"]',
        instead='on:\n  workflow_run:\n    workflows: ["Release Community Docker Images"]',
    ),
    check=check,
    fixable="unsafe",
)
