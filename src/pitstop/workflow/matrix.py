"""``strategy.matrix`` expanded into job rows as GitHub expands it.

Source: docs.github.com/en/actions/how-tos/write-workflows/choose-what-workflows-do/
run-job-variations
("Expanding or adding matrix configurations", "Excluding matrix configurations"). The product of
the vectors comes first (keys in the order written, the last varying fastest); then ``exclude``
removes every row that matches all of an entry's keys; then each ``include`` entry is merged into
every product row where it overwrites no original value (values added by earlier entries may be
overwritten), and becomes a row of its own where it fits none.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pitstop.expr.errors import ExpressionError
from pitstop.expr.template import merge_inserts

MAX_ROWS = 256


@dataclass(frozen=True)
class MatrixResult:
    """The rows, or why they are not known before the run (``pending``), or why they are invalid."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    pending: str | None = None
    error: str | None = None


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and "${{" in value


def expand_matrix(matrix: Any, evaluate: Callable[[str], Any] | None = None) -> MatrixResult:
    """Expand ``matrix`` (the parsed value of ``strategy.matrix``).

    Values written as ``${{ }}`` are evaluated with ``evaluate`` when it is given; otherwise, or
    when it raises ``LookupError`` (a value known only at run time, such as
    ``needs.x.outputs.y``), the result is pending, saying which expression it waits for.
    """
    if matrix is None:
        return MatrixResult([{}])
    try:
        matrix = _resolve(matrix, evaluate)
    except _Pending as wait:
        return MatrixResult(pending=f"depends on run-time value {wait.expression}")
    except ValueError as error:
        return MatrixResult(error=str(error))
    if not isinstance(matrix, Mapping):
        return MatrixResult(error="a matrix must be a mapping of vectors")
    vectors = {k: v for k, v in matrix.items() if k not in ("include", "exclude")}
    for key, values in vectors.items():
        if not isinstance(values, list):
            return MatrixResult(error=f"matrix vector '{key}' must be a list")
        if not values:
            return MatrixResult(error=f"Matrix vector '{key}' does not contain any values")
    include = matrix.get("include") or []
    exclude = matrix.get("exclude") or []
    if not isinstance(include, list) or not isinstance(exclude, list):
        return MatrixResult(error="matrix include and exclude must be lists of mappings")

    product: list[dict[str, Any]] = []
    if vectors:
        keys = list(vectors)
        product = [
            dict(zip(keys, combo, strict=True)) for combo in itertools.product(*vectors.values())
        ]
    product = [row for row in product if not any(_partial_match(e, row) for e in exclude)]

    rows = [(row, dict(row)) for row in product]  # (original values, values with additions)
    extra: list[dict[str, Any]] = []
    for entry in include:
        if not isinstance(entry, Mapping):
            return MatrixResult(error="each matrix include entry must be a mapping")
        fitted = False
        for original, current in rows:
            if all(
                (found := _get(original, k)) is _MISSING or _same(found, v)
                for k, v in entry.items()
            ):
                for k, v in entry.items():  # an existing key keeps its spelling
                    same = next((o for o in current if str(o).lower() == str(k).lower()), k)
                    current[same] = v
                fitted = True
        if not fitted:
            extra.append(dict(entry))
    result = [current for _, current in rows] + extra
    if len(result) > MAX_ROWS:
        return MatrixResult(
            error=f"the matrix produces {len(result)} jobs; GitHub allows at most {MAX_ROWS}"
        )
    return MatrixResult(result or [])


_MISSING = object()


def _get(row: Mapping[str, Any], key: str) -> Any:
    """A row's value for ``key``, its case ignored as GitHub ignores it (withastro/astro's
    matrix names ``OS`` and excludes by ``os``), or ``_MISSING``."""
    if key in row:
        return row[key]
    lowered = str(key).lower()
    return next((v for k, v in row.items() if str(k).lower() == lowered), _MISSING)


def _partial_match(entry: Any, row: Mapping[str, Any]) -> bool:
    return isinstance(entry, Mapping) and all(
        (found := _get(row, k)) is not _MISSING and _same(found, v) for k, v in entry.items()
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


class _Pending(Exception):
    def __init__(self, expression: str) -> None:
        super().__init__(expression)
        self.expression = expression


def _resolve(value: Any, evaluate: Callable[[str], Any] | None) -> Any:
    if _is_expression(value):
        if evaluate is None:
            raise _Pending(value.strip())
        try:
            return evaluate(value)
        except LookupError:
            raise _Pending(value.strip()) from None
    if isinstance(value, Mapping):
        try:
            return merge_inserts(dict(value), lambda v: _resolve(v, evaluate))
        except ExpressionError as error:
            raise ValueError(error.message) from None
    if isinstance(value, list):
        return [_resolve(v, evaluate) for v in value]
    return value
