"""What every gate decides: each limit it checked, passed or failed with the figure that
decided it, and what the reader should know besides. The gate passes when every check does."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Check:
    name: str  # the limit: "line coverage >= 80%", "no high findings"
    passed: bool
    detail: str  # the figure held against it; for a failed check, why it failed


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # a baseline written, files left outside

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def reasons(self) -> list[str]:
        return [check.detail for check in self.checks if not check.passed]

    def check(self, name: str, passed: bool, detail: str) -> None:
        self.checks.append(Check(name, passed, detail))
