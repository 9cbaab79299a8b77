"""Other CI systems configured in a repository, from ``ci_systems.toml``: what a reading of
``.github/workflows`` alone cannot see (tests on pushes in Azure Pipelines, a security analysis
in a Jenkinsfile)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import translate
from functools import cache

from pitstop.knowledge.tables import table


@cache
def _systems() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each system with its paths as one expression: fnmatch's patterns, case-sensitive as
    ``fnmatchcase`` (a repository's thousands of files are each matched once a system)."""
    return tuple(
        (s["name"], re.compile("|".join(translate(p) for p in s["paths"])))
        for s in table("ci_systems.toml")["system"]
    )


def system_of(path: str) -> str | None:
    """The CI system a file configures, by the first entry whose paths match it, or None."""
    for name, patterns in _systems():
        if patterns.match(path):
            return name
    return None


def configured(files: Iterable[str]) -> list[tuple[str, str]]:
    """(system, path) of every file among ``files`` that configures another CI system."""
    return [(name, path) for path in files if (name := system_of(path)) is not None]
