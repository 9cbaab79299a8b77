"""What an audit reports: findings with a rule, a severity, a confidence, a message and a span."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pitstop.errors import Span

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

SEVERITIES = ("low", "medium", "high")
CONFIDENCES = ("low", "medium", "high")
CATEGORIES = (
    "security",
    "testing",
    "reliability",
    "speed",
    "maintainability",
    "delivery",
    "documentation",
)


def severity_rank(severity: str) -> int:
    """``low`` 0, ``medium`` 1, ``high`` 2; ``none`` (for --fail-on) ranks above all."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


@dataclass(frozen=True)
class Fix:
    """How ``pitstop fix`` removes a finding. ``safe`` fixes cannot make a passing pipeline
    fail and are applied by default; ``unsafe`` ones only with ``--unsafe``. ``apply`` records
    its edits through the context, or raises ``CannotFix`` with the reason."""

    title: str
    safety: str  # "safe" or "unsafe"
    apply: Callable[[FixContext], None]


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: str
    confidence: str
    message: str
    span: Span
    source: str = "pitstop"  # or the linter whose finding this is
    help: str = ""  # where a linter documents the rule
    fix: Fix | None = field(default=None, compare=False, repr=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.rule)
