"""``pitstop gate security``: scanners' reports read into one finding shape, the same finding
from several tools merged, accepted findings set aside by the allowlist, and the rest held
against a severity limit and budgets."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from pitstop.errors import PitstopError
from pitstop.gate.allowlist import Allowance
from pitstop.gate.scans import read_scan
from pitstop.gate.security_model import (
    SEVERITIES,
    ScanReport,
    SecurityFinding,
    normal_package,
    rank,
)
from pitstop.gate.verdict import Verdict


@dataclass
class Security:
    reports: list[ScanReport]
    findings: list[SecurityFinding]  # merged, not allowed
    allowed: list[tuple[SecurityFinding, Allowance]] = field(default_factory=list)
    merged: int = 0  # findings that were another tool's (or report's) report of one above

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts


def load(paths: list[str], default_severity: str, allowances: list[Allowance]) -> Security:
    """The reports at ``paths`` read and merged, the allowed findings set aside."""
    reports = [read_scan(path, default_severity) for path in paths]
    everything = [finding for report in reports for finding in report.findings]
    origin = [n for n, report in enumerate(reports) for _ in report.findings]
    findings = merge(everything, origin)
    kept: list[SecurityFinding] = []
    allowed: list[tuple[SecurityFinding, Allowance]] = []
    for finding in findings:
        entry = next((a for a in allowances if a.covers(finding)), None)
        if entry is None:
            kept.append(finding)
        else:
            entry.matched += 1
            allowed.append((finding, entry))
    kept.sort(key=lambda f: (rank(f.severity), f.id, f.package, f.file, f.line))
    return Security(reports, kept, allowed, len(everything) - len(findings))


def merge(
    findings: list[SecurityFinding], reports: list[int] | None = None
) -> list[SecurityFinding]:
    """One finding per advisory on a package (or rule at a place), whichever tools reported
    it: two findings are one when they share an id or alias (GHSA, CVE, PYSEC… compared without
    case) and do not differ where both say: the package, its version, the file, the line. Two
    findings of one report are never one (two injections on one line are two). The merged
    finding keeps the most severe rating a tool gave and every id. ``reports`` gives each
    finding's report (by default each its own)."""
    merged: list[SecurityFinding] = []
    sources: list[set[int]] = []  # the reports each merged finding came from
    by_place: dict[tuple[str, str], list[int]] = {}  # (id, package or file) -> merged findings
    for number, finding in enumerate(findings):
        report = reports[number] if reports is not None else -1 - number
        keys = _keys(finding)
        into = next(
            (
                index
                for key in keys
                for index in by_place.get(key, ())
                if report not in sources[index] and _same_place(merged[index], finding)
            ),
            None,
        )
        if into is None:
            finding.tools = {finding.tool}
            merged.append(finding)
            sources.append(set())
            into = len(merged) - 1
        else:
            _absorb(merged[into], finding)
            keys = _keys(merged[into])
        sources[into].add(report)
        for key in keys:
            places = by_place.setdefault(key, [])
            if into not in places:
                places.append(into)
    return merged


def _keys(finding: SecurityFinding) -> list[tuple[str, str]]:
    """Where a finding may meet its duplicates: under each of its ids, with its package and
    with its file (a tool may name only one of them)."""
    places = [f"package:{normal_package(finding.package)}"] if finding.package else []
    places += [f"file:{finding.file}"] if finding.file or not places else []
    return [(ident, place) for ident in finding.ids() for place in places]


def _same_place(a: SecurityFinding, b: SecurityFinding) -> bool:
    def agree(x: str, y: str) -> bool:
        return not x or not y or x == y

    return (
        agree(normal_package(a.package), normal_package(b.package))
        and agree(a.version, b.version)
        and (bool(a.package and b.package) or agree(a.file, b.file))
        and (not (a.line and b.line) or a.line == b.line)
    )


