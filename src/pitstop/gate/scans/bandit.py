"""Bandit's JSON (``bandit -f json``): ``results``, each with ``test_id`` (B602),
``test_name``, ``issue_text``, ``issue_severity`` (LOW, MEDIUM, HIGH), ``issue_confidence``,
``filename``, ``line_number`` and ``more_info``, beside ``metrics`` and ``errors`` (Bandit's
docs, "Formatters": json)."""

from __future__ import annotations

from typing import Any

from pitstop.gate.security_model import ScanReport, SecurityFinding, from_word


def looks_like(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("results"), list)
        and isinstance(data.get("metrics"), dict)
        and "generated_at" in data
    )


def read(data: dict[str, Any], path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "Bandit JSON", [])
    for result in data["results"]:
        severity = from_word(result.get("issue_severity"))
        report.unrated += severity is None
        test = str(result["test_id"])
        report.findings.append(
            SecurityFinding(
                "Bandit",
                test,
                str(result.get("issue_text") or result.get("test_name") or test),
                severity or default_severity,
                severity_given=severity is not None,
                file=str(result.get("filename") or "").removeprefix("./"),
                line=int(result.get("line_number") or 0),
                url=str(result.get("more_info") or ""),
            )
        )
    return report
