"""unsound-condition: an ``if:`` that is always true, because text stands beside its
``${{ }}``."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.conditions import Condition, conditions
from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.expr.template import OPEN
from pitstop.fix.patch import CannotFix

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext


def check(repo: Repo, out: Check) -> None:
    for condition in conditions(repo):
        if OPEN not in condition.text:
            continue
        out.checked += 1
        if not condition.expression.startswith("format("):
            continue
        trimmed = condition.text.strip()
        only_space = (
            trimmed.startswith(OPEN) and trimmed.count(OPEN) == 1 and trimmed.endswith("}}")
        )
        why = (
            "the white space around its ${{ }} (a `|` block's newline, a quoted space)"
            if only_space
            else "the text beside its ${{ }}"
        )
        out.flag(
            span(condition.doc, condition.node),
            f"the if: of {condition.owner} is always true: {why} makes it a string, which "
            "GitHub reads as true",
            fix=Fix(
                "made the condition its expression alone (`|-`, or without the spaces)",
                "unsafe",  # what always ran may now be skipped
                partial(_trim, condition, trimmed),
            )
            if only_space
            else None,
        )
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} conditions with ${{{{ }}}} can be false"
    )


def _trim(condition: Condition, trimmed: str, context: FixContext) -> None:
    """A `|` or `>` block gets `-`, which drops its final newline (YAML's strip chomping);
    a quoted value is written again without its spaces."""
    patch = context.patch(condition.doc)
    node = condition.node
    at = node.start.offset
    indicator = condition.doc.text[at : at + 1]
    if indicator in ("|", ">"):
        after = condition.doc.text[at + 1 : at + 2]
        value = condition.text.rstrip("\n")
        if value.strip() != value:
            raise CannotFix("white space stands inside the block as well")
        if after == "+":
            patch.edit_scalar(node, at + 1, at + 2, "-", value)
        elif after == "-":
            raise CannotFix("the block already strips its newline")
        else:
            patch.edit_scalar(node, at + 1, at + 1, "-", value)
        return
    patch.replace_scalar(node, trimmed)


RULE = Rule(
    id="unsound-condition",
    category="security",
    severity="high",
    summary="An if: condition is always true: text stands beside its ${{ }}.",
    docs=Docs(
        what="Flags `if:` values where a `${{ }}` has other text beside it: words "
        "(`if: ${{ a }} && ${{ b }}`), a quoted space, or the newline a `|` or `>` block "
        "keeps. GitHub then formats the whole value into a string (actions/languageservices, "
        "template-reader.ts, parseScalar), and a non-empty string is true: the step or job "
        "always runs. `pitstop run` decides such conditions the same way. The fix writes the "
        "expression alone when only white space stood beside it.",
        why="A condition that guards a deploy, a secret or a privileged step (`if: "
        "github.event.pull_request.head.repo.full_name == github.repository`) silently guards "
        "nothing, and the workflow reads as if it did.",
        example="- run: ./deploy.sh\n  if: |\n    ${{ github.ref == 'refs/heads/main' }}",
        instead="- run: ./deploy.sh\n  if: github.ref == 'refs/heads/main'",
    ),
    check=check,
    fixable="sometimes",
)
