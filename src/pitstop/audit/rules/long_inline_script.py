"""long-inline-script: a ``run:`` script long enough to deserve a file of its own."""

from __future__ import annotations

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule


def check(repo: Repo, out: Check) -> None:
    limit = int(out.options.get("lines", 20))
    for place in repo.steps():
        node = place.step.node.get("run")
        if not place.step.run or node is None:
            continue
        out.checked += 1
        lines = [
            line
            for line in place.step.run.splitlines()
            if line.strip() and not line.strip().startswith("#")
        ]
        if len(lines) > limit:
            out.flag(
                span(place.doc, place.step.node.keys["run"]),
                f"step '{place.step.label}' runs a {len(lines)}-line inline script (limit "
                f"{limit}): move it to a file that can be linted, tested and run locally",
                severity="low",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} scripts under {limit} lines"


RULE = Rule(
    id="long-inline-script",
    category="maintainability",
    severity="low",
    summary="A run: script is longer than the limit (default 20 lines).",
    docs=Docs(
        what="Flags `run:` scripts with more than `lines` (default 20) lines of code, not "
        "counting blank lines and comments.",
        why="Shell inside YAML gets no shellcheck, no syntax highlighting, no tests, and cannot "
        "be run on a laptop to reproduce a failure; every copy of it drifts on its own. It is "
        "also where `${{ }}` expressions get spliced into code.",
        example="- name: Release\n  run: |\n    set -euo pipefail\n    # … 40 more lines",
        instead='- name: Release\n  run: ./scripts/release.sh "$VERSION"\n  env:\n'
        "    VERSION: ${{ inputs.version }}\n\nOption `lines` sets the limit.",
    ),
    check=check,
    options={"lines": 20},
)
