"""osv-scanner's JSON (``osv-scanner --format json``): ``results`` by source (a lock file),
each with ``packages``: the ``package`` (name, version, ecosystem), its ``vulnerabilities`` in
OSV's schema (``id``, ``aliases``, ``summary``, ``affected`` ranges with ``fixed`` events,
``database_specific.severity``) and ``groups`` of ids that are one vulnerability with their
``max_severity`` score (osv-scanner's docs, "Output"; ossf.github.io/osv-schema)."""

from __future__ import annotations

from typing import Any

from pitstop.gate.security_model import (
    ScanReport,
    SecurityFinding,
    from_score,
    from_word,
    normal_package,
)


def looks_like(data: Any) -> bool:
    results = data.get("results") if isinstance(data, dict) else None
    return (
        isinstance(results, list)
        and all(isinstance(r, dict) and "packages" in r for r in results)
        and (bool(results) or "metrics" not in data)
    )


def read(data: dict[str, Any], path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "osv-scanner JSON", [])
    for result in data["results"]:
        source = str((result.get("source") or {}).get("path") or "")
        for entry in result.get("packages") or []:
            package = entry.get("package") or {}
            name = str(package.get("name") or "")
            scores: dict[str, str] = {}
            for group in entry.get("groups") or []:
                for gid in group.get("ids") or []:
                    scores[str(gid)] = str(group.get("max_severity") or "")
            for vuln in entry.get("vulnerabilities") or []:
                vid = str(vuln["id"])
                severity = _score(scores.get(vid))
                severity = severity or from_word(
                    (vuln.get("database_specific") or {}).get("severity")
                )
                report.unrated += severity is None
                report.findings.append(
                    SecurityFinding(
                        "osv-scanner",
                        vid,
                        str(vuln.get("summary") or vid),
                        severity or default_severity,
                        severity_given=severity is not None,
                        aliases={str(a) for a in vuln.get("aliases") or []},
                        package=name,
                        version=str(package.get("version") or ""),
                        fixed=_fixed(vuln, name),
                        file=source,
                        url=f"https://osv.dev/vulnerability/{vid}",
                    )
                )
    return report


def _fixed(vuln: dict[str, Any], name: str) -> str:
    for affected in vuln.get("affected") or []:
        named = (affected.get("package") or {}).get("name", name)
        if normal_package(str(named)) != normal_package(name):
            continue
        for span in affected.get("ranges") or []:
            for event in span.get("events") or []:
                if "fixed" in event:
                    return str(event["fixed"])
    return ""


def _score(text: str | None) -> str | None:
    try:
        return from_score(float(text)) if text else None
    except ValueError:
        return None
