"""unpinned-action: a ``uses:`` that names a tag or branch instead of a full commit SHA."""

from __future__ import annotations

import fnmatch
import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

SHA = re.compile(r"[0-9a-f]{40}\Z")
VERSION_COMMENT = re.compile(r"(tag[:=]\s*)?v?\d+(\.\d+)*\S*\Z")


def check(repo: Repo, out: Check) -> None:
    allowed = [str(p) for p in out.options.get("allow-tags", [])]
    places: list[tuple[YamlDocument, MappingNode]] = [
        (p.doc, p.step.node) for p in repo.steps() if p.step.uses
    ]
    places += [(w.doc, j.node) for w, j in repo.jobs() if j.uses]
    for doc, node in places:
        value = node.get("uses")
        uses = str(value.to_python()) if value is not None else ""
        if value is None or uses.startswith(("./", "$/")):
            continue
        out.checked += 1
        if uses.startswith("docker://"):
            if "@sha256:" not in uses:
                out.flag(span(doc, value), f"'{uses}' names an image by tag, not by digest")
            continue
        name, _, ref = uses.partition("@")
        if SHA.match(ref):
            continue
        owner = name.split("/")[0]
        repository = "/".join(name.split("/")[:2])
        if any(fnmatch.fnmatch(repository, p) or fnmatch.fnmatch(owner, p) for p in allowed):
            continue
        if repo.slug and repository.lower() == repo.slug.lower():
            continue  # this repository's own workflow or action (pulumi's ci.yml@master): who
            # can move that ref can already change this file; a SHA would freeze it
        out.flag(
            span(doc, value),
            f"'{uses}' is pinned to '{ref or 'nothing'}', not a commit SHA: whoever moves that "
            "ref decides what runs here",
            fix=Fix(f"pinned {name}@{ref} to its commit", "safe", partial(pin, doc, value, ref))
            if ref
            else None,
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} uses: pinned to a commit SHA"


def pin(doc: YamlDocument, node: Node, ref: str, context: FixContext) -> None:
    """``owner/repo[/path]@…`` becomes ``…@<sha> # <most specific tag>``, the commit ``ref``
    names now; a comment already on the line is kept after the tag unless it only named the
    old version."""
    if not isinstance(node, ScalarNode):
        raise CannotFix("the uses: value is not a scalar")
    name = str(node.value).partition("@")[0]
    pin = context.pins.resolve("/".join(name.split("/")[:2]), ref)
    text = doc.text
    line_end = text.find("\n", node.end.offset)
    rest = text[node.end.offset : len(text) if line_end < 0 else line_end].strip()
    comment = pin.tag
    old = rest[1:].strip() if rest.startswith("#") else ""
    if old and not VERSION_COMMENT.match(old):
        comment = f"{pin.tag} {old}"
    context.patch(doc).replace_scalar(node, f"{name}@{pin.sha}", comment=comment)


RULE = Rule(
    id="unpinned-action",
    category="security",
    severity="high",
    summary="An action or reusable workflow is used by tag or branch, not by commit SHA.",
    docs=Docs(
        what="Flags every remote `uses:` whose ref is not a full 40-character commit SHA, and "
        "every `docker://` image without a `@sha256:` digest. A `uses:` of this repository's "
        "own workflows or actions (its origin remote's owner/name) is left alone: whoever can "
        "move its ref can already edit the file that calls it.",
        why="Tags and branches move. Whoever controls the action's repository (or steals its "
        "token, as in the tj-actions/changed-files compromise of March 2025) changes what your "
        "pipeline runs, with your secrets. A SHA cannot be moved.",
        example="- uses: actions/checkout@v4",
        instead="- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n\n"
        "`pitstop fix --rule unpinned-action` resolves each ref with `git ls-remote` and writes "
        "the SHA with the tag as a comment. Option `allow-tags` lists owners or `owner/repo` "
        'patterns trusted with tags, e.g. `allow-tags = ["actions"]`.',
    ),
    check=check,
    options={"allow-tags": []},
    fixable="safe",
)
