"""npm audit's JSON, npm 7 and later (``npm audit --json``, ``auditReportVersion: 2``):
``vulnerabilities`` by package, each with ``via``: the advisories found in that package
(objects with ``source``, ``name``, ``title``, ``url``, ``severity``, ``cvss``, ``range``) and
the names of the dependencies it is vulnerable through (strings, the same advisories again).
Each advisory is one finding on the package it is in, named by its GHSA id when its URL is
GitHub's advisory (npm's docs, "npm-audit", and its audit-report format)."""

from __future__ import annotations

import re
from typing import Any

from pitstop.gate.security_model import ScanReport, SecurityFinding, from_score, from_word

_GHSA = re.compile(r"GHSA(-[23456789cfghjmpqrvwx]{4}){3}", re.IGNORECASE)


def looks_like(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("auditReportVersion") == 2
        and isinstance(data.get("vulnerabilities"), dict)
    )


def read(data: dict[str, Any], path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "npm audit JSON", [])
    for name, entry in data["vulnerabilities"].items():
        fix = entry.get("fixAvailable")
        fixed = (
            str(fix.get("version", "")) if isinstance(fix, dict) and fix.get("name") == name else ""
        )
        for via in entry.get("via") or []:
            if not isinstance(via, dict):
                continue  # vulnerable through another package, reported there
            url = str(via.get("url") or "")
            found = _GHSA.search(url)
            advisory = found.group(0) if found else f"npm-{via.get('source')}"
            score = (via.get("cvss") or {}).get("score")
            severity = from_word(via.get("severity") or entry.get("severity"))
            if severity is None and isinstance(score, (int, float)) and score > 0:
                severity = from_score(float(score))
            given = severity is not None
            report.unrated += not given
            report.findings.append(
                SecurityFinding(
                    "npm audit",
                    advisory,
                    _title(via, advisory),
                    severity or default_severity,
                    severity_given=given,
                    aliases={f"npm-{via['source']}"} if via.get("source") is not None else set(),
                    package=str(via.get("name") or name),
                    fixed=fixed,
                    url=url,
                )
            )
    return report


def _title(via: dict[str, Any], advisory: str) -> str:
    """The advisory's title and the versions it affects (npm's report names no installed
    version)."""
    title = str(via.get("title") or advisory)
    return f"{title} (affects {via['range']})" if via.get("range") else title
