"""SARIF 2.1.0 from any tool (CodeQL, Semgrep, Bandit, Trivy, Gitleaks, zizmor, pitstop).

A result's level follows the standard (OASIS SARIF 2.1.0, §3.27.10 ``level``): its own
``level``; else ``none`` when its ``kind`` is not ``fail``; else its rule's configuration
override in the invocation, else the rule's ``defaultConfiguration.level``, else ``warning``.
Its rule is found through ``ruleIndex``/``rule.index`` or the id, in the driver or in the
extension ``rule.toolComponent`` names (§3.52.7; CodeQL keeps its rules there). Its severity is
the rule's (or the result's) ``security-severity`` as GitHub's code scanning ranks it, else the
level's (error high, warning medium, note low). A run that rates none of its results, neither
by level nor by security-severity (Gitleaks'), gives no severity: its findings get the gate's
default, shown as such. A result suppressed in the report (§3.27.23,
any suppression not ``rejected``), ``absent`` from its baseline, not a ``fail`` or of level
``none`` is not a finding."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from pitstop.gate.security_model import ScanReport, SecurityFinding, from_score, from_word

LEVELS = ("error", "warning", "note", "none")


def looks_like(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        return False
    if "version" in data:
        return bool(data["version"] == "2.1.0")
    return "2.1" in str(data.get("$schema", ""))


def read(data: dict[str, Any], path: str, default_severity: str) -> ScanReport:
    report = ScanReport(path, "SARIF 2.1.0", [], {level: 0 for level in LEVELS})
    tools: list[str] = []
    for run in data["runs"]:
        driver = run.get("tool", {}).get("driver", {})
        tool = str(driver.get("name") or "SARIF")
        tools.append(tool)
        components = [driver, *run.get("tool", {}).get("extensions", [])]
        results = [(result, *_rule(result, components)) for result in run.get("results") or []]
        levels = [_level(result, run, rule, index) for result, rule, index in results]
        # a run none of whose results or rules is rated (Gitleaks') gives no severity; in a run
        # that rates some, a result without a level is a warning (Bandit leaves it out)
        rates = any(given for _, given in levels) or any(
            "security-severity" in (rule.get("properties") or {}) for _, rule, _ in results
        )
        for (result, rule, _), (level, _given) in zip(results, levels, strict=True):
            report.levels[level] = report.levels.get(level, 0) + 1
            if _left_out(result, level):
                report.left_out += 1
                continue
            finding = _finding(tool, result, rule, level if rates else None, default_severity)
            report.unrated += not finding.severity_given
            report.findings.append(finding)
    if tools:
        report.format = f"SARIF 2.1.0 ({', '.join(dict.fromkeys(tools))})"
    return report


def _left_out(result: dict[str, Any], level: str) -> bool:
    suppressions = result.get("suppressions") or []
    return (
        result.get("kind", "fail") != "fail"
        or level == "none"
        or result.get("baselineState") == "absent"
        or any(s.get("status", "accepted") != "rejected" for s in suppressions)
    )


def _rule(result: dict[str, Any], components: list[dict[str, Any]]) -> tuple[dict[str, Any], int]:
    reference = result.get("rule") or {}
    component = components[0]
    where = (reference.get("toolComponent") or {}).get("index")
    if isinstance(where, int) and 0 <= where < len(components):
        component = components[where]
    rules = component.get("rules") or []
    index = result.get("ruleIndex", reference.get("index"))
    if isinstance(index, int) and 0 <= index < len(rules):
        return rules[index], index
    rule_id = result.get("ruleId", reference.get("id"))
    for number, rule in enumerate(rules):
        if rule_id is not None and rule.get("id") == rule_id:
            return rule, number
    return {}, -1


def _level(
    result: dict[str, Any], run: dict[str, Any], rule: dict[str, Any], index: int
) -> tuple[str, bool]:
    """The result's level, and whether the report gives it (or it is SARIF's fallback)."""
    if result.get("level"):
        return str(result["level"]), True
    if result.get("kind", "fail") != "fail":
        return "none", True
    if rule:
        at = (result.get("provenance") or {}).get("invocationIndex")
        invocations = run.get("invocations") or []
        if isinstance(at, int) and 0 <= at < len(invocations):
            for override in invocations[at].get("ruleConfigurationOverrides") or []:
                descriptor = override.get("descriptor") or {}
                if descriptor.get("id") == rule.get("id") or descriptor.get("index") == index:
                    level = (override.get("configuration") or {}).get("level")
                    if level:
                        return str(level), True
        level = (rule.get("defaultConfiguration") or {}).get("level")
        if level:
            return str(level), True
    return "warning", False


def _finding(
    tool: str,
    result: dict[str, Any],
    rule: dict[str, Any],
    level: str | None,
    default_severity: str,
) -> SecurityFinding:
    """A result as a finding; rated by its ``security-severity``, else by the ``level`` the
    report gives (None: it gives none, and the gate's default stands in)."""
    rule_id = str(result.get("ruleId") or (result.get("rule") or {}).get("id") or rule.get("id"))
    score = (result.get("properties") or {}).get("security-severity")
    if score is None:
        score = (rule.get("properties") or {}).get("security-severity")
    try:
        severity = from_score(float(score)) if score is not None else None
    except (TypeError, ValueError):
        severity = None
    severity = severity or from_word(level)
    title = (rule.get("shortDescription") or {}).get("text") or (
        (result.get("message") or {}).get("text") or rule_id
    )
    file, line = _location(result)
    return SecurityFinding(
        tool,
        rule_id,
        str(title).strip().splitlines()[0] if str(title).strip() else rule_id,
        severity or default_severity,
        severity_given=severity is not None,
        file=file,
        line=line,
        url=str(rule.get("helpUri") or ""),
    )


def _location(result: dict[str, Any]) -> tuple[str, int]:
    for location in result.get("locations") or []:
        physical = location.get("physicalLocation") or {}
        uri = (physical.get("artifactLocation") or {}).get("uri")
        if uri:
            line = (physical.get("region") or {}).get("startLine") or 0
            return unquote(str(uri)).removeprefix("file://"), int(line)
    return "", 0
