"""soft-fail-security-scan: a security scanner that can never fail the build."""

from __future__ import annotations

import re

from pitstop.audit.locate import fragment_span
from pitstop.audit.repo import Repo, StepPlace, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import SOFT_FAIL, commands, words
from pitstop.workflow.yaml import MappingNode

SCANNERS = frozenset(
    {
        "pip-audit",
        "pip_audit",
        "safety",
        "bandit",
        "semgrep",
        "trivy",
        "grype",
        "gitleaks",
        "trufflehog",
        "osv-scanner",
        "zizmor",
        "snyk",
        "checkov",
        "njsscan",
    }
)
SCAN_ACTIONS = re.compile(
    r"^(aquasecurity/trivy-action|anchore/scan-action|gitleaks/gitleaks-action"
    r"|trufflesecurity/trufflehog|returntocorp/semgrep-action|semgrep/semgrep-action"
    r"|google/osv-scanner-action|pypa/gh-action-pip-audit|zizmorcore/zizmor-action"
    r"|snyk/actions|github/codeql-action/analyze|bridgecrewio/checkov-action)",
    re.IGNORECASE,
)
# with: inputs that turn an action's findings into a pass
SOFT_INPUTS = {
    "exit-code": "0",
    "fail-build": "false",
    "soft_fail": "true",
    "fail-on-error": "false",
}
EXIT_ZERO = re.compile(r"(--exit-zero|--exit-code[ =]0\b|--continue-on-error|--soft-fail)")


def scanner(command: str) -> str | None:
    said = words(command)
    for index, word in enumerate(said):
        name = word.rsplit("/", 1)[-1]
        if name in SCANNERS:
            return name
        if name in ("npm", "pnpm", "yarn") and index + 1 < len(said) and said[index + 1] == "audit":
            return f"{name} audit"
        if name not in ("python", "python3", "-m", "uv", "uvx", "pipx", "run", "npx", "sudo"):
            return None
    return None


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        if place.step.run:
            _run_step(place, out)
        elif place.step.uses and SCAN_ACTIONS.match(place.step.uses):
            out.checked += 1
            _blocking_action(place, out)
    out.figure = f"{out.checked - out.failed} of {out.checked} security scans block the build"


def _continue_on_error(place: StepPlace, out: Check, what: str) -> bool:
    for node in (place.step.node, place.job.node if place.job else None):
        if node is None:
            continue
        value = node.get("continue-on-error")
        if value is not None and str(value.to_python()).lower() == "true":
            out.flag(
                span(place.doc, value), f"{what} runs with continue-on-error: it can never fail"
            )
            return True
    return False


def _run_step(place: StepPlace, out: Check) -> None:
    script = place.step.run or ""
    node = place.step.node.get("run")
    assert node is not None
    lines = script.split("\n")
    soft_shell = False
    for command in commands(script):
        if command.text.startswith("set +e"):
            soft_shell = True
        name = scanner(command.text)
        if name is None:
            continue
        out.checked += 1
        line = lines[command.line] if command.line < len(lines) else ""
        rest = line[line.find(command.text) :] if command.text in line else command.text
        rest = re.split(r";|&&", rest, maxsplit=1)[0]
        soft = SOFT_FAIL.search(rest) or EXIT_ZERO.search(command.text)
        if soft:
            fragment = soft.group(0)
            where = fragment_span(place.doc, node, command.text).start - node.start.offset
            out.flag(
                fragment_span(place.doc, node, fragment, after=max(0, where)),
                f"'{fragment.strip()}' makes the {name} scan pass whatever it finds",
            )
        elif soft_shell:
            out.flag(
                fragment_span(place.doc, node, "set +e"),
                f"`set +e` lets the {name} scan fail without failing the step",
            )
        else:
            _continue_on_error(place, out, f"the {name} scan")


def _blocking_action(place: StepPlace, out: Check) -> None:
    given = place.step.node.get("with")
    if isinstance(given, MappingNode):
        for key, value in given.items():
            soft = SOFT_INPUTS.get(key.raw.lower())
            if soft is not None and str(value.to_python()).lower() == soft:
                out.flag(
                    span(place.doc, value),
                    f"`{key.raw}: {soft}` makes {place.step.uses} pass whatever it finds",
                )
                return
    _continue_on_error(place, out, str(place.step.uses))


RULE = Rule(
    id="soft-fail-security-scan",
    category="security",
    severity="high",
    summary="A security scan is made non-blocking.",
    docs=Docs(
        what="Flags scanner steps (pip-audit, safety, bandit, semgrep, trivy, grype, gitleaks, "
        "trufflehog, npm audit, osv-scanner, zizmor and their actions) made unable to fail: "
        "`|| true`, `|| exit 0`, `set +e`, `--exit-zero`, `exit-code: 0`, `fail-build: false`, "
        "or `continue-on-error: true`.",
        why="A scan that cannot fail is a log nobody reads. The known CVE ships, the leaked key "
        "stays, and the dashboard says the scan ran.",
        example="- run: bandit -r src -ll || true",
        instead="- run: bandit -r src -ll\n\nTriage what it finds once; silence single findings "
        "in the scanner's own config (`# nosec B101`, `.trivyignore`), not the whole scan.",
    ),
    check=check,
)
