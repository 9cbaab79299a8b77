"""Whatever text the parser is given, it returns an AST or raises ExpressionError, nothing else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pitstop.expr import ExpressionError, arities, default_functions, evaluate, parse

FUNCTIONS = arities(default_functions())

# Pieces of the language, so that generated text is often almost valid and reaches deep paths.
PIECES = st.sampled_from(
    [
        "github",
        ".",
        "*",
        "[",
        "]",
        "(",
        ")",
        ",",
        "'",
        "''",
        "'a'",
        "!",
        "!=",
        "==",
        "<",
        "<=",
        ">",
        ">=",
        "&&",
        "||",
        "1",
        "-1",
        ".5",
        "0x1f",
        "0o7",
        "1e3",
        "NaN",
        "Infinity",
        "true",
        "false",
        "null",
        "contains",
        "format",
        "fromJSON",
        "toJSON",
        "join",
        "case",
        "success",
        "hashFiles",
        " ",
        "\n",
        "=",
        "&",
        "|",
        "@",
        "\u0131",
        "😊",
        "{0}",
        "event",
        "ref",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_parses_or_raises_expression_error(text: str) -> None:
    try:
        parse(text, ["github", "env"], FUNCTIONS)
    except ExpressionError as error:
        assert error.kind in ("lexing", "parsing")
        assert error.message


@settings(max_examples=1500, deadline=None)
@given(st.lists(PIECES, max_size=25).map("".join))
def test_token_soup_parses_or_raises_expression_error(text: str) -> None:
    try:
        parse(text, ["github", "env"], FUNCTIONS)
    except ExpressionError as error:
        assert error.kind in ("lexing", "parsing")


@settings(max_examples=800, deadline=None)
@given(st.lists(PIECES, max_size=20).map("".join))
def test_evaluation_returns_json_data_or_raises_expression_error(text: str) -> None:
    contexts = {"github": {"event": {"ref": "main", "n": [1, 2]}, "ref": "refs/heads/main"}}
    try:
        value = evaluate(text, contexts)
    except ExpressionError:
        return
    assert value is None or isinstance(value, (bool, int, float, str, list, dict))
