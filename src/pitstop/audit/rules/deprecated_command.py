"""deprecated-command: ``::set-output``, ``::save-state``, ``::set-env`` or ``::add-path`` printed
by a script, instead of writing to the environment files.

Source: GitHub's changelog "Deprecating save-state and set-output commands" (2022-10-11) and
the workflow-commands reference, which lists ``$GITHUB_OUTPUT``, ``$GITHUB_STATE``,
``$GITHUB_ENV`` and ``$GITHUB_PATH`` in their place."""

from __future__ import annotations

import re

from pitstop.audit.locate import offset_span
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule

COMMAND = re.compile(r"::(set-output|save-state|set-env|add-path)\b")
INSTEAD = {
    "set-output": '"name=value" >> "$GITHUB_OUTPUT"',
    "save-state": '"name=value" >> "$GITHUB_STATE"',
    "set-env": '"NAME=value" >> "$GITHUB_ENV"',
    "add-path": '"/some/dir" >> "$GITHUB_PATH"',
}


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        node = place.step.node.get("run")
        if not place.step.run or node is None:
            continue
        out.checked += 1
        text = place.doc.text
        for found in COMMAND.finditer(text, node.start.offset, node.end.offset):
            name = found.group(1)
            disabled = name in ("set-env", "add-path")
            out.flag(
                offset_span(place.doc, found.start(), found.end()),
                f"::{name} is "
                + ("disabled" if disabled else "deprecated")
                + f"; write {INSTEAD[name]} instead",
                severity="high" if disabled else None,
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} scripts use environment files"


RULE = Rule(
    id="deprecated-command",
    category="reliability",
    severity="medium",
    summary="A script prints ::set-output, ::save-state, ::set-env or ::add-path.",
    docs=Docs(
        what="Flags the deprecated `::set-output` and `::save-state` workflow commands and the "
        "disabled `::set-env` and `::add-path` in `run:` scripts.",
        why="`set-output` and `save-state` print a warning on every run and are read from the "
        "log, so any line a tool prints can forge an output. `set-env` and `add-path` were "
        "disabled in 2020 for that reason: the step 'succeeds' and later steps silently miss "
        "the value.",
        example='- id: version\n  run: echo "::set-output name=tag::$(git describe)"',
        instead='- id: version\n  run: echo "tag=$(git describe)" >> "$GITHUB_OUTPUT"',
    ),
    check=check,
)
