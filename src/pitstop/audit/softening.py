"""Checks that cannot fail: ``|| true``, ``--exit-zero``, ``set +e`` or ``continue-on-error``
around a command that is meant to block the build. Shared by the rules about security scans and
about tests, which differ only in the commands they care about."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.locate import fragment_span
from pitstop.audit.repo import StepPlace, span
from pitstop.audit.scripts import SOFT_FAIL, Command, commands
from pitstop.fix.patch import CannotFix
from pitstop.workflow.yaml import Node, YamlDocument

if TYPE_CHECKING:
    from pitstop.audit.rule import Check
    from pitstop.fix.context import FixContext

EXIT_ZERO = re.compile(r"(--exit-zero|--exit-code[ =]0\b|--continue-on-error|--soft-fail)")


NOT_A_GATE = frozenset({"schedule", "workflow_dispatch"})


def continue_on_error(place: StepPlace, out: Check, subject: str) -> bool:
    """Flag ``continue-on-error: true`` on the step or its job; whether it was there.

    On a step it turns the step's failure into success. On a job, the job's own check still
    fails (the run shows it red, and branch protection reads that check), but the workflow run
    succeeds and jobs that need it see ``needs.<job>.result`` as success (GitHub's docs,
    "jobs.<job_id>.continue-on-error"; actions/runner#1161): it hides the failure only from
    those, so it is flagged when a job needs it. On a job of a workflow that only a schedule or
    a person starts, it is an allowed failure (laravel's nightly against a database's
    development build). One finding per ``continue-on-error``, however many commands it
    covers."""
    for node in (place.step.node, place.job.node if place.job else None):
        if node is None:
            continue
        value = node.get("continue-on-error")
        if value is None or str(value.to_python()).lower() != "true":
            continue
        where = span(place.doc, value)
        if any(f.span == where for f in out.findings):
            return True  # another command of the same step or job
        message = f"{subject} runs with continue-on-error: it can never fail"
        if node is not place.step.node:
            triggers = set(place.workflow.triggers) if place.workflow is not None else set()
            if triggers and triggers <= NOT_A_GATE:
                return True
            dependents = _dependents(place)
            if not dependents:
                return True  # its check still fails, and nothing reads it as passed
            message = (
                f"{subject} runs in a job with continue-on-error: its check shows the failure, "
                f"but job{'s' if len(dependents) > 1 else ''} "
                f"{', '.join(repr(d) for d in dependents[:3])} that need it see success and run"
            )
        out.flag(
            where,
            message,
            fix=Fix(
                "removed continue-on-error",
                "unsafe",
                partial(_delete, place.doc, node, "continue-on-error"),
            ),
        )
        return True
    return False


def _dependents(place: StepPlace) -> list[str]:
    """The jobs of the workflow that need the step's job."""
    if place.workflow is None or place.job is None:
        return []
    mine = place.job.id
    return [job.id for job in place.workflow.jobs.values() if mine in job.needs]


def with_tail(lines: list[str], command: Command) -> str:
    """The command as written on its line with its ``|| …`` tail (``pytest || true``), up to
    the next ``;`` or ``&&``: what says whether its failure is swallowed."""
    line = lines[command.line] if command.line < len(lines) else ""
    rest = line[line.find(command.text) :] if command.text in line else command.text
    rest = re.split(r";|&&", rest, maxsplit=1)[0]
    return rest if rest.startswith(command.text) else command.text


def run_step(place: StepPlace, out: Check, classify: Callable[[str], str | None]) -> None:
    """Each command of the step's script that ``classify`` names (``the bandit scan``), checked
    for a soft-fail on its own line, an earlier ``set +e``, or continue-on-error."""
    script = place.step.run or ""
    node = place.step.node.get("run")
    assert node is not None
    lines = script.split("\n")
    soft_shell = False
    for command in commands(script):
        if command.text.startswith("set +e"):
            soft_shell = True
        rest = with_tail(lines, command)
        subject = classify(rest)
        if subject is None:
            continue
        out.checked += 1
        soft = SOFT_FAIL.search(rest) or EXIT_ZERO.search(command.text)
        if soft:
            fragment = soft.group(0)
            where = fragment_span(place.doc, node, command.text).start - node.start.offset
            found = fragment_span(place.doc, node, fragment, after=max(0, where))
            out.flag(
                found,
                f"'{fragment.strip()}' makes {subject} pass whatever it finds",
                fix=Fix(
                    f"removed '{fragment.strip()}' from {subject}",
                    "unsafe",
                    partial(_unsoften, place.doc, node, found.start),
                )
                if found.start != node.start.offset
                else None,
            )
        elif soft_shell:
            out.flag(
                fragment_span(place.doc, node, "set +e"),
                f"`set +e` lets {subject} fail without failing the step",
            )
        else:
            continue_on_error(place, out, subject)


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


def _delete(doc: YamlDocument, mapping: Node, key: str, context: FixContext) -> None:
    context.patch(doc).delete_entry(mapping, key)
