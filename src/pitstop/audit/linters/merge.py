"""Other linters' findings merged into pitstop's, each problem counted once.

A linter's finding is already reported when a pitstop rule that looks for the same problem (the
table below) found one at the same place: the same file, on overlapping lines; for problems of
a whole workflow (its permissions, its triggers, its concurrency), anywhere in the same file, as
zizmor reports them once for the workflow and again for each of its jobs. Two linters that
report the same problem there count once too, the first named by ``--with`` keeping it. What
remains joins the report and the scorecard: each linter is scored, per category it covers, like
a rule that checked every file it read and failed the files it found something new in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pitstop.audit.findings import Finding, severity_rank
from pitstop.audit.linters import Linter, Output
from pitstop.audit.linters.actionlint import UNTRUSTED

# a linter's rule -> the pitstop rules that report the same problem
SAME: dict[str, frozenset[str]] = {
    "zizmor/unpinned-uses": frozenset({"unpinned-action"}),
    "zizmor/excessive-permissions": frozenset({"excessive-permissions"}),
    "zizmor/template-injection": frozenset({"template-injection"}),
    "zizmor/dangerous-triggers": frozenset({"dangerous-trigger"}),
    "zizmor/artipacked": frozenset({"checkout-credentials"}),
    "zizmor/secrets-inherit": frozenset({"secrets-inherit"}),
    "zizmor/insecure-commands": frozenset({"insecure-commands"}),
    "zizmor/hardcoded-container-credentials": frozenset({"hardcoded-credential"}),
    "zizmor/concurrency-limits": frozenset({"missing-concurrency"}),
    "zizmor/cache-poisoning": frozenset({"cache-poisoning"}),
    "zizmor/bot-conditions": frozenset({"bot-condition"}),
    "zizmor/github-app": frozenset({"broad-app-token"}),
    "zizmor/typosquat-uses": frozenset({"typosquat-action"}),
    "zizmor/unsound-condition": frozenset({"unsound-condition"}),
    "zizmor/unsound-contains": frozenset({"unsound-contains"}),
    "zizmor/unpinned-images": frozenset({"unpinned-image"}),
    "zizmor/github-env": frozenset({"github-env"}),
    "actionlint/credentials": frozenset({"hardcoded-credential"}),
    "actionlint/deprecated-commands": frozenset({"deprecated-command", "insecure-commands"}),
}

# problems of the whole workflow: the same file is the same place
WHOLE_WORKFLOW = frozenset(
    {"zizmor/excessive-permissions", "zizmor/dangerous-triggers", "zizmor/concurrency-limits"}
)


def same_problem(finding: Finding) -> frozenset[str]:
    """The pitstop rules that report what ``finding`` reports (itself, for a pitstop rule)."""
    if finding.source == "pitstop":
        return frozenset({finding.rule})
    if finding.rule == "actionlint/expression" and UNTRUSTED in finding.message:
        return frozenset({"template-injection"})
    return SAME.get(finding.rule, frozenset())


@dataclass(frozen=True)
class Merged:
    findings: list[Finding]  # the linters' findings nothing reported before
    duplicates: list[Finding]  # the ones a pitstop rule or an earlier linter already reported


def merge(own: Iterable[Finding], outputs: Sequence[Output]) -> Merged:
    seen: dict[str, list[tuple[int, int, frozenset[str]]]] = {}

    def add(finding: Finding, problem: frozenset[str]) -> None:
        span = finding.span
        seen.setdefault(span.path, []).append((span.line, span.end_line, problem))

    for finding in own:
        add(finding, same_problem(finding))
    kept: list[Finding] = []
    duplicates: list[Finding] = []
    for output in outputs:
        for finding in output.findings:
            problem = same_problem(finding)
            span = finding.span
            whole = finding.rule in WHOLE_WORKFLOW
            if problem and any(
                (whole or (line <= span.end_line and span.line <= end)) and problem & theirs
                for line, end, theirs in seen.get(span.path, ())
            ):
                duplicates.append(finding)
                continue
            kept.append(finding)
            if problem:
                add(finding, problem)
    return Merged(kept, duplicates)


@dataclass
class LinterCheck:
    """A linter in the scorecard: per category it covers, the files it read and the files it
    found something new in."""

    id: str  # the linter's name
    category: str
    checked: int
    findings: list[Finding] = field(default_factory=list)
    duplicates: int = 0
    version: str = ""

    @property
    def severity(self) -> str:
        """The worst of its findings (weights its row like a rule of that severity)."""
        return max((f.severity for f in self.findings), key=severity_rank, default="low")

    @property
    def failed(self) -> int:
        return min(len({f.span.path for f in self.findings}), self.checked)

    @property
    def unjudged(self) -> str:
        return ""  # a linter that could not run stops the audit with its reason

    @property
    def figure(self) -> str:
        name = f"{self.id} {self.version}".strip()
        count = len(self.findings)
        text = (
            f"{name}: {count} finding{'s' if count != 1 else ''} in {self.failed} of "
            f"{self.checked} files"
        )
        if self.duplicates:
            text += f"; {self.duplicates} more already reported, not counted twice"
        return text


def linter_checks(
    linters: Sequence[Linter], outputs: Sequence[Output], kept: Sequence[Finding], merged: Merged
) -> list[LinterCheck]:
    checks = []
    for linter, output in zip(linters, outputs, strict=True):
        for category in linter.categories:
            checks.append(
                LinterCheck(
                    linter.name,
                    category,
                    output.files,
                    [f for f in kept if f.source == linter.name and f.category == category],
                    sum(
                        f.source == linter.name and f.category == category
                        for f in merged.duplicates
                    ),
                    output.version,
                )
            )
    return checks
