"""Security findings as the security gate counts them, whatever tool reported them: one shape
for a code finding (a rule at a file and line) and a dependency finding (an advisory on a
package at a version), with the ids that name the same advisory elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

SEVERITIES = ("critical", "high", "medium", "low")  # most severe first


def rank(severity: str) -> int:
    """0 for critical, 3 for low."""
    return SEVERITIES.index(severity)


def from_score(score: float) -> str:
    """A CVSS-style score (0-10) as a severity, as GitHub's code scanning ranks SARIF's
    ``security-severity`` (docs, "SARIF support for code scanning": over 9.0 critical, 7.0 to
    8.9 high, 4.0 to 6.9 medium, 3.9 or less low) and CVSS v3 names its ranges (9.0 critical)."""
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low"


# Each tool's own words for its levels.
WORDS = {
    "critical": "critical", "high": "high", "error": "high", "medium": "medium",
    "moderate": "medium", "warning": "medium", "low": "low", "note": "low", "info": "low",
    "negligible": "low",
}  # fmt: skip


def from_word(word: object) -> str | None:
    """A tool's severity word (``HIGH``, ``moderate``) as a severity, or None for none or an
    unknown word (Trivy's ``UNKNOWN``)."""
    return WORDS.get(word.strip().lower()) if isinstance(word, str) else None


@dataclass
class SecurityFinding:
    tool: str
    id: str  # the rule or advisory, as the tool names it
    title: str
    severity: str  # one of SEVERITIES
    severity_given: bool = True  # False: the tool gives none, the gate's default stands in
    aliases: set[str] = field(default_factory=set)  # other ids of the same advisory
    package: str = ""
    version: str = ""
    fixed: str = ""  # a version that fixes it
    file: str = ""
    line: int = 0
    url: str = ""
    tools: set[str] = field(default_factory=set)  # every tool that reported it, once merged

    def ids(self) -> set[str]:
        """Every id of it, compared without case (``GHSA-abcd-…`` is ``ghsa-abcd-…``)."""
        return {self.id.upper(), *(a.upper() for a in self.aliases)}

    def where(self) -> str:
        if self.package:
            fixed = f" (fixed in {self.fixed})" if self.fixed else ""
            return f"{self.package} {self.version}".strip() + fixed
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return ""


@dataclass
class ScanReport:
    path: str
    format: str  # "SARIF 2.1.0 (Bandit)", "pip-audit JSON"...
    findings: list[SecurityFinding]
    levels: dict[str, int] = field(default_factory=dict)  # SARIF: results per level, as read
    left_out: int = 0  # results the report itself marks suppressed, passing or absent
    unrated: int = 0  # findings whose severity is the gate's default


@lru_cache(maxsize=65536)
def normal_package(name: str) -> str:
    """A package's name as its registry compares them (PEP 503 for PyPI's; npm's are lower
    case already)."""
    return re.sub(r"[-_.]+", "-", name).lower().strip()
