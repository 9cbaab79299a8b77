"""``${{ }}`` inside strings (actions/runner TemplateReader.ParseScalar)."""

from __future__ import annotations

import pytest

from pitstop.expr import ExpressionError, evaluate
from pitstop.expr.template import find_expressions, render

CONTEXTS = {"matrix": {"n": 3, "os": "ubuntu"}, "github": {"ref": "refs/heads/main"}}


def ev(text: str) -> object:
    return evaluate(text, CONTEXTS)


def test_a_lone_expression_keeps_its_type() -> None:
    assert render("${{ matrix.n }}", ev) == 3
    assert render("${{ matrix.n == 3 }}", ev) is True


def test_mixed_text_becomes_a_string() -> None:
    assert render("py-${{ matrix.n }}-${{ matrix.os }}", ev) == "py-3-ubuntu"
    assert render(" ${{ matrix.n }}", ev) == " 3"
    assert render("${{ matrix.n == 3 }} yes", ev) == "true yes"


def test_closing_braces_inside_a_string_literal_do_not_close() -> None:
    assert render("${{ format('}}{0}', 'x') }}", ev) == "}x"
    assert [e.text for e in find_expressions("a ${{ 'it''s }}' }} b")] == ["'it''s }}'"]


def test_offsets_point_at_the_expression_text() -> None:
    (one,) = find_expressions("run: ${{  github.ref }}")
    assert one.offset == len("run: ${{  ")
    assert one.text == "github.ref"


def test_unclosed_expression_is_an_error() -> None:
    with pytest.raises(ExpressionError, match="not closed"):
        list(find_expressions("echo ${{ github.ref"))


def test_empty_expression_is_an_error() -> None:
    with pytest.raises(ExpressionError, match="expected"):
        list(find_expressions("${{ }}"))


def test_text_without_expressions_is_unchanged() -> None:
    assert render("plain $HOME {{ not }}", ev) == "plain $HOME {{ not }}"


@pytest.mark.parametrize(
    "condition,runs",
    [
        ("${{ false }}", False),  # the whole value: evaluated
        ("false", False),  # no ${{ }}: the value is the expression
        ("false\n", False),  # a `|` block without ${{ }}: still an expression
        ("${{ false }}\n", True),  # a `|` block keeps its newline: format('{0}\n', false)
        ("${{ false }} ", True),  # a quoted trailing space
        (" ${{ false }}", True),
        ("true && ${{ false }}", True),
        ("${{ false }} && true", True),
        ("${{ github.ref == 'x' }} lol", True),
    ],
)
def test_an_if_with_text_beside_its_expression_is_always_true(condition: str, runs: bool) -> None:
    """actions/languageservices, workflow-parser/src/templates/template-reader.ts (parseScalar):
    literal text around a ``${{ }}`` is kept, so the condition becomes ``format(…)``, a string
    that is never empty; zizmor's unsound-condition test data pins the same cases."""
    from pitstop.expr import evaluate_condition

    assert evaluate_condition(condition, CONTEXTS) is runs
