"""Builds the AST from tokens with GitHub's precedence, depth limit and named-value checks.

Precedence, lowest first: ``||``, ``&&``, ``== !=``, ``< <= > >=``, ``!``, then property and index
access, calls and literals. Depth is counted as the runner counts it, so ``Exceeded max expression
depth 50`` triggers on the same inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from pitstop.expr import ast
from pitstop.expr.errors import MAX_DEPTH, ExpressionError, located
from pitstop.expr.lexer import Tok, Token, tokenize

_EQUALITY = {Tok.EQ: "==", Tok.NE: "!="}
_ORDERING = {Tok.GT: ">", Tok.GE: ">=", Tok.LT: "<", Tok.LE: "<="}
_LITERALS = {Tok.TRUE: True, Tok.FALSE: False, Tok.NULL: None}

Arity = tuple[int, int]


def parse(
    text: str,
    named_values: Collection[str] | None,
    functions: Mapping[str, Arity],
) -> ast.Node | None:
    """Parse ``text``; ``None`` for an empty expression.

    ``named_values`` lists the contexts the expression may name (``None`` allows any);
    ``functions`` maps lower-case function names to their (min, max) argument counts.
    """
    allowed = None if named_values is None else {n.lower() for n in named_values}
    return _Parser(text, tokenize(text), allowed, functions).parse()


class _Parser:
    def __init__(
        self,
        text: str,
        tokens: list[Token],
        named_values: set[str] | None,
        functions: Mapping[str, Arity],
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.named_values = named_values
        self.functions = functions

    # -- token access -------------------------------------------------------------------------
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def previous(self) -> Token:
        return self.tokens[self.pos - 1]

    def at_end(self) -> bool:
        return self.tokens[self.pos].kind is Tok.EOF

    def match(self, *kinds: Tok) -> bool:
        if self.tokens[self.pos].kind in kinds and not self.at_end():
            self.pos += 1
            return True
        return False

    def error(self, description: str, token: Token) -> ExpressionError:
        message = located(description, token.shown(), token.offset, self.text)
        return ExpressionError(message, "parsing", token.offset)

    def unexpected(self) -> ExpressionError:
        return self.error("Unexpected symbol", self.peek())

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"Exceeded max expression depth {MAX_DEPTH}", "parsing", self.peek().offset
            )

    # -- grammar ------------------------------------------------------------------------------
    def parse(self) -> ast.Node | None:
        if self.at_end():
            return None
        node = self.expression()
        if not self.at_end():
            raise self.unexpected()
        return node

    def expression(self) -> ast.Node:
        self.enter()
        try:
            return self.logical_or()
        finally:
            self.depth -= 1

    def logical_or(self) -> ast.Node:
        return self.chain(Tok.OR, self.logical_and)

    def logical_and(self) -> ast.Node:
        return self.chain(Tok.AND, self.equality)

    def chain(self, op: Tok, operand: Callable[[], ast.Node]) -> ast.Node:
        """``a op b op c`` as one node; a lone operand as itself."""
        first = operand()
        if self.peek().kind is not op:
            return first
        self.enter()
        try:
            offset = self.peek().offset
            args = [first]
            while self.match(op):
                args.append(operand())
            return ast.Logical(op.value, tuple(args), offset)
        finally:
            self.depth -= 1

    def equality(self) -> ast.Node:
        node = self.comparison()
        while self.match(*_EQUALITY):
            token = self.previous()
            node = ast.Compare(_EQUALITY[token.kind], node, self.comparison(), token.offset)
        return node

    def comparison(self) -> ast.Node:
        node = self.unary()
        while self.match(*_ORDERING):
            token = self.previous()
            node = ast.Compare(_ORDERING[token.kind], node, self.unary(), token.offset)
        return node

    def unary(self) -> ast.Node:
        if self.match(Tok.BANG):
            offset = self.previous().offset
            self.enter()
            try:
                return ast.Not(self.unary(), offset)
            finally:
                self.depth -= 1
        return self.access()

    def access(self) -> ast.Node:
        node = self.call()
        if not isinstance(node, (ast.Group, ast.Call, ast.Context)):
            return node
        entered = 0
        try:
            while True:
                if self.match(Tok.LBRACKET):
                    offset = self.previous().offset
                    key: ast.Node | ast.Star
                    if self.match(Tok.STAR):
                        key = ast.Star(self.previous().offset)
                    else:
                        key = self.expression()
                    if not self.match(Tok.RBRACKET):
                        raise self.unexpected()
                    self.enter()
                    entered += 1
                    node = ast.Index(node, key, offset)
                elif self.match(Tok.DOT):
                    offset = self.previous().offset
                    self.enter()
                    entered += 1
                    if self.match(Tok.IDENT):
                        name = self.previous()
                        node = ast.Index(node, ast.Literal(name.lexeme, name.offset), offset)
                    elif self.match(Tok.STAR):
                        node = ast.Index(node, ast.Star(self.previous().offset), offset)
                    else:
                        raise self.unexpected()
                else:
                    return node
        finally:
            self.depth -= entered

    def call(self) -> ast.Node:
        if self.peek().kind is not Tok.IDENT:
            return self.primary()
        name = self.peek()
        self.pos += 1
        if not self.match(Tok.LPAREN):
            if self.named_values is not None and name.lexeme.lower() not in self.named_values:
                raise self.error("Unrecognized named-value", name)
            return ast.Context(name.lexeme, name.offset)
        args: list[ast.Node] = []
        while not self.match(Tok.RPAREN):
            if self.at_end():
                raise self.error("Unexpected end of expression", self.previous())
            args.append(self.expression())
            if self.at_end():  # `contains('a', 'b'`: GitHub names the last token read
                raise self.error("Unexpected end of expression", self.previous())
            if self.peek().kind is not Tok.RPAREN and not self.match(Tok.COMMA):
                raise self.unexpected()
        self.check_call(name, len(args))
        return ast.Call(name.lexeme, tuple(args), name.offset)

    def check_call(self, name: Token, count: int) -> None:
        arity = self.functions.get(name.lexeme.lower())
        if arity is None:
            raise self.error("Unrecognized function", name)
        low, high = arity
        if count < low:
            raise self.error("Too few parameters supplied", name)
        if count > high:
            raise self.error("Too many parameters supplied", name)
        if name.lexeme.lower() == "case" and count % 2 == 0:
            raise self.error(
                "Even number of parameters supplied, requires an odd number of parameters", name
            )

    def primary(self) -> ast.Node:
        token = self.peek()
        if token.kind in _LITERALS and self.match(token.kind):
            return ast.Literal(_LITERALS[token.kind], token.offset)
        if self.match(Tok.NUMBER, Tok.STRING):
            return ast.Literal(token.value, token.offset)
        if self.match(Tok.LPAREN):
            inner = self.expression()
            if self.at_end():
                raise self.error("Unexpected end of expression", self.previous())
            if not self.match(Tok.RPAREN):
                raise self.unexpected()
            return ast.Group(inner, token.offset)
        if self.at_end():
            raise self.error("Unexpected end of expression", self.previous())
        raise self.unexpected()
