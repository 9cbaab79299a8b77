"""Trivy's JSON (``trivy … --format json``, ``SchemaVersion: 2``): ``Results``, one per target
(a lock file, an image layer's packages, a Dockerfile), with ``Vulnerabilities``
(``VulnerabilityID``, ``PkgName``, ``InstalledVersion``, ``FixedVersion``, ``Severity``,
``PrimaryURL``, ``Title``, ``VendorIDs``), ``Misconfigurations`` (``ID``, ``AVDID``,
``Status``, ``Severity``, ``CauseMetadata.StartLine``) and ``Secrets`` (``RuleID``,
``Severity``, ``StartLine``; the secret itself is never kept). Trivy's docs, "Reporting"."""

from __future__ import annotations

from typing import Any

from pitstop.gate.security_model import ScanReport, SecurityFinding, from_word


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and "SchemaVersion" in data and "ArtifactName" in data


def read(data: dict[str, Any], path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "Trivy JSON", [])

    def add(finding: SecurityFinding, word: object) -> None:
        severity = from_word(word)
        finding.severity = severity or default_severity
        finding.severity_given = severity is not None
        report.unrated += severity is None
        report.findings.append(finding)

    for result in data.get("Results") or []:
        target = str(result.get("Target") or "")
        for vuln in result.get("Vulnerabilities") or []:
            vid = str(vuln["VulnerabilityID"])
            add(
                SecurityFinding(
                    "Trivy",
                    vid,
                    str(vuln.get("Title") or vid),
                    "",
                    aliases={str(v) for v in vuln.get("VendorIDs") or []},
                    package=str(vuln.get("PkgName") or ""),
                    version=str(vuln.get("InstalledVersion") or ""),
                    fixed=str(vuln.get("FixedVersion") or "").split(",")[0].strip(),
                    file=target,
                    url=str(vuln.get("PrimaryURL") or ""),
                ),
                vuln.get("Severity"),
            )
        for check in result.get("Misconfigurations") or []:
            if str(check.get("Status", "FAIL")).upper() != "FAIL":
                continue
            cid = str(check.get("ID") or check.get("AVDID"))
            line = (check.get("CauseMetadata") or {}).get("StartLine") or 0
            add(
                SecurityFinding(
                    "Trivy",
                    cid,
                    str(check.get("Title") or cid),
                    "",
                    aliases={str(check["AVDID"])} if check.get("AVDID") else set(),
                    file=target,
                    line=int(line),
                    url=str(check.get("PrimaryURL") or ""),
                ),
                check.get("Severity"),
            )
        for secret in result.get("Secrets") or []:
            rid = str(secret.get("RuleID"))
            add(
                SecurityFinding(
                    "Trivy",
                    rid,
                    str(secret.get("Title") or rid),
                    "",
                    file=target,
                    line=int(secret.get("StartLine") or 0),
                ),
                secret.get("Severity"),
            )
    return report
