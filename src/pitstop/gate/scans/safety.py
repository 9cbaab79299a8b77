"""Safety's JSON, version 2 (``safety check --output json``): ``report_meta`` and
``vulnerabilities``, each with ``vulnerability_id``, ``package_name``, ``analyzed_version``,
``CVE``, ``fixed_versions``, ``advisory``, ``more_info_url`` and a ``severity`` that is null or
holds ``cvssv3.base_severity`` / ``cvssv2.base_score`` (Safety's docs, "JSON output")."""

from __future__ import annotations

from typing import Any

from pitstop.gate.security_model import ScanReport, SecurityFinding, from_score, from_word


def looks_like(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("report_meta"), dict)
        and isinstance(data.get("vulnerabilities"), list)
    )


def read(data: dict[str, Any], path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "Safety JSON", [])
    for vuln in data["vulnerabilities"]:
        vid = str(vuln["vulnerability_id"])
        rated = vuln.get("severity") or {}
        severity = from_word((rated.get("cvssv3") or {}).get("base_severity"))
        score = (rated.get("cvssv2") or {}).get("base_score")
        if severity is None and isinstance(score, (int, float)):
            severity = from_score(float(score))
        report.unrated += severity is None
        fixes = [str(v) for v in vuln.get("fixed_versions") or []]
        advisory = str(vuln.get("advisory") or "").strip()
        report.findings.append(
            SecurityFinding(
                "Safety",
                vid,
                advisory.splitlines()[0][:200] if advisory else vid,
                severity or default_severity,
                severity_given=severity is not None,
                aliases={str(vuln["CVE"])} if vuln.get("CVE") else set(),
                package=str(vuln.get("package_name") or ""),
                version=str(vuln.get("analyzed_version") or ""),
                fixed=fixes[0] if fixes else "",
                url=str(vuln.get("more_info_url") or ""),
            )
        )
    return report
