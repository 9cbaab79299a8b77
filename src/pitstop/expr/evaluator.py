"""Evaluates a parsed expression against context data."""

from __future__ import annotations

import math
from collections.abc import Mapping

from pitstop.expr import ast
from pitstop.expr.errors import ExpressionError
from pitstop.expr.functions import MAX_MEMORY_BYTES, Function, too_large
from pitstop.expr.values import (
    FilteredArray,
    Value,
    equals,
    greater_than,
    is_primitive,
    less_than,
    lookup,
    to_number,
    to_string,
    truthy,
)


def evaluate_node(
    node: ast.Node | None, contexts: Mapping[str, Value], functions: Mapping[str, Function]
) -> Value:
    """The value of ``node``; ``None`` (null) for an empty expression."""
    if node is None:
        return None
    return _Evaluator(contexts, functions).eval(node)


class _Evaluator:
    def __init__(self, contexts: Mapping[str, Value], functions: Mapping[str, Function]) -> None:
        self.contexts = dict(contexts)
        self.functions = functions
        self.held = 0  # bytes of call arguments alive at once, as the runner counts them

    def eval(self, node: ast.Node) -> Value:
        if isinstance(node, ast.Literal):
            return node.value
        if isinstance(node, ast.Context):
            return lookup(self.contexts, node.name)[1]
        if isinstance(node, ast.Index):
            return self.index(node)
        if isinstance(node, ast.Logical):
            result: Value = None
            for arg in node.args:
                result = self.eval(arg)
                if truthy(result) == (node.op == "||"):
                    break
            return result
        if isinstance(node, ast.Compare):
            return self.compare(node.op, self.eval(node.left), self.eval(node.right))
        if isinstance(node, ast.Not):
            return not truthy(self.eval(node.operand))
        if isinstance(node, ast.Group):
            return self.eval(node.inner)
        return self.call(node)

    @staticmethod
    def compare(op: str, left: Value, right: Value) -> bool:
        if op == "==":
            return equals(left, right)
        if op == "!=":
            return not equals(left, right)
        if op == ">":
            return greater_than(left, right)
        if op == "<":
            return less_than(left, right)
        if op == ">=":
            return equals(left, right) or greater_than(left, right)
        return equals(left, right) or less_than(left, right)

    def call(self, node: ast.Call) -> Value:
        name = node.name.lower()
        if name == "case":
            return self.case(node.args)
        function = self.functions[name]
        values = []
        held = 0
        for arg in node.args:
            value = self.eval(arg)
            size = 2 * len(value) if isinstance(value, str) else 0
            held += size
            self.held += size
            if self.held > MAX_MEMORY_BYTES:
                raise too_large()
            values.append(value)
        try:
            return function.call(values)
        finally:
            self.held -= held

    def case(self, args: tuple[ast.Node, ...]) -> Value:
        for predicate, value in zip(args[:-1:2], args[1::2], strict=True):
            outcome = self.eval(predicate)
            if not isinstance(outcome, bool):
                raise ExpressionError(
                    "case predicate must evaluate to a boolean value", "evaluation"
                )
            if outcome:
                return self.eval(value)
        return self.eval(args[-1])

    def index(self, node: ast.Index) -> Value:
        star = isinstance(node.key, ast.Star)
        key = None if isinstance(node.key, ast.Star) else self.eval(node.key)
        obj = self.eval(node.obj)
        if isinstance(obj, FilteredArray):
            out = FilteredArray()
            for item in obj:
                if star:
                    out.extend(_children(item))
                else:
                    found, value = _item(item, key)
                    if found:
                        out.append(value)
            return out
        if star:
            return FilteredArray(_children(obj))
        return _item(obj, key)[1]


def _children(value: Value) -> list[Value]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    return []


def _item(container: Value, key: Value) -> tuple[bool, Value]:
    """``container[key]`` with the runner's index coercions: ``(found, value)``."""
    if not is_primitive(key):
        return False, None
    if isinstance(container, dict):
        return lookup(container, to_string(key))
    if isinstance(container, list):
        number = to_number(key)
        if math.isfinite(number) and number >= 0:
            position = math.floor(number)
            if position < len(container):
                return True, container[position]
    return False, None
