"""What an audit reports: findings with a rule, a severity, a confidence, a message and a span."""

from __future__ import annotations

from dataclasses import dataclass

from pitstop.errors import Span

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
class Finding:
    rule: str
    category: str
    severity: str
    confidence: str
    message: str
    span: Span
    source: str = "pitstop"  # or the linter whose finding this is

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.rule)
