"""Every ``if:`` of the repository's workflows and composite actions, with its node and its
place, and the expression tree GitHub evaluates for it (``None`` when it does not parse)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

from pitstop.audit.repo import Repo
from pitstop.expr import arities, ast, default_functions
from pitstop.expr.errors import ExpressionError
from pitstop.expr.parser import parse
from pitstop.expr.template import condition_text
from pitstop.workflow.model import Job, Workflow
from pitstop.workflow.yaml import Node, ScalarNode, YamlDocument

ARITIES = arities(default_functions())
# every kind of node an expression tree holds
NODES = (
    ast.Literal,
    ast.Context,
    ast.Star,
    ast.Index,
    ast.Call,
    ast.Not,
    ast.Compare,
    ast.Logical,
    ast.Group,
)


@dataclass(frozen=True)
class Condition:
    doc: YamlDocument
    node: ScalarNode
    text: str  # the value as YAML gives it, block newline included
    workflow: Workflow | None
    job: Job | None
    owner: str  # "job 'x'" or "step 'name' of job 'x'"

    @property
    def expression(self) -> str:
        return condition_text(self.text)

    def tree(self) -> ast.Node | None:
        try:
            return parse(self.expression, None, ARITIES)
        except ExpressionError:
            return None


def conditions(repo: Repo) -> Iterator[Condition]:
    for workflow, job in repo.jobs():
        node = job.node.get("if")
        if isinstance(node, ScalarNode):
            yield Condition(workflow.doc, node, _text(node), workflow, job, f"job '{job.id}'")
    for place in repo.steps():
        node = place.step.node.get("if")
        if isinstance(node, ScalarNode):
            name = place.step.name or place.step.id or f"#{place.step.index + 1}"
            where = f" of job '{place.job.id}'" if place.job is not None else ""
            owner = f"step '{name}'{where}"
            yield Condition(place.doc, node, _text(node), place.workflow, place.job, owner)


def _text(node: ScalarNode) -> str:
    value = node.to_python()
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def walk(node: ast.Node | ast.Star | None) -> Iterator[ast.Node | ast.Star]:
    """Every node of an expression tree, the root first."""
    if node is None:
        return
    yield node
    for item in fields(node):
        value = getattr(node, item.name)
        children = value if isinstance(value, tuple) else (value,)
        for child in children:
            if isinstance(child, NODES):
                yield from walk(child)


def path(node: Node | ast.Node | ast.Star) -> str | None:
    """A context path written with dots, lower case (``github['ACTOR']`` is ``github.actor``),
    or None when a part is computed."""
    if isinstance(node, ast.Context):
        return node.name.lower()
    if isinstance(node, ast.Index):
        base = path(node.obj)
        key = node.key
        if base is None:
            return None
        if isinstance(key, ast.Star):
            return base + ".*"
        if isinstance(key, ast.Literal) and isinstance(key.value, str):
            return f"{base}.{key.value.lower()}"
        return None
    return None


# Names whose value the audit cannot know before a run: a condition on them may well be true.
UNKNOWABLE = re.compile(
    r"\b(needs|vars|inputs|matrix|env|steps|secrets|jobs)\.|github\.(repository|actor"
    r"|triggering_actor|repository_owner|run_attempt)|fromjson",
    re.IGNORECASE,
)


def event_github(
    event: str, ref: str, payload: Mapping[str, object] | None = None
) -> dict[str, object]:
    """The ``github`` context of a run for ``event`` on ``ref``, as far as an audit knows it."""
    return {
        "event_name": event,
        "event": dict(payload or {}),
        "ref": ref,
        "ref_name": ref.rsplit("/", 1)[-1],
        "ref_type": "tag" if ref.startswith("refs/tags/") else "branch",
        "base_ref": "",
        "head_ref": "",
    }


def may_be_true(condition: str, github: Mapping[str, object]) -> bool:
    """Whether an ``if:`` may be true in a run with this ``github`` context, evaluated as the
    runner would (GitHub's docs, "Evaluate expressions": what the event has no payload for is
    null); True when it reads what an audit cannot know, or does not parse."""
    if not condition.strip() or UNKNOWABLE.search(condition):
        return True
    from pitstop.expr import evaluate_condition

    try:
        return evaluate_condition(condition, {"github": github})
    except ExpressionError:
        return True
