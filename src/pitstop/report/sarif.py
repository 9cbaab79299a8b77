"""An audit as SARIF 2.1.0, for GitHub code scanning (``github/codeql-action/upload-sarif``).

Each rule is a ``reportingDescriptor`` with its docs as help and, in ``properties``, the
``security-severity`` GitHub ranks by (critical above 9.0, high 7.0-8.9, medium 4.0-6.9, low
below 4.0; GitHub's docs, "SARIF support for code scanning") and the ``security`` tag for rules
of that category. Paths are relative to the audited folder (``%SRCROOT%``); columns count Unicode
code points, as pitstop's spans do."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

from pitstop.audit import AuditResult
from pitstop.audit.baseline import fingerprints
from pitstop.audit.findings import Finding
from pitstop.audit.rule import Rule
from pitstop.report.sarif_log import sarif_log

LEVELS = {"high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.5", "low": "3.0"}


def render_sarif(result: AuditResult, root: str, rules: Iterable[Rule]) -> str:
    descriptors = [_descriptor(rule) for rule in rules]
    index = {d["id"]: n for n, d in enumerate(descriptors)}
    for finding in result.findings:  # other linters' rules, merged into the report (--with)
        if finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append(_foreign_descriptor(finding))
    log = sarif_log(
        descriptors,
        originalUriBaseIds={"%SRCROOT%": {"uri": _directory_uri(os.path.abspath(root))}},
        columnKind="unicodeCodePoints",
        results=_results(result.findings, root, index),
    )
    return json.dumps(log, indent=2, ensure_ascii=False)


def _descriptor(rule: Rule) -> dict[str, Any]:
    docs = rule.docs
    text = f"{docs.what}\n\n{docs.why}\n\nExample:\n{docs.example}\n\nUse instead:\n{docs.instead}"
    markdown = (
        f"{docs.what}\n\n**Why it matters.** {docs.why}\n\n**Example**\n\n```yaml\n"
        f"{docs.example}\n```\n\n**Use instead**\n\n```yaml\n{docs.instead}\n```"
    )
    tags = [rule.category]  # rules of the security category carry GitHub's "security" tag
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs.what},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
        },
    }


def _foreign_descriptor(finding: Finding) -> dict[str, Any]:
    """Another linter's rule, described from its first finding: its name, where it documents
    the rule, and the category and severity pitstop files it under."""
    own = finding.rule.partition("/")[2] or finding.rule
    descriptor: dict[str, Any] = {
        "id": finding.rule,
        "name": "".join(part.capitalize() for part in own.split("-")),
        "shortDescription": {"text": f"{finding.source}: {own}"},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {
            "tags": [finding.category, finding.source],
            "security-severity": SECURITY_SEVERITY[finding.severity],
        },
    }
    if finding.help:
        descriptor["helpUri"] = finding.help
    return descriptor


def _results(findings: list[Finding], root: str, index: dict[str, int]) -> list[dict[str, Any]]:
    """Each finding with the fingerprint baselines use: stable when lines move, distinct for the
    same message twice in a file."""
    return [
        _result(
            finding,
            os.path.relpath(finding.span.path, root).replace(os.sep, "/"),
            index[finding.rule],
            digest,
        )
        for finding, digest in fingerprints(findings, root)
    ]


def _result(finding: Finding, relative: str, rule_index: int, digest: str) -> dict[str, Any]:
    span = finding.span
    region: dict[str, Any] = {"startLine": span.line, "startColumn": span.column}
    if span.end > span.start:
        region.update(endLine=span.end_line, endColumn=span.end_column)
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": relative, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"pitstopFinding/v1": digest},
        "properties": {
            "category": finding.category,
            "confidence": finding.confidence,
            "source": finding.source,
        },
    }


def _directory_uri(path: str) -> str:
    uri = "file://" + "/".join(
        part.replace("%", "%25").replace(" ", "%20")
        for part in path.replace(os.sep, "/").split("/")
    )
    return uri if uri.endswith("/") else uri + "/"
