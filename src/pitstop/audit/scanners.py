"""Security scanners and what each scans: dependencies, secrets, source code (SAST) or images.
Shared by the rule that checks scans can fail and the rules that check a kind of scan exists."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from pitstop.audit.repo import Repo, StepPlace
from pitstop.audit.scripts import commands, words
from pitstop.knowledge.tables import table

DEPENDENCIES, SECRETS, SAST, IMAGES = "dependencies", "secrets", "sast", "images"
KINDS = (DEPENDENCIES, SECRETS, SAST, IMAGES)


def _rows(kind: str) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in table("scanners.toml")[kind]}


# A command's program name (or program and subcommand, `npm audit`) -> what it scans;
# an action (owner/repo[/path], lower case, prefix) -> what it scans. From
# ``knowledge/scanners.toml``, each with its source.
COMMANDS: dict[str, frozenset[str]] = {
    name: frozenset(row["scans"]) for name, row in _rows("command").items()
}
ACTIONS: dict[str, frozenset[str]] = {
    name: frozenset(row["scans"]) for name, row in _rows("action").items()
}
# The ecosystems a dependency audit reads; a scanner absent here reads any.
ECOSYSTEMS: dict[str, frozenset[str]] = {
    name: frozenset(row["ecosystems"])
    for kind in ("command", "action")
    for name, row in _rows(kind).items()
    if "ecosystems" in row
}
# Subcommands that scan nothing, by program (`trivy convert`).
NOT_SCANS: dict[str, frozenset[str]] = {
    name: frozenset(row.get("not_scans", ())) for name, row in _rows("command").items()
}
# Output formats that make a scanner write a bill of materials and scan nothing, and the
# options (inputs, for an action) that ask it to scan as well.
SBOM: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    name: (frozenset(row["sbom_formats"]), tuple(row.get("sbom_unless", ())))
    for kind in ("command", "action")
    for name, row in _rows(kind).items()
    if "sbom_formats" in row
}
SCAN_ACTIONS = re.compile("^(" + "|".join(re.escape(a) for a in ACTIONS) + ")", re.IGNORECASE)
_WRAPPERS = ("python", "python3", "-m", "uv", "uvx", "pipx", "run", "npx", "sudo")


@lru_cache(maxsize=16384)
def scanner(command: str) -> str | None:
    """The scanner a command runs (``bandit``, ``npm audit``), or None."""
    said = words(command)
    if said[:2] in (("docker", "run"), ("podman", "run")):  # the scanner's image
        for word in said[2:]:
            image = word.rsplit("/", 1)[-1].split(":")[0].split("@")[0]
            if not word.startswith("-") and image in COMMANDS:
                return image
        return None
    handed = False  # after `xargs`, whose options come before the program it runs
    for index, word in enumerate(said):
        name = word.rsplit("/", 1)[-1]
        if name == "xargs" or (handed and word.startswith("-")):
            handed = True
            continue
        if name in COMMANDS:
            following = said[index + 1] if index + 1 < len(said) else ""
            if following in NOT_SCANS[name] or _writes_an_sbom(name, said[index + 1 :]):
                return None
            return name
        if index + 1 < len(said) and f"{name} {said[index + 1]}" in COMMANDS:
            return f"{name} {said[index + 1]}"  # `npm audit`, `bin/importmap audit`
        if name not in _WRAPPERS:
            return None
    return None


def _writes_an_sbom(name: str, arguments: Sequence[str]) -> bool:
    """`trivy image --format cyclonedx …`: a bill of materials, no scan (``sbom_formats``)."""
    if name not in SBOM:
        return False
    formats, unless = SBOM[name]
    given = None
    for index, word in enumerate(arguments):
        if word.split("=", 1)[0] in unless:
            return False
        if word in ("--format", "-f") and index + 1 < len(arguments):
            given = arguments[index + 1]
        elif word.startswith("--format="):
            given = word.split("=", 1)[1]
    return given in formats


def action_writes_an_sbom(action: str, inputs: Mapping[str, object]) -> bool:
    """An action of the table given an SBOM format (trivy-action's `format: cyclonedx`) and
    none of the inputs that ask for a scan too: it scans nothing."""
    if action not in SBOM:
        return False
    formats, unless = SBOM[action]
    if any(key in inputs for key in unless):
        return False
    return str(inputs.get("format", "")).lower() in formats


def kinds_of(name: str) -> frozenset[str]:
    return COMMANDS.get(name, frozenset())


def ecosystems_of(name: str) -> frozenset[str] | None:
    """The ecosystems a dependency audit (a command or an action of the table) reads, or
    None when it reads any."""
    return ECOSYSTEMS.get(name)


def scans(repo: Repo) -> list[tuple[StepPlace, str, frozenset[str]]]:
    """Every scan in the repository's workflows and actions: where, which tool, what kinds
    (found once per repository, however many rules ask)."""
    return repo.memo("scans", lambda: list(_scans(repo)))


def _scans(repo: Repo) -> Iterator[tuple[StepPlace, str, frozenset[str]]]:
    for place in repo.steps():
        uses = (place.step.uses or "").partition("@")[0].lower()
        if uses:
            for action, kinds in ACTIONS.items():
                if uses.startswith(action) and not action_writes_an_sbom(action, place.step.with_):
                    yield place, action, kinds
        for command in commands(place.step.run or ""):
            name = scanner(command.text)
            if name:
                yield place, name, kinds_of(name)
