"""The built-in functions, as the runner defines them (src/Sdk/DTExpressions2/.../Functions/)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pitstop.expr.errors import ExpressionError
from pitstop.expr.values import (
    Value,
    equals,
    fold_case,
    is_primitive,
    to_json,
    to_string,
)

# The runner caps what one evaluation may hold at once at 1 MiB (EvaluationMemory); strings count
# two bytes a character. No single result can be larger than that.
MAX_MEMORY_BYTES = 1024 * 1024
MAX_RESULT_CHARS = MAX_MEMORY_BYTES // 2


@dataclass(frozen=True)
class Function:
    name: str
    min_args: int
    max_args: int
    call: Callable[[Sequence[Value]], Value]


def too_large() -> ExpressionError:
    return ExpressionError("The maximum allowed memory size was exceeded", "evaluation")


def _contains(args: Sequence[Value]) -> bool:
    haystack, needle = args
    if isinstance(haystack, list):
        return any(equals(item, needle) for item in haystack)
    if is_primitive(haystack):
        return fold_case(to_string(needle)) in fold_case(to_string(haystack))
    return False


def _starts_with(args: Sequence[Value]) -> bool:
    text, prefix = args
    if not (is_primitive(text) and is_primitive(prefix)):
        return False
    return fold_case(to_string(text)).startswith(fold_case(to_string(prefix)))


def _ends_with(args: Sequence[Value]) -> bool:
    text, suffix = args
    if not (is_primitive(text) and is_primitive(suffix)):
        return False
    return fold_case(to_string(text)).endswith(fold_case(to_string(suffix)))


def _format(args: Sequence[Value]) -> str:
    template = to_string(args[0])
    values = [to_string(a) for a in args[1:]]
    out: list[str] = []
    size = 0
    i, n = 0, len(template)

    def invalid() -> ExpressionError:
        return ExpressionError(f"The following format string is invalid: {template}", "evaluation")

    while i < n:
        c = template[i]
        if c == "{":
            if template.startswith("{{", i):
                out.append("{")
                i += 2
                continue
            close = template.find("}", i + 1)
            digits = template[i + 1 : close] if close > 0 else ""
            if not digits.isdigit() or not digits.isascii():
                raise invalid()
            index = int(digits)
            if index >= len(values):
                raise ExpressionError(
                    "The following format string references more arguments than were "
                    f"supplied: {template}",
                    "evaluation",
                )
            piece = values[index]
            i = close + 1
        elif c == "}":
            if not template.startswith("}}", i):
                raise invalid()
            piece = "}"
            i += 2
        else:
            nxt = min(
                (p for p in (template.find("{", i), template.find("}", i)) if p >= 0), default=n
            )
            piece = template[i:nxt]
            i = nxt
        size += len(piece)
        if size > MAX_RESULT_CHARS:
            raise too_large()
        out.append(piece)
    return "".join(out)


def _join(args: Sequence[Value]) -> str:
    items = args[0]
    separator = ","
    if len(args) > 1 and is_primitive(args[1]):
        separator = to_string(args[1])
    if isinstance(items, list):
        result = separator.join(to_string(i) for i in items)
        if len(result) > MAX_RESULT_CHARS:
            raise too_large()
        return result
    if is_primitive(items):
        return to_string(items)
    return ""


def _to_json(args: Sequence[Value]) -> str:
    result = to_json(args[0])
    if len(result) > MAX_RESULT_CHARS:
        raise too_large()
    return result


def _reject_constant(name: str) -> Value:
    raise ValueError(f"{name} is not valid JSON")


def _from_json(args: Sequence[Value]) -> Value:
    text = to_string(args[0])
    try:
        return json.loads(text, parse_int=float, parse_constant=_reject_constant)
    except ValueError as exc:
        raise ExpressionError(f"Error parsing fromJson: {exc}", "evaluation") from exc


BUILTINS: dict[str, Function] = {
    f.name.lower(): f
    for f in (
        Function("contains", 2, 2, _contains),
        Function("startsWith", 2, 2, _starts_with),
        Function("endsWith", 2, 2, _ends_with),
        Function("format", 1, 255, _format),
        Function("join", 1, 2, _join),
        Function("toJSON", 1, 1, _to_json),
        Function("fromJSON", 1, 1, _from_json),
    )
}

# ``case`` evaluates its arguments lazily, so the evaluator handles it; it is listed for parsing.
CASE_ARITY = (3, 255)


@functools.lru_cache(maxsize=8)
def status_functions(status: str) -> dict[str, Function]:
    """``success()``, ``failure()``, ``cancelled()`` and ``always()`` for a job in ``status``.

    Cached: callers copy the table, never change it."""
    return {
        "success": Function("success", 0, 0, lambda _: status == "success"),
        "failure": Function("failure", 0, 0, lambda _: status == "failure"),
        "cancelled": Function("cancelled", 0, 0, lambda _: status == "cancelled"),
        "always": Function("always", 0, 0, lambda _: True),
    }
