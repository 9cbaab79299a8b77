"""``pitstop audit``: every rule run over the repository, inline ignores applied, the scorecard
computed from what each rule checked and what failed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pitstop.audit.config import AuditConfig
from pitstop.audit.findings import Finding
from pitstop.audit.ignores import ignore_comments, is_ignored
from pitstop.audit.registry import all_rules
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check
from pitstop.audit.scorecard import Scorecard, score


@dataclass
class AuditResult:
    repo: Repo
    checks: list[Check]
    scorecard: Scorecard
    findings: list[Finding] = field(default_factory=list)  # not ignored, in file order
    ignored: list[Finding] = field(default_factory=list)


def audit(repo: Repo, config: AuditConfig, only: Iterable[str] = ()) -> AuditResult:
    """Run the enabled rules (or just ``only``) over ``repo``."""
    rules = all_rules()
    chosen = [rules[r] for r in only] if only else list(rules.values())
    docs = repo.documents
    comments: dict[str, dict[int, set[str]]] = {}
    checks: list[Check] = []
    ignored: list[Finding] = []
    for rule in chosen:
        if rule.id in config.disable and not only:
            continue
        check = Check(
            rule,
            config.severity.get(rule.id, rule.severity),
            config.options.get(rule.id, rule.options),
        )
        rule.check(repo, check)
        kept = []
        for finding in check.findings:
            path = finding.span.path
            if path not in comments:
                doc = docs.get(path)
                text = doc.text if doc is not None else repo.read(repo.relative(path))
                comments[path] = ignore_comments(text or "")
            if is_ignored(finding, docs.get(path), comments[path]):
                ignored.append(finding)
            else:
                kept.append(finding)
        check.findings = kept
        checks.append(check)
    findings = sorted((f for c in checks for f in c.findings), key=Finding.sort_key)
    return AuditResult(repo, checks, score(checks, config), findings, ignored)
