"""The scorecard: a 0 to 10 score per category and overall, measured from what each rule checked.

A rule that checked N things of which F failed passes (N - F) / N. A category's score is ten times
the mean pass rate of its rules, weighted by severity (high 3, medium 2, low 1) times
min(N, 10) / 10, so a rule that had almost nothing to check weighs little; rules that found
nothing to check do not count. The overall score is the mean of the category scores. Each row keeps
the figures users track ("98 of 104 uses: pinned") and how many findings stand behind it.
Another linter run with ``--with`` counts as one more rule in each category it covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pitstop.audit.config import AuditConfig
from pitstop.audit.findings import CATEGORIES, Finding, severity_rank

WEIGHTS = {"low": 1.0, "medium": 2.0, "high": 3.0}


@dataclass(frozen=True)
class Row:
    category: str
    score: float | None  # None: nothing in the repository to check
    target: float
    findings: int
    worst: str | None  # the highest severity among the findings
    figures: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        return 0.0 if self.score is None else max(0.0, round(self.target - self.score, 1))


@dataclass(frozen=True)
class Scorecard:
    rows: tuple[Row, ...]
    overall: float | None
    target: float
    figures: dict[str, str] = field(default_factory=dict)  # rule id -> figure


class Scored(Protocol):
    """What the scorecard reads of a rule's check (or of another linter's run)."""

    @property
    def id(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def checked(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def figure(self) -> str: ...
    @property
    def unjudged(self) -> str: ...


FULL_WEIGHT_AT = 10  # things checked from which a rule weighs its whole severity


def _weight(check: Scored) -> float:
    """A rule's weight in its category: its severity's, scaled down when it had little to check
    (one job checked counts a tenth of ten), so a rule that saw one thing cannot swing a
    category that other rules measured on hundreds."""
    return WEIGHTS[check.severity] * min(check.checked, FULL_WEIGHT_AT) / FULL_WEIGHT_AT


def score(checks: Sequence[Scored], config: AuditConfig) -> Scorecard:
    rows = []
    for category in CATEGORIES:
        mine = [c for c in checks if c.category == category]
        weighed = [(_weight(c), 1 - c.failed / c.checked) for c in mine if c.checked]
        value = None
        if weighed:
            total = sum(w for w, _ in weighed)
            value = round(10 * sum(w * p for w, p in weighed) / total, 1)
        findings = [f for c in mine for f in c.findings]
        worst = max((f.severity for f in findings), key=severity_rank, default=None)
        figures = tuple(c.figure for c in mine if c.figure and c.checked) + tuple(
            f"{c.id} not judged: {c.unjudged}" for c in mine if c.unjudged
        )
        rows.append(Row(category, value, config.target(category), len(findings), worst, figures))
    scored = [r.score for r in rows if r.score is not None]
    overall = round(sum(scored) / len(scored), 1) if scored else None
    by_rule = {c.id: c.figure for c in checks if c.figure and c.checked}
    return Scorecard(tuple(rows), overall, config.target("overall"), by_rule)
