"""pip-audit's JSON (``pip-audit --format json``): ``{"dependencies": [{"name", "version",
"vulns": [{"id", "fix_versions", "aliases", "description"}]}, …], "fixes": […]}``, or, before
pip-audit 2.5, the ``dependencies`` list alone (pip-audit's README, "JSON output"). pip-audit
gives no severity: each finding gets the gate's default, shown as such."""

from __future__ import annotations

from typing import Any

from pitstop.gate.security_model import ScanReport, SecurityFinding


def _dependencies(data: Any) -> list[Any] | None:
    listed = data.get("dependencies") if isinstance(data, dict) else data
    if (
        isinstance(listed, list)
        and listed
        and all(isinstance(d, dict) for d in listed)
        and all("name" in d and ("vulns" in d or "skip_reason" in d) for d in listed)
    ):
        return listed
    return None


def looks_like(data: Any) -> bool:
    if isinstance(data, dict) and data.get("dependencies") == [] and "fixes" in data:
        return True  # nothing installed to audit
    return _dependencies(data) is not None


def read(data: Any, path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "pip-audit JSON", [])
    for dependency in _dependencies(data) or []:
        for vuln in dependency.get("vulns") or []:
            vid = str(vuln["id"])
            fixes = [str(v) for v in vuln.get("fix_versions") or []]
            report.findings.append(
                SecurityFinding(
                    "pip-audit",
                    vid,
                    _first_line(vuln.get("description")) or vid,
                    default_severity,
                    severity_given=False,
                    aliases={str(a) for a in vuln.get("aliases") or []},
                    package=str(dependency["name"]),
                    version=str(dependency.get("version", "")),
                    fixed=fixes[0] if fixes else "",
                    url=f"https://osv.dev/vulnerability/{vid}",
                )
            )
            report.unrated += 1
    return report


def _first_line(text: object) -> str:
    return str(text).strip().splitlines()[0][:200] if isinstance(text, str) and text.strip() else ""
