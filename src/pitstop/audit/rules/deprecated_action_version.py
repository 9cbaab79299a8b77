"""deprecated-action-version: an action major that runs on a Node.js the runner has retired.

Sources: GitHub's changelog "Deprecation of Node 20 on GitHub Actions runners" (2025-09-19:
Node 24 the default from June 2026, Node 20 removed from the runner in September 2026), and
the ``runs.using`` of each action's ``action.yml`` at the majors below (the first on node24).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.rules.unpinned_action import SHA, pin
from pitstop.fix.patch import CannotFix
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext


@dataclass(frozen=True)
class Current:
    major: int  # the first major on node24
    safe: bool  # whether moving to it keeps every input's meaning
    note: str = ""


CURRENT = {
    "actions/checkout": Current(5, True),
    "actions/setup-python": Current(6, True),
    "actions/setup-java": Current(5, True),
    "actions/cache": Current(5, True),
    "github/codeql-action": Current(4, True),
    "actions/setup-node": Current(
        5, False, "v5 caches by itself when package.json names a packageManager"
    ),
    "actions/setup-go": Current(6, False, "v6 reads the Go toolchain line of go.mod"),
    "actions/upload-artifact": Current(
        6, False, "v4 and later refuse a second upload under one name"
    ),
    "actions/download-artifact": Current(
        7, False, "v5 and later change the path of a download by ID"
    ),
    "actions/github-script": Current(8, False, "scripts run on a newer Node.js"),
}
RETIRED_RUNTIMES = ("node12", "node16", "node20")
TAG = re.compile(r"v(\d+)(\.\d+)*\Z")
COMMENT_TAG = re.compile(r"#\s*(?:tag[:=]\s*)?v(\d+)(\.\d+)*\b")


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        value = place.step.node.get("uses")
        if not isinstance(value, ScalarNode) or not place.step.uses:
            continue
        name, _, ref = place.step.uses.partition("@")
        current = CURRENT.get("/".join(name.lower().split("/")[:2]))
        if current is None:
            continue
        out.checked += 1
        major = _major(place.doc, value, ref)
        if major is None or major >= current.major:
            continue
        out.flag(
            span(place.doc, value),
            f"{name}@v{major} runs on a Node.js the runner no longer ships; v{current.major} "
            "is the first major on node24",
            fix=Fix(
                f"moved {name} from v{major} to v{current.major}"
                + (f" ({current.note})" if current.note else ""),
                "safe" if current.safe else "unsafe",
                partial(_bump, place.doc, value, ref, current.major),
            ),
        )
    for action in repo.actions:
        runs = action.doc.root.get("runs") if isinstance(action.doc.root, MappingNode) else None
        using = runs.get("using") if isinstance(runs, MappingNode) else None
        if using is None or not str(using.to_python()).startswith("node"):
            continue
        out.checked += 1
        if str(using.to_python()) in RETIRED_RUNTIMES:
            out.flag(
                span(action.doc, using),
                f"this action runs on {using.to_python()}, which the runner no longer ships",
                fix=Fix(
                    f"moved runs.using from {using.to_python()} to node24",
                    "unsafe",  # the action's code must work on Node 24
                    partial(_runtime, action.doc, using),
                ),
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} actions run on a supported Node.js"


def _major(doc: YamlDocument, node: Node, ref: str) -> int | None:
    """The major a ref names: ``v3``, ``v3.5.1``, or a SHA with the version as its comment."""
    found = TAG.match(ref)
    if found:
        return int(found.group(1))
    if SHA.match(ref):
        end = doc.text.find("\n", node.end.offset)
        rest = doc.text[node.end.offset : len(doc.text) if end < 0 else end]
        comment = COMMENT_TAG.search(rest)
        if comment:
            return int(comment.group(1))
    return None


def _bump(doc: YamlDocument, node: Node, ref: str, major: int, context: FixContext) -> None:
    if not isinstance(node, ScalarNode):
        raise CannotFix("the uses: value is not a scalar")
    name = str(node.value).partition("@")[0]
    if SHA.match(ref):
        pin(doc, node, f"v{major}", context)  # pinned stays pinned, at the new major's commit
    else:
        context.patch(doc).replace_scalar(node, f"{name}@v{major}")


def _runtime(doc: YamlDocument, node: Node, context: FixContext) -> None:
    context.patch(doc).replace_scalar(node, "node24")


RULE = Rule(
    id="deprecated-action-version",
    category="reliability",
    severity="medium",
    summary="An action major runs on a Node.js the runner no longer ships.",
    docs=Docs(
        what="Flags `uses:` of GitHub's own actions (checkout, setup-python, setup-node, "
        "setup-java, setup-go, cache, upload-artifact, download-artifact, github-script, "
        "codeql-action) at a major older than their first Node 24 release, read from the tag "
        "or from the version comment of a pinned SHA; and local JavaScript actions whose "
        "`runs.using` is node12, node16 or node20.",
        why="GitHub removed Node 20 from its runners in September 2026, as it removed Node 12 "
        "and 16 before. Old majors are forced onto a runtime they were never tested on, each "
        "run logs a deprecation warning, and the service APIs of the oldest (artifacts v3, "
        "cache v1 and v2) have already been switched off.",
        example="- uses: actions/checkout@v4\n- uses: actions/upload-artifact@v3",
        instead="- uses: actions/checkout@v5\n- uses: actions/upload-artifact@v6\n\n"
        "`pitstop fix` moves tags to the new major and re-pins SHA-pinned actions at the new "
        "major's commit. Checkout, setup-python, setup-java, cache and codeql-action are safe "
        "moves; the others change behaviour somewhere and need `--unsafe`.",
    ),
    check=check,
    fixable="sometimes",
)
