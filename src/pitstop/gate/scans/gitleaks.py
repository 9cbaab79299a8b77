"""Gitleaks' JSON (``gitleaks detect --report-format json``): a list of leaks, each with
``RuleID``, ``Description``, ``File``, ``StartLine``, ``Commit`` and the ``Secret`` and
``Match``, which pitstop never keeps or prints (Gitleaks' README, "Reports"). Gitleaks gives
no severity: each leak gets the gate's default, shown as such. No leak is ``[]``."""

from __future__ import annotations

from typing import Any

from pitstop.gate.security_model import ScanReport, SecurityFinding


def looks_like(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(d, dict) and "RuleID" in d and "File" in d for d in data)
    )


def read(data: list[dict[str, Any]], path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "Gitleaks JSON", [])
    for leak in data:
        rule = str(leak["RuleID"])
        commit = str(leak.get("Commit") or "")
        title = str(leak.get("Description") or rule) + (
            f" (commit {commit[:10]})" if commit else ""
        )
        report.findings.append(
            SecurityFinding(
                "Gitleaks",
                rule,
                title,
                default_severity,
                severity_given=False,
                file=str(leak["File"]),
                line=int(leak.get("StartLine") or 0),
            )
        )
    report.unrated = len(report.findings)
    return report
