"""The one interface every rule implements: an id, a category, a default severity, docs in four
parts, default options, and a check that reads the repository and reports what it checked and
what failed.

A rule module under ``audit/rules/`` defines ``RULE``. Its check receives the repository and a
``Check`` to fill: ``checked`` counts the things looked at (the ``uses:`` lines, the jobs), each
``flag`` is one that failed, and ``figure`` is the number users track ("98 of 104 uses: pinned").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pitstop.audit.findings import Finding, Fix
from pitstop.errors import Span

if TYPE_CHECKING:
    from pitstop.audit.repo import Repo


@dataclass(frozen=True)
class Docs:
    """``pitstop audit --explain ID``: the four parts, as ruff's rule docs have them."""

    what: str
    why: str
    example: str
    instead: str


@dataclass
class Check:
    """What one rule found in one repository."""

    rule: Rule
    severity: str
    options: Mapping[str, Any]
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    figure: str = ""
    unjudged: str = ""  # why the rule could not judge the repository: the scorecard says it
    failure: str = ""  # the error that stopped the rule, when it failed (a bug of pitstop's)

    def flag(
        self,
        span: Span,
        message: str,
        confidence: str = "high",
        severity: str | None = None,
        fix: Fix | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                rule=self.rule.id,
                category=self.rule.category,
                severity=severity or self.severity,
                confidence=confidence,
                message=message,
                span=span,
                fix=fix,
            )
        )

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def category(self) -> str:
        return self.rule.category

    failed_units: int | None = None  # set by a rule whose findings are not its units

    @property
    def failed(self) -> int:
        """Things that failed: one per finding, never more than were checked; or, for a rule
        whose finding covers several of the things it counts (duplicated-steps: one finding, a
        run of copied steps), the number it set."""
        if self.failed_units is not None:
            return min(self.failed_units, self.checked)
        return min(len({(f.span.path, f.span.start) for f in self.findings}), self.checked)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: str
    summary: str  # one line
    docs: Docs
    check: Callable[[Repo, Check], None]
    options: Mapping[str, Any] = field(default_factory=dict)
    fixable: str = ""  # "safe", "unsafe" or "sometimes" safe, when the rule offers fixes
