"""deprecated-action-version: an action major that runs on a Node.js the runner has retired.

Sources: GitHub's changelog "Deprecation of Node 20 on GitHub Actions runners" (2025-09-19:
Node 24 the default from June 2026, Node 20 removed from the runner in September 2026); each
action's first major on node24, and what changed between its majors, are in
``pitstop/knowledge/majors.toml`` with a source per entry.
"""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.rules.unpinned_action import SHA, pin
from pitstop.fix.patch import CannotFix
from pitstop.knowledge.majors import currents, move
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext


RETIRED_RUNTIMES = ("node12", "node16", "node20")
# A comment that keeps a version on purpose: "# v1, NOT v2", "# do not upgrade: breaks …"
ON_PURPOSE = re.compile(
    r"#[^\n]*\b(not|don'?t|never|keep|stay|hold|freeze|frozen|stuck|until|because|breaks?|"
    r"broken|bug|issue|required|needs?)\b",
    re.IGNORECASE,
)
TAG = re.compile(r"v(\d+)(\.\d+)*\Z")
COMMENT_TAG = re.compile(r"#\s*(?:tag[:=]\s*)?v(\d+)(\.\d+)*\b")


def check(repo: Repo, out: Check) -> None:
    known = currents()
    for place in repo.steps():
        value = place.step.node.get("uses")
        if not isinstance(value, ScalarNode) or not place.step.uses:
            continue
        name, _, ref = place.step.uses.partition("@")
        current = known.get("/".join(name.lower().split("/")[:2]))
        if current is None:
            continue
        out.checked += 1
        major = ref_major(place.doc, value, ref)
        if major is None or major >= current.major:
            continue
        message = (
            f"{name}@v{major} runs on a Node.js the runner no longer ships; v{current.major} "
            "is the first major on node24"
        )
        comment = _line_comment(place.doc, value)
        if ON_PURPOSE.search(comment):
            out.flag(
                span(place.doc, value),
                f"{message} (kept on purpose, its comment says: {comment.strip()[1:].strip()})",
                confidence="medium",
            )
            continue
        inputs = place.step.with_ if isinstance(place.step.with_, dict) else {}
        moving = move(current, major, inputs)
        title = f"moved {name} from v{major} to v{current.major}"
        if moving.add:
            title += " and set " + ", ".join(f"{k}: {_text(v)}" for k, v in moving.add.items())
            title += " to keep what it did"
        if moving.unsafe:
            title += f" ({'; '.join(moving.unsafe)})"
        out.flag(
            span(place.doc, value),
            message,
            fix=Fix(
                title,
                "safe" if moving.safe else "unsafe",
                partial(_bump, place.doc, place.step.node, value, ref, current.major, moving.add),
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


def ref_major(doc: YamlDocument, node: Node, ref: str) -> int | None:
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


def _line_comment(doc: YamlDocument, node: Node) -> str:
    """The comment after a value on its line, or ''."""
    end = doc.text.find("\n", node.end.offset)
    rest = doc.text[node.end.offset : len(doc.text) if end < 0 else end]
    at = rest.find("#")
    return rest[at:] if at >= 0 else ""


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _bump(
    doc: YamlDocument,
    step: MappingNode,
    node: Node,
    ref: str,
    major: int,
    add: dict[str, Any],
    context: FixContext,
) -> None:
    if not isinstance(node, ScalarNode):
        raise CannotFix("the uses: value is not a scalar")
    name = str(node.value).partition("@")[0]
    if SHA.match(ref):
        pin(doc, node, f"v{major}", context)  # pinned stays pinned, at the new major's commit
    else:
        context.patch(doc).replace_scalar(node, f"{name}@v{major}")
    if not add:
        return
    inputs = step.get("with")
    if inputs is None:
        context.patch(doc).insert_entry(step, "with", add, after=("uses",))
    elif isinstance(inputs, MappingNode):
        for key, value in add.items():
            context.patch(doc).insert_entry(inputs, key, value)
    else:
        raise CannotFix("the step's with: is not a mapping")


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
        "major's commit. A move is safe when every change between the two majors either "
        "leaves the step's inputs their meaning or is undone by an input the fix adds "
        "(`distribution: zulu` for setup-java v1, `fetch-depth: 0` for checkout v1, "
        "`python-version: 3.x` for setup-python before v4, `cache: false` for setup-go before "
        "v4, `package-manager-cache: false` for setup-node v5); otherwise it needs `--unsafe` "
        "and names the change. A version kept on purpose by its comment (`# v1, NOT v2`) is "
        "reported without a fix.",
    ),
    check=check,
    fixable="sometimes",
)
