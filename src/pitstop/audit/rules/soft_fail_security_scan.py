"""soft-fail-security-scan: a security scanner that can never fail the build."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import commits_back
from pitstop.audit.repo import Repo, StepPlace, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scanners import (
    DEPENDENCIES,
    SCAN_ACTIONS,
    action_writes_an_sbom,
    kinds_of,
    scanner,
)
from pitstop.audit.scripts import SOFT_FAIL, commands
from pitstop.audit.softening import continue_on_error, run_step
from pitstop.workflow.model import Step
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

# with: inputs that turn an action's findings into a pass
SOFT_INPUTS = {
    "exit-code": "0",
    "fail-build": "false",
    "soft_fail": "true",
    "fail-on-error": "false",
}
BLOCKING_INPUTS = {"exit-code": "1", "fail-build": True, "soft_fail": False, "fail-on-error": True}


def _scan(command: str) -> str | None:
    if AUDIT_FIX.search(command):
        return None  # a fix attempt, not a scan
    name = scanner(command)
    return f"the {name} scan" if name else None


# `npm audit fix`: repairs, does not check.
AUDIT_FIX = re.compile(r"\b(npm|pnpm|yarn)\s+audit\s+fix\b")
# A job that opens a pull request or commits with what it repaired: a bot, not a gate.


def _reports_to_code_scanning(place: StepPlace) -> bool:
    """A scan whose results go to code scanning (SARIF output and an upload-sarif step after
    it): findings show on the Security tab and in pull requests, by design not as a red step."""
    given = place.step.with_ if isinstance(place.step.with_, dict) else {}
    sarif = str(given.get("format", "")).lower() == "sarif" or "sarif" in str(
        given.get("output", "")
    )
    uploads = [s for s in place.later() if "upload-sarif" in (s.uses or "")]
    # or the upload names the scan's own output (meltano's anchore/scan-action, SARIF by
    # default: `sarif_file: ${{ steps.anchore-scan.outputs.sarif }}`)
    scan_id = place.step.id
    own = bool(scan_id) and any(
        f"steps.{scan_id}.outputs." in str(s.with_.get("sarif_file", "")) for s in uploads
    )
    return bool(uploads) and (sarif or own)


# pitstop's own security gate, reading the reports the scans wrote (docs/gate.md)
PITSTOP_GATE = re.compile(r"\bpitstop\s+gate\s+security\b")


def _gated_later(place: StepPlace) -> bool:
    """A later step of the job holds the scans' reports against ``pitstop gate security`` and
    can fail: a scan that writes its report and exits 0 then hides nothing; the gate blocks,
    with its budgets and allowlist (the way the seeds' plans want scanners to feed one gate)."""
    reports = _reports_written(place)
    for step in place.later():
        if str(step.continue_on_error).lower() == "true" or not step.run:
            continue
        for command in commands(step.run):
            if PITSTOP_GATE.search(command.text) and not SOFT_FAIL.search(command.text):
                return True
        if _on_its_failure(place, step) and any(r in step.run for r in reports):
            return True  # the job's own gate judges the report of a failed scan
        if _fails_on_its_outcome(place, step):
            return True
    return False


def _fails_on_its_outcome(place: StepPlace, step: Step) -> bool:
    """``step``'s script reads the scan's `outcome` (its result before `continue-on-error`)
    and can exit non-zero: every scan runs, then one step fails the job for them all
    (KubeArmor's "Report Trivy Scan Results")."""
    scan_id = place.step.id
    if not scan_id or not step.run:
        return False
    env = step.env if isinstance(step.env, dict) else {}
    text = step.run + "\n" + "\n".join(str(v) for v in env.values())
    reads = re.search(rf"steps\.{re.escape(str(scan_id))}\.outcome\b", text)
    return bool(reads) and re.search(r"\bexit\s+[1-9]", step.run) is not None


# A report file named in a scan's inputs or command (`--output=/github/workspace/osv.json`).
REPORT_FILE = re.compile(r"[\w.-]+\.(json|sarif|xml|txt)\b")


def _reports_written(place: StepPlace) -> set[str]:
    given = place.step.with_ if isinstance(place.step.with_, dict) else {}
    text = " ".join(str(v) for v in given.values()) + " " + (place.step.run or "")
    return {m.group(0) for m in REPORT_FILE.finditer(text)}


def _on_its_failure(place: StepPlace, step: Step) -> bool:
    """``step`` runs when the scan step failed: its `if:` reads the scan's `outcome`, the result
    before `continue-on-error` made it a success (docs.github.com, "Contexts reference",
    steps context; nautilus_trader's osv-severity-gate.sh after its osv-scanner)."""
    scan_id = place.step.id
    condition = step.if_ if isinstance(step.if_, str) else ""
    return bool(scan_id) and bool(
        re.search(rf"steps\.{re.escape(str(scan_id))}\.outcome\s*==\s*'failure'", condition)
    )


def _review_gate(repo: Repo) -> bool:
    """A dependency-review step that can fail: new vulnerable dependencies already stop pull
    requests, so an advisory audit beside it (peaceiris's `npm audit || true` posted as a
    warning) reports, it does not hide."""
    return any(
        (p.step.uses or "").lower().startswith("actions/dependency-review-action")
        and str(p.step.continue_on_error).lower() != "true"
        for p in repo.steps()
    )


def check(repo: Repo, out: Check) -> None:
    reviewed = _review_gate(repo)

    def scan(command: str) -> str | None:
        name = scanner(command)
        if reviewed and name and DEPENDENCIES in kinds_of(name):
            return None  # advisory beside the blocking dependency review
        return _scan(command)

    bots: dict[int, bool] = {}  # per job (its steps tuple), read once
    for place in repo.steps():
        steps = place.siblings
        if id(steps) not in bots:
            bots[id(steps)] = commits_back(steps)
        if bots[id(steps)]:
            continue  # a job that repairs and proposes the repair
        if place.step.run:
            if _gated_later(place):
                out.checked += sum(1 for c in commands(place.step.run) if _scan(c.text))
                continue
            run_step(place, out, scan)
        elif (found := SCAN_ACTIONS.match(place.step.uses or "")) and not action_writes_an_sbom(
            found.group(1).lower(), place.step.with_
        ):
            out.checked += 1
            if _reports_to_code_scanning(place) or _gated_later(place):
                continue
            _blocking_action(place, out)
    out.figure = f"{out.checked - out.failed} of {out.checked} security scans block the build"


def _blocking_action(place: StepPlace, out: Check) -> None:
    given = place.step.node.get("with")
    if isinstance(given, MappingNode):
        for key, value in given.items():
            soft = SOFT_INPUTS.get(key.raw.lower())
            if soft is not None and str(value.to_python()).lower() == soft:
                out.flag(
                    span(place.doc, value),
                    f"`{key.raw}: {soft}` makes {place.step.uses} pass whatever it finds",
                    fix=Fix(
                        f"set {key.raw}: {BLOCKING_INPUTS[key.raw.lower()]}".lower(),
                        "unsafe",
                        partial(_block, place.doc, value, BLOCKING_INPUTS[key.raw.lower()]),
                    ),
                )
                return
    continue_on_error(place, out, str(place.step.uses))


def _block(doc: YamlDocument, node: Node, blocking: object, context: FixContext) -> None:
    if isinstance(node, ScalarNode) and isinstance(node.value, int) and blocking == "1":
        blocking = 1  # exit-code: 0 written as a number stays a number
    context.patch(doc).replace_scalar(node, blocking)


RULE = Rule(
    id="soft-fail-security-scan",
    category="security",
    severity="high",
    summary="A security scan is made non-blocking.",
    docs=Docs(
        what="Flags scanner steps (pip-audit, safety, bandit, semgrep, trivy, grype, gitleaks, "
        "trufflehog, npm audit, osv-scanner, zizmor and their actions) made unable to fail: "
        "`|| true`, `|| exit 0`, `set +e`, `--exit-zero`, `exit-code: 0`, `fail-build: false`, "
        "or `continue-on-error: true` (on the job: when another job needs it, for the job's own "
        "check still fails). A scan whose report a later, blocking `pitstop gate "
        "security` step of the job reads is not flagged: the gate blocks, with its budgets and "
        "allowlist. Nor is one whose report a later step reads when the scan failed (its "
        "`if:` reads `steps.<id>.outcome == 'failure'`), or whose outcome a later script reads "
        "before it exits non-zero: the job's own gate decides. An action scan whose SARIF a "
        "later step uploads to code scanning (its `format`, or the upload naming the scan's "
        "output) reports as alerts, by design. Subcommands that scan nothing (`trivy "
        "convert`, which prints a report) and bills of materials (trivy's `--format "
        "cyclonedx`) are not scans.",
        why="A scan that cannot fail is a log nobody reads. The known CVE ships, the leaked key "
        "stays, and the dashboard says the scan ran.",
        example="- run: bandit -r src -ll || true",
        instead="- run: bandit -r src -ll\n\nTriage what it finds once; silence single findings "
        "in the scanner's own config (`# nosec B101`, `.trivyignore`), not the whole scan. Or "
        "let the scanners write reports and one gate decide:\n\n"
        "- run: bandit -r src -f sarif -o bandit.sarif || true\n"
        "- run: pitstop gate security bandit.sarif --max high+=4",
    ),
    check=check,
    fixable="unsafe",
)
