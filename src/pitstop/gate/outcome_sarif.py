"""A gate's outcome as SARIF 2.1.0, for GitHub code scanning and any SARIF viewer: each mark (a
scanner's finding, an uncovered changed line) a result of its own rule at its file and lines,
and each broken limit an error notification of the run's invocation (SARIF 2.1.0 §3.20.21
``toolExecutionNotifications``), whose ``properties`` say whether the gate passed: a limit is a
verdict on the run, not a place in the code. A rule's level and
``security-severity`` follow the severity, as GitHub ranks them (docs, "SARIF support for code
scanning": 9.0 and above critical, 7.0 high, 4.0 medium, below low)."""

from __future__ import annotations

import json
from typing import Any

from pitstop.gate.output import Mark, Outcome
from pitstop.report.sarif_log import sarif_log

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def sarif(outcome: Outcome) -> str:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for mark in outcome.marks:
        rule = mark.rule or f"pitstop-gate/{outcome.gate}"
        if rule not in rules:
            rules[rule] = _descriptor(mark, rule)
        results.append(_result(mark, rule))
    notifications = [
        {
            "level": "error",
            "message": {"text": check.detail},
            "descriptor": {"id": f"pitstop-gate/{outcome.gate}"},
        }
        for check in outcome.checks
        if not check.passed
    ]
    order = {rule: index for index, rule in enumerate(rules)}
    for result in results:
        result["ruleIndex"] = order[result["ruleId"]]
    invocation = {
        "executionSuccessful": True,
        "toolExecutionNotifications": notifications,
        "properties": {"gate": outcome.gate, "passed": outcome.passed},
    }
    log = sarif_log(list(rules.values()), invocations=[invocation], results=results)
    return json.dumps(log, indent=2, ensure_ascii=False)


def _descriptor(mark: Mark, rule: str) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule,
        "shortDescription": {"text": mark.title or rule},
        "defaultConfiguration": {"level": LEVELS[mark.severity]},
        "properties": {"security-severity": SECURITY_SEVERITY[mark.severity]},
    }
    if mark.url:
        descriptor["helpUri"] = mark.url
    return descriptor


def _result(mark: Mark, rule: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": rule,
        "level": LEVELS[mark.severity],
        "message": {"text": mark.message},
    }
    if mark.file:
        region: dict[str, int] = {}
        if mark.line:
            region["startLine"] = mark.line
            if mark.end_line > mark.line:
                region["endLine"] = mark.end_line
        physical: dict[str, Any] = {"artifactLocation": {"uri": mark.file}}
        if region:
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    return result
