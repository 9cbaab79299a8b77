"""Turns expression text into tokens, with the runner's rules for what a word or a number is."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pitstop.expr.errors import MAX_LENGTH, ExpressionError, located
from pitstop.expr.values import parse_number


class Tok(enum.Enum):
    LPAREN = "("
    RPAREN = ")"
    LBRACKET = "["
    RBRACKET = "]"
    COMMA = ","
    DOT = "."
    BANG = "!"
    NE = "!="
    EQ = "=="
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    AND = "&&"
    OR = "||"
    STAR = "*"
    NUMBER = "number"
    STRING = "string"
    IDENT = "identifier"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    EOF = "end"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    lexeme: str
    offset: int
    value: str | float | None = None

    @property
    def end(self) -> int:
        return self.offset + len(self.lexeme)

    def shown(self) -> str:
        """The token as error messages show it: its text as written, a string with its quotes
        (GitHub: "Unexpected end of expression: ''b''", reader case errors-unclosed-tokens)."""
        return self.lexeme


_BOUNDARY = frozenset("([)],.!><=&|")
_SINGLE = {"(": Tok.LPAREN, ")": Tok.RPAREN, "[": Tok.LBRACKET, "]": Tok.RBRACKET, ",": Tok.COMMA}
_KEYWORDS = {"true": Tok.TRUE, "false": Tok.FALSE, "null": Tok.NULL}
_AFTER_DOT_IS_PROPERTY = frozenset({Tok.IDENT, Tok.RBRACKET, Tok.RPAREN, Tok.STAR})


def _is_boundary(c: str) -> bool:
    return c in _BOUNDARY or c.isspace()


def _legal_identifier(word: str) -> bool:
    if not word or not (word[0].isascii() and (word[0].isalpha() or word[0] == "_")):
        return False
    return all(c.isascii() and (c.isalnum() or c in "_-") for c in word[1:])


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens ending with an EOF token; raise ``ExpressionError`` (lexing)."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"Exceeded max expression length {MAX_LENGTH}", "lexing", 0)
    tokens: list[Token] = []
    n = len(text)
    i = 0

    def fail(start: int, end: int) -> ExpressionError:
        return ExpressionError(
            located("Unexpected symbol", text[start:end], start, text), "lexing", start
        )

    def scan_word(start: int) -> int:
        end = start + 1
        while end < n and not _is_boundary(text[end]):
            end += 1
        return end

    def add_number(start: int) -> int:
        end = start + 1
        while end < n and (not _is_boundary(text[end]) or text[end] == "."):
            end += 1
        lexeme = text[start:end]
        value = parse_number(lexeme)
        if value != value:  # NaN: not a number the language knows
            raise fail(start, end)
        tokens.append(Token(Tok.NUMBER, lexeme, start, value))
        return end

    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c in _SINGLE:
            tokens.append(Token(_SINGLE[c], c, i))
            i += 1
        elif c == ".":
            if tokens and tokens[-1].kind in _AFTER_DOT_IS_PROPERTY:
                tokens.append(Token(Tok.DOT, c, i))
                i += 1
            else:
                i = add_number(i)
        elif c in "+-" or (c.isdigit() and c.isascii()):
            i = add_number(i)
        elif c in "!<>":
            two = text[i : i + 2]
            if two in ("!=", "<=", ">="):
                tokens.append(Token(Tok(two), two, i))
                i += 2
            else:
                tokens.append(Token(Tok(c), c, i))
                i += 1
        elif c in "=&|":
            two = text[i : i + 2]
            if two in ("==", "&&", "||"):
                tokens.append(Token(Tok(two), two, i))
                i += 2
            else:  # a lone '=', '&' or '|': report it with the word it starts
                raise fail(i, scan_word(i))
        elif c == "*":
            tokens.append(Token(Tok.STAR, c, i))
            i += 1
        elif c == "'":
            i = _scan_string(text, i, tokens)
        else:
            end = scan_word(i)
            word = text[i:end]
            if not _legal_identifier(word):
                raise fail(i, end)
            after_dot = bool(tokens) and tokens[-1].kind is Tok.DOT
            if not after_dot and word in _KEYWORDS:
                tokens.append(Token(_KEYWORDS[word], word, i))
            elif not after_dot and word in ("NaN", "Infinity"):
                tokens.append(Token(Tok.NUMBER, word, i, float(word)))
            else:
                tokens.append(Token(Tok.IDENT, word, i))
            i = end
    tokens.append(Token(Tok.EOF, "", n))
    return tokens


def _scan_string(text: str, start: int, tokens: list[Token]) -> int:
    """Read the string literal at ``start`` ('' stands for one quote); return where it ends."""
    n = len(text)
    i = start + 1
    parts: list[str] = []
    while True:
        close = text.find("'", i)
        if close < 0:
            message = located("Unexpected symbol", text[start:], start, text)
            raise ExpressionError(message, "lexing", start)
        parts.append(text[i:close])
        if close + 1 < n and text[close + 1] == "'":
            parts.append("'")
            i = close + 2
            continue
        end = close + 1
        tokens.append(Token(Tok.STRING, text[start:end], start, "".join(parts)))
        return end
