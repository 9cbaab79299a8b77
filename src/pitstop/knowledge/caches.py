"""Which steps restore the GitHub Actions cache, from ``caches.toml``: the actions that cache,
always or by an input, and the input that turns it off."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pitstop.knowledge.inputs import FALSE, TRUE
from pitstop.knowledge.inputs import input_text as _text
from pitstop.knowledge.tables import table


@dataclass(frozen=True)
class Caching:
    name: str
    source: str
    always: bool = False
    opt_in: str = ""
    toggle: str = ""
    default_since: int = 0
    ignore: str = ""
    release_off_since: int = 0
    auto: tuple[tuple[int, str], ...] = ()  # (since major, package managers) for the default
    key_file: str = ""  # the file at the workspace's root the key hashes (go.sum)
    key_file_input: str = ""  # the input that names other files instead


@dataclass(frozen=True)
class Restores:
    """Why a step restores a cache, and the input and value that would stop it (none when
    only removing the step would)."""

    why: str
    off: tuple[str, object] | None


@cache
def actions() -> dict[str, Caching]:
    return {
        row["name"].lower(): Caching(
            row["name"],
            row["source"],
            bool(row.get("always", False)),
            row.get("opt_in", ""),
            row.get("toggle", ""),
            int(row.get("default_since", 0)),
            row.get("ignore", ""),
            int(row.get("release_off_since", 0)),
            tuple((int(a["since"]), a["package_manager"]) for a in row.get("auto", [])),
            row.get("key_file", ""),
            row.get("key_file_input", ""),
        )
        for row in table("caches.toml")["action"]
    }


@cache
def _declares() -> dict[str, tuple[frozenset[str], str]]:
    return {
        row["action"].lower(): (frozenset(row["unless"]), row["package_manager"])
        for row in table("caches.toml").get("declares", [])
    }


def declared_manager(steps: Iterable[tuple[str, Mapping[str, Any]]]) -> str | None:
    """The package manager package.json must declare for these steps (``uses``, inputs) to run:
    pnpm/action-setup with no ``version`` reads it from ``packageManager`` and fails without it.
    None when no step tells."""
    for uses, inputs in steps:
        found = _declares().get(uses.partition("@")[0].lower())
        if found is not None and not found[0] & set(inputs):
            return found[1]
    return None


def _opaque(value: object) -> bool:
    return "${{" in str(value)


def restores(
    uses: str,
    inputs: Mapping[str, Any],
    major: int | None,
    release_only: bool,
    package_manager: str | None = None,
    at_root: Callable[[str], bool] | None = None,
) -> Restores | None:
    """Whether a step ``uses: <uses>`` with these inputs restores a cache. ``major`` is the
    action's major when the ref names it (None: unknown, read as a version that may cache by
    default, except where the default depends on the package manager); ``release_only``: the
    workflow runs on release events only; ``package_manager``: the one the repository's
    package.json declares, if any; ``at_root``: whether a file is at the root of the job's
    workspace (None: unknown)."""
    name = uses.partition("@")[0].lower()
    entry = actions().get(name)
    if entry is None:
        return None
    keyless = entry.key_file and entry.key_file_input not in inputs
    if keyless and at_root is not None and not at_root(entry.key_file):
        return None  # no file to key the cache on: the action restores nothing
    if entry.ignore and entry.ignore in inputs:
        value = inputs[entry.ignore]
        if not _opaque(value) and _text(value) in TRUE:
            return None
    if entry.always:
        off = (entry.ignore, True) if entry.ignore else None
        return Restores(f"{entry.name} restores a cache", off)
    if entry.opt_in and entry.opt_in in inputs:
        value = inputs[entry.opt_in]
        if _opaque(value) or _text(value) not in FALSE:
            shown = value if not isinstance(value, bool) else _text(value)
            return Restores(f"`{entry.opt_in}: {shown}` turns its cache on", None)
    if entry.toggle:
        if entry.toggle in inputs and _text(inputs[entry.toggle]) != "auto":  # auto: the default
            value = inputs[entry.toggle]
            if _opaque(value) or _text(value) not in FALSE:
                shown = value if not isinstance(value, bool) else _text(value)
                return Restores(
                    f"`{entry.toggle}: {shown}` turns its cache on", (entry.toggle, False)
                )
            return None
        if entry.default_since and major is None and not entry.auto:
            # a commit or branch that names no version: it may be one that caches by default
            # (zizmor reads it so too); the fix that turns the cache off holds for any version
            return Restores(
                f"{entry.name} caches by default from v{entry.default_since}, and "
                "its ref names no version",
                (entry.toggle, False),
            )
        defaults_on = major is None or major >= entry.default_since
        if entry.default_since and major is None:
            defaults_on = False  # setup-node's per-package-manager default: not guessed
        if entry.release_off_since and release_only and (major or 0) >= entry.release_off_since:
            defaults_on = False
        rules = [(since, managers) for since, managers in entry.auto if (major or 0) >= since]
        if defaults_on and rules:
            managers = max(rules)[1]
            defaults_on = package_manager is not None and bool(
                re.fullmatch(managers, package_manager)
            )
        if defaults_on:
            return Restores(f"{entry.name} caches by default", (entry.toggle, False))
    return None
