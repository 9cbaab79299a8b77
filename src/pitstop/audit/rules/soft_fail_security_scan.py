"""soft-fail-security-scan: a security scanner that can never fail the build."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.locate import fragment_span
from pitstop.audit.repo import Repo, StepPlace, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import SOFT_FAIL, commands, words
from pitstop.fix.patch import CannotFix
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

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
BLOCKING_INPUTS = {"exit-code": "1", "fail-build": True, "soft_fail": False, "fail-on-error": True}
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
                span(place.doc, value),
                f"{what} runs with continue-on-error: it can never fail",
                fix=Fix(
                    "removed continue-on-error",
                    "unsafe",
                    partial(_delete, place.doc, node, "continue-on-error"),
                ),
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
            found = fragment_span(place.doc, node, fragment, after=max(0, where))
            out.flag(
                found,
                f"'{fragment.strip()}' makes the {name} scan pass whatever it finds",
                fix=Fix(
                    f"removed '{fragment.strip()}' from the {name} scan",
                    "unsafe",
                    partial(_unsoften, place.doc, node, found.start),
                )
                if found.start != node.start.offset
                else None,
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
                    fix=Fix(
                        f"set {key.raw}: {BLOCKING_INPUTS[key.raw.lower()]}".lower(),
                        "unsafe",
                        partial(_block, place.doc, value, BLOCKING_INPUTS[key.raw.lower()]),
                    ),
                )
                return
    _continue_on_error(place, out, str(place.step.uses))


def _unsoften(doc: YamlDocument, node: Node, start: int, context: FixContext) -> None:
    """Remove ``|| true`` (with the space before it, and an ``echo``'s words after it), or a
    flag such as ``--exit-zero``; ``--exit-code 0`` becomes ``--exit-code 1``."""
    text = doc.text
    end_of_line = text.find("\n", start, node.end.offset)
    line = text[start : node.end.offset if end_of_line < 0 else end_of_line]
    patch = context.patch(doc)
    code = re.match(r"--exit-code([ =])0\b", line)
    if code:
        patch.replace_fragment(node, start, start + len(code.group(0)), f"--exit-code{code[1]}1")
        return
    soft = SOFT_FAIL.match(line) or EXIT_ZERO.match(line)
    if soft is None:
        raise CannotFix("the soft-fail is not written where it was found")
    length = len(soft.group(0).rstrip())
    if soft.group(0).startswith("||") and "echo" in soft.group(0):
        length = len(re.split(r";|&&|\|\||#", line[2:], maxsplit=1)[0].rstrip()) + 2
    begin = start
    while begin > node.start.offset and text[begin - 1] in " \t":
        begin -= 1
    patch.replace_fragment(node, begin, start + length, "")


def _block(doc: YamlDocument, node: Node, blocking: object, context: FixContext) -> None:
    if isinstance(node, ScalarNode) and isinstance(node.value, int) and blocking == "1":
        blocking = 1  # exit-code: 0 written as a number stays a number
    context.patch(doc).replace_scalar(node, blocking)


def _delete(doc: YamlDocument, mapping: Node, key: str, context: FixContext) -> None:
    context.patch(doc).delete_entry(mapping, key)


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
    fixable="unsafe",
)
