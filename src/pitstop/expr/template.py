"""``${{ … }}`` inside workflow strings, found and expanded as the runner's TemplateReader does.

A ``}}`` inside a quoted string literal does not close an expression. A value that is exactly one
expression keeps the expression's type (``${{ matrix.n }}`` may be a number); anything else is
text with every expression converted to a string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pitstop.expr.errors import ExpressionError
from pitstop.expr.values import Value, to_string

OPEN = "${{"
CLOSE = "}}"


@dataclass(frozen=True, slots=True)
class Embedded:
    """One ``${{ }}``: the expression text (trimmed) and where it stands in its string."""

    text: str
    offset: int  # of the expression text itself
    start: int  # of ``${{``
    end: int  # just past ``}}``


def has_expression(text: str) -> bool:
    return OPEN in text


INSERT = re.compile(r"\$\{\{\s*insert\s*\}\}")


def is_insert(key: object) -> bool:
    """Whether a mapping key is the ``${{ insert }}`` directive: its value, a mapping, is merged
    into the mapping that holds it (actions/languageservices workflow-parser, the reader's
    "insert" directive; allowed only as a whole key, errors-insert.yml)."""
    return isinstance(key, str) and INSERT.fullmatch(key.strip()) is not None


def merge_inserts(
    mapping: dict[str, object], resolve: Callable[[object], object]
) -> dict[str, object]:
    """``mapping`` with each value resolved, and each ``${{ insert }}`` key replaced by the
    entries of its resolved value, in place; ``ExpressionError`` when that value is not a
    mapping."""
    merged: dict[str, object] = {}
    for key, value in mapping.items():
        resolved = resolve(value)
        if not is_insert(key):
            merged[key] = resolved
        elif isinstance(resolved, dict):
            merged.update({str(k): v for k, v in resolved.items()})
        elif resolved is not None:
            raise ExpressionError(
                f"The directive 'insert' needs a mapping, not {type(resolved).__name__}",
                "evaluation",
                0,
            )
    return merged


def find_expressions(text: str) -> Iterator[Embedded]:
    """Every ``${{ }}`` in ``text`` in order; ``ExpressionError`` for one that is never closed."""
    pos = 0
    while True:
        start = text.find(OPEN, pos)
        if start < 0:
            return
        i = start + len(OPEN)
        quoted = False
        close = -1
        while i < len(text):
            c = text[i]
            if c == "'":
                quoted = not quoted  # '' inside a literal flips twice: still inside
            elif not quoted and c == "}" and text.startswith(CLOSE, i):
                close = i
                break
            i += 1
        if close < 0:
            raise ExpressionError(
                "The expression is not closed. An unescaped ${{ sequence was found, "
                "but the closing }} sequence was not found.",
                "parsing",
                start,
            )
        inner = text[start + len(OPEN) : close]
        stripped = inner.strip()
        if not stripped:
            raise ExpressionError("An expression was expected", "parsing", start)
        offset = start + len(OPEN) + (len(inner) - len(inner.lstrip()))
        yield Embedded(stripped, offset, start, close + len(CLOSE))
        pos = close + len(CLOSE)


def is_whole_expression(text: str) -> bool:
    """Whether ``text`` is one ``${{ }}`` and nothing else but white space."""
    stripped = text.strip()
    return stripped.startswith(OPEN) and stripped.endswith(CLOSE) and stripped.count(OPEN) == 1


def condition_text(text: str) -> str:
    """The expression of an ``if:`` as GitHub reads it. Without ``${{ }}``, the value is the
    expression; one ``${{ }}`` that is the whole value, its inside. ``${{ }}`` with any other
    text beside it (a space in quotes, the newline a ``|`` block keeps, other words) makes
    the value a string, ``format()`` of every part, which is never empty and so always true:
    the literal parts are kept as they are (actions/languageservices,
    workflow-parser/src/templates/template-reader.ts, parseScalar)."""
    if OPEN not in text:
        return text.strip()
    parts = list(find_expressions(text))
    if len(parts) == 1 and parts[0].start == 0 and parts[0].end == len(text):
        return parts[0].text
    pattern: list[str] = []
    args: list[str] = []
    at = 0
    for part in parts:
        pattern.append(_format_literal(text[at : part.start]))
        pattern.append("{" + str(len(args)) + "}")
        args.append(part.text)
        at = part.end
    pattern.append(_format_literal(text[at:]))
    return f"format('{''.join(pattern)}', {', '.join(args)})"


def _format_literal(text: str) -> str:
    """Text as it stands in a ``format()`` pattern: quotes doubled, braces escaped."""
    return text.replace("'", "''").replace("{", "{{").replace("}", "}}")


def render(text: str, evaluate: Callable[[str], Value]) -> Value:
    """Expand ``text``; a lone expression keeps its value's type, otherwise a string results."""
    parts = list(find_expressions(text))
    if not parts:
        return text
    if len(parts) == 1 and parts[0].start == 0 and parts[0].end == len(text):
        return evaluate(parts[0].text)
    out: list[str] = []
    pos = 0
    for part in parts:
        out.append(text[pos : part.start])
        out.append(to_string(evaluate(part.text)))
        pos = part.end
    out.append(text[pos:])
    return "".join(out)


STATUS_FUNCTIONS = frozenset({"success", "failure", "cancelled", "always"})


def uses_status_function(node: object) -> bool:
    """Whether a parsed condition calls ``success()``, ``failure()``, ``cancelled()`` or
    ``always()`` anywhere; the runner adds ``success() &&`` in front of conditions that do not."""
    from pitstop.expr import ast

    if isinstance(node, ast.Call):
        if node.name.lower() in STATUS_FUNCTIONS:
            return True
        return any(uses_status_function(a) for a in node.args)
    if isinstance(node, ast.Index):
        return uses_status_function(node.obj) or uses_status_function(node.key)
    if isinstance(node, ast.Not | ast.Group):
        inner = node.operand if isinstance(node, ast.Not) else node.inner
        return uses_status_function(inner)
    if isinstance(node, ast.Compare):
        return uses_status_function(node.left) or uses_status_function(node.right)
    if isinstance(node, ast.Logical):
        return any(uses_status_function(a) for a in node.args)
    return False
