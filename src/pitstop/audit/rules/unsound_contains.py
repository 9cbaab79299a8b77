"""unsound-contains: ``contains('a b', github.ref)`` tests a substring, not a list."""

from __future__ import annotations

from pitstop.audit.conditions import conditions, path, walk
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.expr import ast

# What a pusher or a pull request's author chooses: a branch or tag name, an account name, or
# an environment variable set from one.
CHOSEN = frozenset(
    {"github.ref", "github.ref_name", "github.head_ref", "github.base_ref", "github.actor"}
    | {"github.triggering_actor"}
)


def check(repo: Repo, out: Check) -> None:
    for condition in conditions(repo):
        out.checked += 1
        if "contains" not in condition.text.lower():
            continue  # most conditions: no need to parse them
        for node in walk(condition.tree()):
            if not isinstance(node, ast.Call) or node.name.lower() != "contains":
                continue
            if len(node.args) != 2 or not isinstance(node.args[0], ast.Literal):
                continue
            haystack, needle = node.args[0].value, path(node.args[1]) or ""
            if not isinstance(haystack, str) or not (needle in CHOSEN or needle.startswith("env.")):
                continue
            out.flag(
                span(condition.doc, condition.node),
                f"the if: of {condition.owner} tests whether {needle} is a piece of "
                f"'{haystack}': a branch or name that is only part of one (`{_part(haystack)}`) "
                "passes too; compare against a list, `contains(fromJSON('[…]'), …)`",
            )
            break
    out.figure = f"{out.checked - out.failed} of {out.checked} conditions test membership soundly"


def _part(haystack: str) -> str:
    word = haystack.replace(",", " ").split()[0] if haystack.split() else haystack
    return word[: max(1, len(word) // 2)]


RULE = Rule(
    id="unsound-contains",
    category="security",
    severity="high",
    summary="contains() is given a string where a list was meant.",
    docs=Docs(
        what="Flags `contains('main develop', github.ref_name)` and the like in `if:`: a "
        "string literal searched for a branch, tag, actor or `env.` value. With a string "
        'first, `contains` tests for a substring (GitHub\'s docs, "Expressions": contains), so '
        "the branch `mai` or `dev` passes a check meant for `main` and `develop`.",
        why="Such conditions usually guard deploys and secrets by branch or by person. Anyone "
        "who can push a branch, or choose an account name, can pick one that is a piece of "
        "the allowed string.",
        example="if: contains('refs/heads/main refs/heads/release', github.ref)",
        instead='if: contains(fromJSON(\'["refs/heads/main", "refs/heads/release"]\'), github.ref)',
    ),
    check=check,
)
