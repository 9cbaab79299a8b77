"""deprecated-runner: ``runs-on`` names a GitHub-hosted image that is retired or being retired.

Source: the announcements of actions/runner-images (ubuntu-20.04 retired 2025-04-15, #11101;
windows-2019 2025-06-30; macos-13 2025-12-04; ubuntu-22.04 deprecated from 2026-09-17 and
unsupported from 2027-04-17, #14254)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode

# label -> (what happened, the label to move to)
IMAGES = {
    "ubuntu-16.04": ("was retired in 2021", "ubuntu-24.04"),
    "ubuntu-18.04": ("was retired in April 2023", "ubuntu-24.04"),
    "ubuntu-20.04": ("was retired on 2025-04-15", "ubuntu-24.04"),
    "ubuntu-22.04": ("is deprecated and unsupported from 2027-04-17", "ubuntu-24.04"),
    "windows-2016": ("was retired in 2022", "windows-2025"),
    "windows-2019": ("was retired on 2025-06-30", "windows-2025"),
    "macos-10.15": ("was retired in 2022", "macos-15"),
    "macos-11": ("was retired on 2024-06-28", "macos-15"),
    "macos-12": ("was retired on 2024-12-03", "macos-15"),
    "macos-13": ("was retired on 2025-12-04", "macos-15"),
}
SIZES = re.compile(r"-(large|xlarge|arm64)\Z")
MATRIX_REF = re.compile(r"\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}")


def check(repo: Repo, out: Check) -> None:
    for workflow, job in repo.jobs():
        if job.uses:
            continue
        out.checked += 1
        for node in _labels(job):
            label = str(node.to_python()).strip().lower()
            image = IMAGES.get(SIZES.sub("", label))
            if image is None:
                continue
            happened, instead = image
            retired = happened.startswith("was")
            out.flag(
                span(workflow.doc, node),
                f"job '{job.id}' runs on '{label}', which {happened}; use {instead}",
                severity="high" if retired else "medium",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} jobs run on a supported image"


def _labels(job: Job) -> Iterator[Node]:
    """The scalars that make up ``runs-on``, through ``${{ matrix.x }}`` to the matrix's values."""
    runs_on = job.node.get("runs-on")
    if isinstance(runs_on, MappingNode):
        runs_on = runs_on.get("labels")
    nodes = runs_on.items if isinstance(runs_on, SequenceNode) else [runs_on] if runs_on else []
    for node in nodes:
        if not isinstance(node, ScalarNode):
            continue
        found = MATRIX_REF.search(str(node.value))
        if found is None:
            yield node
        elif job.strategy is not None and isinstance(job.strategy.node, MappingNode):
            yield from _matrix_values(job.strategy.node.get("matrix"), found.group(1))


def _matrix_values(matrix: Node | None, name: str) -> Iterator[Node]:
    if not isinstance(matrix, MappingNode):
        return
    values = matrix.get(name)
    if isinstance(values, SequenceNode):
        yield from (v for v in values.items if isinstance(v, ScalarNode))
    include = matrix.get("include")
    if isinstance(include, SequenceNode):
        for entry in include.items:
            value = entry.get(name) if isinstance(entry, MappingNode) else None
            if isinstance(value, ScalarNode):
                yield value


RULE = Rule(
    id="deprecated-runner",
    category="reliability",
    severity="medium",
    summary="runs-on names a retired or deprecated GitHub-hosted image.",
    docs=Docs(
        what="Flags `runs-on` labels (also those reached through `${{ matrix.… }}`) naming "
        "GitHub-hosted images that are retired (high: the job never starts) or announced for "
        "retirement (medium).",
        why="A retired label leaves the job queued until it fails, usually on the day someone "
        "needs a release. Before retirement GitHub runs brownouts: scheduled hours in which "
        "the image is refused, so a pipeline fails at random for weeks.",
        example="runs-on: ubuntu-20.04\n\nstrategy:\n  matrix:\n"
        "    os: [ubuntu-22.04, macos-13]\nruns-on: ${{ matrix.os }}",
        instead="runs-on: ubuntu-24.04\n\nPin a version (not `-latest`) so image upgrades are "
        "a reviewed change, and move when the runner-images repository announces a retirement.",
    ),
    check=check,
)
