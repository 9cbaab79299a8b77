"""The parsed form of an expression. Every node knows where it starts in the expression text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from pitstop.expr.values import Value


@dataclass(frozen=True, slots=True)
class Literal:
    value: Value
    offset: int


@dataclass(frozen=True, slots=True)
class Context:
    """A named value such as ``github`` or ``matrix``."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Star:
    """The ``*`` of ``a.*`` or ``a[*]``."""

    offset: int


@dataclass(frozen=True, slots=True)
class Index:
    """``obj.name``, ``obj['name']``, ``obj[0]`` or ``obj.*``."""

    obj: Node
    key: Node | Star
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Logical:
    """``a && b && c`` or ``a || b``: returns the operand that decided."""

    op: str
    args: tuple[Node, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Group:
    inner: Node
    offset: int


Node: TypeAlias = Literal | Context | Index | Call | Not | Compare | Logical | Group
