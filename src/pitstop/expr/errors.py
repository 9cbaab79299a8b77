"""Errors of the expression language, worded as GitHub's runner words them."""

from __future__ import annotations

from typing import Literal

ErrorKind = Literal["lexing", "parsing", "evaluation"]

MAX_DEPTH = 50
MAX_LENGTH = 21000


class ExpressionError(Exception):
    """An expression that cannot be read or evaluated.

    ``kind`` says at which stage it failed; ``offset`` is the 0-based position in the expression
    text of the token at fault, when there is one.
    """

    def __init__(self, message: str, kind: ErrorKind, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind: ErrorKind = kind
        self.offset = offset

    def __str__(self) -> str:
        return self.message


def located(description: str, lexeme: str, offset: int, text: str) -> str:
    """The runner's wording: ``Unexpected symbol: 'x'. Located at position 3 within …``."""
    return f"{description}: '{lexeme}'. Located at position {offset + 1} within expression: {text}"
