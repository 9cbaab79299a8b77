"""The GitHub Actions expression language: ``evaluate(text, contexts)`` and its parts.

``text`` is the inside of ``${{ }}``; contexts are JSON-like data keyed by name (``github``,
``matrix``, …). Errors raise :class:`ExpressionError` with the runner's wording and a ``kind`` of
``lexing``, ``parsing`` or ``evaluation``.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping

from pitstop.expr.errors import ExpressionError
from pitstop.expr.evaluator import evaluate_node
from pitstop.expr.functions import BUILTINS, CASE_ARITY, Function, status_functions
from pitstop.expr.hashfiles import hash_files
from pitstop.expr.parser import Arity, parse
from pitstop.expr.values import Value, lookup

__all__ = [
    "ExpressionError",
    "Function",
    "Value",
    "arities",
    "default_functions",
    "evaluate",
    "evaluate_condition",
    "parse",
]


def default_functions(status: str = "success", workspace: str | None = None) -> dict[str, Function]:
    """Every function a step's ``if:`` may call: built-ins, status functions and ``hashFiles``."""
    root = workspace or os.getcwd()
    functions = dict(BUILTINS)
    functions.update(status_functions(status))
    functions["hashfiles"] = Function("hashFiles", 1, 255, lambda args: hash_files(root, args))
    return functions


def arities(functions: Mapping[str, Function]) -> dict[str, Arity]:
    """Argument counts by lower-case name, as the parser checks them (``case`` included)."""
    table = {name: (f.min_args, f.max_args) for name, f in functions.items()}
    table["case"] = CASE_ARITY
    return table


def evaluate(
    text: str,
    contexts: Mapping[str, Value] | None = None,
    *,
    status: str = "success",
    named_values: Collection[str] | None = None,
) -> Value:
    """Evaluate one expression (without ``${{ }}``) and return its value.

    Only the contexts present in ``contexts`` (or listed in ``named_values``) may be named, as in
    GitHub, where each place in a workflow allows its own set. ``hashFiles`` reads the workspace
    named by ``github.workspace`` when there is one, otherwise the current directory.
    """
    data = dict(contexts or {})
    github = lookup(data, "github")[1]
    workspace = lookup(github, "workspace")[1] if isinstance(github, dict) else None
    functions = default_functions(status, workspace if isinstance(workspace, str) else None)
    allowed = named_values if named_values is not None else list(data)
    node = parse(text, allowed, _DEFAULT_ARITIES)
    return evaluate_node(node, data, functions)


def evaluate_condition(
    text: str, contexts: Mapping[str, Value] | None = None, *, status: str = "success"
) -> bool:
    """An ``if:`` as the runner decides it: with or without ``${{ }}``, an empty condition meaning
    ``success()``, and ``success() &&`` in front of a condition that calls no status function."""
    from pitstop.expr.template import condition_text, uses_status_function
    from pitstop.expr.values import truthy

    inner = condition_text(text) if text.strip() else "success()"
    data = dict(contexts or {})
    node = parse(inner, list(data), _DEFAULT_ARITIES)
    if node is None or not uses_status_function(node):
        if status != "success":
            return False
        if node is None:
            return True
    github = lookup(data, "github")[1]
    workspace = lookup(github, "workspace")[1] if isinstance(github, dict) else None
    functions = default_functions(status, workspace if isinstance(workspace, str) else None)
    return truthy(evaluate_node(node, data, functions))


# Arity depends on names only, so one table serves every call of ``evaluate``.
_DEFAULT_ARITIES = arities(default_functions())
