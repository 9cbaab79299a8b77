"""What the security gate shows: its headline, the findings table (worst first), the marks on
files for GitHub's annotations, and every finding in the JSON."""

from __future__ import annotations

from typing import Any

from pitstop.gate import output
from pitstop.gate.security import Security
from pitstop.gate.security_model import SEVERITIES, SecurityFinding
from pitstop.gate.verdict import Verdict

TABLE_ROWS = 50


def shown_outcome(security: Security, verdict: Verdict, default_severity: str) -> output.Outcome:
    counts = security.counts()
    listed = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])
    headline = (
        f"{len(security.findings):,} finding(s)"
        + (f" ({listed})" if listed else "")
        + f" from {len(security.reports)} report(s): "
        + ", ".join(dict.fromkeys(r.format for r in security.reports))
    )
    rows = [["severity", "id", "tool", "where", "title"]]
    for finding in security.findings[:TABLE_ROWS]:
        rows.append(
            [
                _severity(finding),
                _ids(finding),
                ", ".join(sorted(finding.tools)),
                finding.where(),
                finding.title[:120],
            ]
        )
    title = "findings, worst first"
    if len(security.findings) > TABLE_ROWS:
        title += f" (the first {TABLE_ROWS} of {len(security.findings):,}; --format json lists all)"
    marks = [
        output.Mark(
            f"{f.severity}: {f.id}: {f.title}" + (f" ({f.where()})" if f.package else ""),
            f.file,
            f.line,
            rule=f.id,
            title=f.title,
            severity=f.severity,
            url=f.url,
        )
        for f in security.findings
    ]
    figures: dict[str, Any] = {
        "findings": len(security.findings),
        "by_severity": counts,
        "allowed": len(security.allowed),
        "merged": security.merged,
        "default_severity": default_severity,
        "reports": [
            {
                "path": r.path,
                "format": r.format,
                "findings": len(r.findings),
                **({"levels": r.levels} if r.levels else {}),
            }
            for r in security.reports
        ],
    }
    details = {
        "findings": [_as_json(f) for f in security.findings],
        "allowed": [
            {
                **_as_json(f),
                "reason": a.reason,
                "expires": a.expires.isoformat(),
                "entry": str(a.span),
            }
            for f, a in security.allowed
        ],
    }
    return output.Outcome(
        "security",
        verdict.passed,
        headline,
        figures,
        verdict.checks,
        verdict.notes,
        [output.Table(title, rows)],
        marks,
        details,
    )


def _severity(finding: SecurityFinding) -> str:
    return finding.severity if finding.severity_given else f"{finding.severity} (default)"


def _ids(finding: SecurityFinding) -> str:
    others = sorted(a for a in finding.aliases if a.upper() != finding.id.upper())
    return finding.id + (f" ({', '.join(others[:2])})" if others else "")


def _as_json(finding: SecurityFinding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "aliases": sorted(finding.aliases),
        "severity": finding.severity,
        "severity_given": finding.severity_given,
        "tools": sorted(finding.tools),
        "title": finding.title,
        "package": finding.package,
        "version": finding.version,
        "fixed": finding.fixed,
        "file": finding.file,
        "line": finding.line,
        "url": finding.url,
    }