def _absorb(kept: SecurityFinding, other: SecurityFinding) -> None:
    kept.tools.add(other.tool)
    kept.aliases |= {other.id, *other.aliases} - {kept.id}
    if other.severity_given and (
        not kept.severity_given or rank(other.severity) < rank(kept.severity)
    ):
        kept.severity, kept.severity_given = other.severity, True
    for name in ("package", "version", "fixed", "file", "url"):
        if not getattr(kept, name):
            setattr(kept, name, getattr(other, name))
    kept.line = kept.line or other.line


_BUDGET = re.compile(r"^\s*(critical|high|medium|low)(\+?)\s*=\s*(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Budget:
    severity: str
    at_or_above: bool  # ``high+=4``: high and critical together
    most: int

    def counted(self, counts: dict[str, int]) -> int:
        if not self.at_or_above:
            return counts[self.severity]
        return sum(n for s, n in counts.items() if rank(s) <= rank(self.severity))

    def covers(self, severity: str) -> bool:
        if self.at_or_above:
            return rank(severity) <= rank(self.severity)
        return severity == self.severity

    def __str__(self) -> str:
        return f"{self.severity}{'+' if self.at_or_above else ''}={self.most}"


def parse_budget(text: str) -> Budget:
    """``high=5`` (at most 5 high findings) or ``high+=4`` (at most 4 high or critical)."""
    found = _BUDGET.match(text)
    if found is None:
        raise PitstopError(
            f"--max {text!r}: expected SEVERITY=N or SEVERITY+=N "
            "(critical, high, medium, low; + counts that severity and those above it)"
        )
    return Budget(found.group(1).lower(), bool(found.group(2)), int(found.group(3)))


def judge(
    security: Security,
    fail_on: str,
    budgets: list[Budget],
    allowances: list[Allowance],
    today: datetime.date,
) -> Verdict:
    """Fail on any finding at or above ``fail_on`` (``none``: never by severity) that no budget
    covers, on a budget exceeded, and on an expired allowlist entry."""
    counts = security.counts()
    verdict = Verdict()
    notes = verdict.notes
    for severity in SEVERITIES:
        if fail_on == "none" or rank(severity) > rank(fail_on):
            continue
        if any(b.covers(severity) for b in budgets):
            continue
        found = counts[severity]
        verdict.check(
            f"no {severity} findings",
            not found,
            f"{found} {severity} finding{'s' if found != 1 else ''}"
            + (f" (the gate fails on {fail_on} and above)" if found else ""),
        )
    for budget in budgets:
        counted = budget.counted(counts)
        label = f"{budget.severity} or above" if budget.at_or_above else budget.severity
        verdict.check(
            f"at most {budget.most} {label} findings",
            counted <= budget.most,
            f"{counted} {label} findings"
            + (
                f", over the budget of {budget.most} (--max {budget})"
                if counted > budget.most
                else ""
            ),
        )
    for entry in allowances:
        expired = entry.expired(today)
        verdict.check(
            f"allowlist entry {entry.id} is current",
            not expired,
            f"the allowlist entry for {entry.id} ({entry.span}) expired on "
            f"{entry.expires.isoformat()}: review it, then renew or remove it"
            if expired
            else f"{entry.id} accepted until {entry.expires.isoformat()}: {entry.reason}",
        )
        if not expired and not entry.matched:
            notes.append(
                f"stale allowlist entry: {entry.id} ({entry.span}) matches no finding; remove it"
            )
    unrated = sum(1 for f in security.findings if not f.severity_given)
    if unrated:
        tools = sorted({f.tool for f in security.findings if not f.severity_given})
        notes.append(
            f"{unrated} finding{'s' if unrated > 1 else ''} from {', '.join(tools)} came "
            "without a severity and count at the default (--default-severity)"
        )
    if security.allowed:
        notes.append(f"{len(security.allowed)} finding(s) accepted by the allowlist")
    if security.merged:
        notes.append(f"{security.merged} duplicate report(s) of the same finding merged")
    left_out = sum(r.left_out for r in security.reports)
    if left_out:
        notes.append(
            f"{left_out} SARIF result(s) suppressed in the report, absent from its baseline, "
            "or not failures: not counted"
        )
    return verdict
