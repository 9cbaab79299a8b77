"""The expression vectors of actions/languageservices, read from ../shared/conformance/expressions.

Each vector is ``{expr, contexts?, result | err}``; a result has a kind (Null, Boolean, Number,
String, Array, Object) and a value, an error a kind (lexing, parsing, evaluation) and the runner's
message. The folder is not part of this repository; the tests skip, saying so, when it is absent.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from pitstop.expr import ExpressionError, evaluate
from pitstop.expr.values import kind_of
from tests.conftest import SHARED

FOLDER = SHARED / "conformance" / "expressions"


def _cases() -> list[Any]:
    if not FOLDER.is_dir():
        return [
            pytest.param(
                None,
                id="absent",
                marks=pytest.mark.skip(reason=f"conformance vectors not found at {FOLDER}"),
            )
        ]
    params = []
    for path in sorted(FOLDER.glob("*.json")):
        for name, vectors in json.loads(path.read_text(encoding="utf-8")).items():
            for i, vector in enumerate(vectors):
                params.append(pytest.param(vector, id=f"{path.stem}:{name}:{i}"))
    return params


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(_same(actual[k], v) for k, v in expected.items())
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    return bool(actual == expected)


@pytest.mark.parametrize("vector", _cases())
def test_vector(vector: dict[str, Any]) -> None:
    contexts = vector.get("contexts") or {}
    if "err" in vector:
        with pytest.raises(ExpressionError) as caught:
            evaluate(vector["expr"], contexts)
        assert caught.value.kind == vector["err"]["kind"]
        assert caught.value.message.startswith(vector["err"]["value"])
    else:
        actual = evaluate(vector["expr"], contexts)
        expected = vector["result"]
        assert kind_of(actual).value == {"Dictionary": "Object"}.get(
            expected["kind"], expected["kind"]
        )
        assert _same(actual, expected["value"]), (actual, expected["value"])


def test_vector_count() -> None:
    if not FOLDER.is_dir():
        pytest.skip(f"conformance vectors not found at {FOLDER}")
    assert len(_cases()) == 1020
