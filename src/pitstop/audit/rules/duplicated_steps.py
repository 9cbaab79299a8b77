"""duplicated-steps: the same run of three or more steps copied into two or more jobs, in one
workflow or across workflows. The figure is the duplication ratio: the share of all steps that
sit in a copied run."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job, Step, Workflow

IGNORED_KEYS = ("name", "id")  # two steps that differ only in these do the same thing


@dataclass(frozen=True)
class Place:
    workflow: Workflow
    job: Job


def check(repo: Repo, out: Check) -> None:
    size = max(2, int(out.options.get("min-steps", 3)))
    places = [Place(w, j) for w, j in repo.jobs() if not j.uses]
    seen: dict[str, str] = {}  # a step's text -> its key: copies are read once
    keys = [[_key(s, p.workflow.doc.text, seen) for s in p.job.steps] for p in places]
    # Every window of `size` steps -> where it starts, per job.
    windows: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for number, steps in enumerate(keys):
        for start in range(len(steps) - size + 1):
            windows[tuple(steps[start : start + size])].append((number, start))
    covered: list[set[int]] = [set() for _ in places]
    first_seen: dict[tuple[str, ...], int] = {}
    for window, found in windows.items():
        if len({number for number, _ in found}) < 2:
            continue
        first_seen[window] = min(number for number, _ in found)
        for number, start in found:
            covered[number].update(range(start, start + size))
    total = sum(len(steps) for steps in keys)
    copied = sum(len(c) for c in covered)
    out.checked = total
    for number, place in enumerate(places):
        for start, end in _runs(sorted(covered[number])):
            window = tuple(keys[number][start : start + size])
            origin = first_seen.get(window, number)
            if origin == number:
                continue  # the first copy is the one the others repeat
            step = place.job.steps[start]
            out.flag(
                span(place.workflow.doc, step.node),
                f"steps {start + 1}-{end} of job '{place.job.id}' repeat job "
                f"'{places[origin].job.id}' ({repo.relative(places[origin].workflow.path)}): "
                "move them into a composite action or a reusable workflow",
            )
    out.failed_units = copied  # scored from the duplication ratio itself
    ratio = copied / total if total else 0.0
    out.figure = f"duplication ratio {ratio:.0%} ({copied} of {total} steps in copied runs)"


def _key(step: Step, text: str, seen: dict[str, str]) -> str:
    """What the step does, whatever its name, id, quoting or key order."""
    source = text[step.node.start.offset : step.node.end.offset]
    if source not in seen:
        data = step.node.to_python()
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in IGNORED_KEYS}
        seen[source] = json.dumps(data, sort_keys=True, default=str)
    return seen[source]


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive step indexes as (first index, last step number)."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


RULE = Rule(
    id="duplicated-steps",
    category="maintainability",
    severity="low",
    summary="The same run of three or more steps is copied into several jobs.",
    docs=Docs(
        what="Flags runs of `min-steps` (default 3) or more consecutive steps that appear in "
        "two or more jobs, in one workflow or across workflows (steps compare equal when they "
        "differ only in `name` or `id`). Each copy after the first is flagged; the figure is "
        "the duplication ratio, the share of all steps that sit in a copied run.",
        why="Copies drift. The security fix lands in three of the four jobs that install the "
        "toolchain, the cache key changes in one, and 'it passes in lint but not in test' "
        "becomes a week's investigation.",
        example="jobs:\n  lint:\n    steps:\n      - uses: actions/checkout@<sha>\n"
        "      - uses: actions/setup-python@<sha>\n        with: {python-version: '3.12'}\n"
        "      - run: pip install -e '.[dev]'\n      - run: ruff check .\n"
        "  test:\n    steps:\n      # the same three steps again\n      - run: pytest",
        instead="jobs:\n  lint:\n    steps:\n      - uses: actions/checkout@<sha>\n"
        "      - uses: ./.github/actions/setup\n      - run: ruff check .\n\n"
        "with the setup steps once, in .github/actions/setup/action.yml.",
    ),
    check=check,
    options={"min-steps": 3},
)
