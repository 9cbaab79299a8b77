"""``pitstop audit``: every rule run over the repository, other linters' findings merged in
(``--with``), inline ignores applied, the scorecard computed from what each rule checked and what
failed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pitstop.audit.config import AuditConfig
from pitstop.audit.findings import Finding, Fix
from pitstop.audit.ignores import ignore_comments, is_ignored
from pitstop.audit.parallel import run_checks
from pitstop.audit.registry import all_rules
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check
from pitstop.audit.scorecard import Scorecard, Scored, score

if TYPE_CHECKING:
    from pitstop.audit.linters.merge import LinterCheck


@dataclass
class AuditResult:
    repo: Repo
    checks: list[Check]
    scorecard: Scorecard
    findings: list[Finding] = field(default_factory=list)  # not ignored, in file order
    ignored: list[Finding] = field(default_factory=list)
    linters: list[LinterCheck] = field(default_factory=list)  # --with, one per category

    @property
    def scored(self) -> list[Scored]:
        """What the scorecard counted: each rule's check, then each linter's."""
        return [*self.checks, *self.linters]


def _in_source(finding: Finding) -> Finding:
    """A finding in a generated file keeps its fix's title, but ``fix`` leaves the file alone:
    the change belongs in what writes it."""
    if finding.fix is None:
        return finding

    def refuse(context: object) -> None:
        from pitstop.fix.patch import CannotFix

        raise CannotFix("the file is generated (its header says so): change what writes it")

    return replace(finding, fix=Fix(finding.fix.title, finding.fix.safety, refuse))


def audit(
    repo: Repo,
    config: AuditConfig,
    only: Iterable[str] = (),
    linters: Sequence[str] = (),
    workers: int = 1,
) -> AuditResult:
    """Run the enabled rules (or just ``only``) over ``repo``, then the ``linters`` named.
    With ``workers`` above 1 the rules are spread over that many processes, and findings keep
    their fix's title and safety but cannot apply it (``audit.parallel``)."""
    rules = all_rules()
    chosen = [rules[r] for r in only] if only else list(rules.values())
    ignores = _Ignores(repo)
    checks = [
        Check(
            rule,
            config.severity.get(rule.id, rule.severity),
            config.options.get(rule.id, rule.options),
        )
        for rule in chosen
        if not (rule.id in config.disable and not only)
    ]
    run_checks(repo, checks, workers)
    if repo.generated:
        for check in checks:
            check.findings = [
                _in_source(f) if f.span.path in repo.generated else f for f in check.findings
            ]
    ignored: list[Finding] = []
    for check in checks:
        check.findings = ignores.split(check.findings, ignored)
    foreign = _linters(repo, config, linters, checks, ignored, ignores)
    scored: list[Scored] = [*checks, *foreign]
    findings = sorted((f for c in scored for f in c.findings), key=Finding.sort_key)
    return AuditResult(repo, checks, score(scored, config), findings, ignored, foreign)


def _linters(
    repo: Repo,
    config: AuditConfig,
    names: Sequence[str],
    checks: list[Check],
    ignored: list[Finding],
    ignores: _Ignores,
) -> list[LinterCheck]:
    """Run each linter, keep what no rule already found, apply settings and inline ignores."""
    if not names:
        return []
    from pitstop.audit.linters import linters, run_linter
    from pitstop.audit.linters.merge import linter_checks, merge

    known = linters()
    chosen = [known[name] for name in names]
    texts = {path: doc.text for path, doc in repo.documents.items()}
    workflows = [w.path for w in repo.workflows]
    actions = [a.path for a in repo.actions]
    outputs = [run_linter(linter, workflows, actions, texts) for linter in chosen]
    merged = merge([*(f for c in checks for f in c.findings), *ignored], outputs)
    kept = [
        replace(f, severity=config.severity[f.rule]) if f.rule in config.severity else f
        for f in merged.findings
        if f.rule not in config.disable
    ]
    return linter_checks(chosen, outputs, ignores.split(kept, ignored), merged)


class _Ignores:
    """Inline ``# pitstop: ignore[...]`` comments, read once per file."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.comments: dict[str, dict[int, set[str]]] = {}

    def split(self, findings: list[Finding], ignored: list[Finding]) -> list[Finding]:
        """The findings no comment ignores; the others are added to ``ignored``."""
        docs = self.repo.documents
        kept = []
        for finding in findings:
            path = finding.span.path
            if path not in self.comments:
                doc = docs.get(path)
                text = doc.text if doc is not None else self.repo.read(self.repo.relative(path))
                self.comments[path] = ignore_comments(text or "")
            if is_ignored(finding, docs.get(path), self.comments[path]):
                ignored.append(finding)
            else:
                kept.append(finding)
        return kept
