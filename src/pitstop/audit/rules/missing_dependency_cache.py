"""missing-dependency-cache: setup-python or setup-node without ``cache:`` in a job that installs
dependencies, when the repository has the file the cache is keyed on.

Source: the READMEs of actions/setup-python ("Caching packages dependencies": requirements.txt
or pyproject.toml for pip, Pipfile.lock for pipenv, poetry.lock for poetry) and
actions/setup-node (package-lock.json or npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml)."""

from __future__ import annotations

import posixpath
import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import builds_release
from pitstop.audit.repo import Repo, StepPlace, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import commands, words
from pitstop.knowledge.tables import parse_toml
from pitstop.workflow.yaml import MappingNode

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

# The action, then (file the cache is keyed on, cache: value): the first whose package manager
# a later step installs with wins (`pip install` picks pip even beside an unrelated Pipfile.lock).
KEYS = {
    "actions/setup-python": (
        ("poetry.lock", "poetry"),
        ("Pipfile.lock", "pipenv"),
        ("requirements.txt", "pip"),
        ("pyproject.toml", "pip"),
    ),
    "actions/setup-node": (
        ("pnpm-lock.yaml", "pnpm"),
        ("yarn.lock", "yarn"),
        ("package-lock.json", "npm"),
        ("npm-shrinkwrap.json", "npm"),
    ),
}
INSTALLS = {
    "actions/setup-python": re.compile(
        r"(?<!uv )\b(pip3?\s+install|python3?\s+-m\s+pip\s+install|poetry\s+install"
        r"|pipenv\s+(install|sync))"
    ),
    "actions/setup-node": re.compile(
        r"\b(npm\s+(ci|install|i)\b|yarn(\s+install\b|\s*(&&|;|$))|pnpm\s+(i|install)\b)",
        re.MULTILINE,
    ),
}
CACHE_ACTION = re.compile(r"^actions/cache(/restore)?@", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    names = {posixpath.basename(f) for f in repo.files}
    bare = _no_dependencies(repo)
    for place in repo.steps():
        action = (place.step.uses or "").partition("@")[0].lower()
        if action not in KEYS:
            continue
        if not any(file in names for file, _ in KEYS[action]) or _left_alone(repo, place):
            continue
        if place.action is not None and repo.relative(place.path) in ("action.yml", "action.yaml"):
            # the repository's published action runs in its callers' workspaces: a cache there
            # is keyed on their files, and setup-python and setup-node fail a caller that has
            # none ("No file in ... matched to [**/requirements.txt ...]"; their READMEs,
            # "Caching packages dependencies": the lock file must exist)
            continue
        managers = _installs_later(place, action, bare)
        kind = next((v for file, v in KEYS[action] if file in names and v in managers), None)
        if kind is None:
            continue
        out.checked += 1
        given = place.step.node.get("with")
        cache = given.get("cache") if isinstance(given, MappingNode) else None
        if cache is not None:
            continue  # given, even empty: ruff's release build writes `cache: ""` on purpose
        automatic = given.get("package-manager-cache") if isinstance(given, MappingNode) else None
        if automatic is not None and str(automatic.to_python()).lower() == "false":
            continue  # setup-node's own cache turned off on purpose (vite's publish)
        if any(CACHE_ACTION.match(s.uses or "") for s in place.siblings):
            continue  # cached by hand with actions/cache
        out.flag(
            span(place.doc, place.step.node.get("uses") or place.step.node),
            f"{action} installs without `cache: {kind}`: every run downloads every dependency "
            "again",
            fix=Fix(f"added cache: {kind}", "safe", partial(_add_cache, place, kind)),
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} setup steps cache dependencies"


# A tool installed for the machine, not the project's dependencies: no lock file keys it.
GLOBAL = re.compile(r"\s(-g|--global|--user)\b")


# Python packages that build, publish or run the checks rather than being the project's
# dependencies: `pip install --upgrade pip nox` downloads a few wheels that no lock file keys.
# nox, tox and pre-commit then install the rest into environments of their own; judges of
# real repositories (pip's vendoring job, requests' pre-commit lint) held those not worth a
# dependency cache, and sqlalchemy's twin jobs split them, so they count as tools.
TOOLS = frozenset(
    {
        "pip",
        "nox",
        "tox",
        "pre-commit",
        "setuptools",
        "wheel",
        "build",
        "twine",
        "uv",
        "pipx",
        "virtualenv",
        "poetry",
        "hatch",
        "pdm",
        "cibuildwheel",
        "maturin",
        "towncrier",
        # linters, checkers and the coverage tools a job installs alone to check or report
        # (redash's `pip install black==23.1.0 ruff==0.0.287`, litestar's `pip install coverage
        # covdefaults` to combine the test jobs' data): a few wheels, not the project's
        "black",
        "ruff",
        "flake8",
        "isort",
        "mypy",
        "pylint",
        "pyright",
        "codespell",
        "yamllint",
        "bandit",
        "pip-audit",
        "zizmor",
        "coverage",
        "covdefaults",
        "check-manifest",
    }
)
PIP_INSTALL = re.compile(r"\bpip3?\s+install\s")
REQUIREMENT = re.compile(r"[\[<>=!~;@ ]")


def _installs_later(place: StepPlace, action: str, bare: bool) -> set[str]:
    """The package managers later steps install the project's dependencies with: not `uv pip
    install` (uv keeps its own cache), not a global tool (`npm install -g`), not only build
    tools (`pip install --upgrade pip build`)."""
    return {
        _manager(found.group(0))
        for s in place.later()
        if s.run and INSTALLS[action].search(s.run)
        for command in commands(s.run)
        if (found := INSTALLS[action].search(command.text)) is not None
        and not GLOBAL.search(command.text)
        and not _tools_only(command.text, bare)
    }


def _manager(install: str) -> str:
    """`python -m pip install` -> pip, `yarn` -> yarn: the `cache:` value that keeps it."""
    said = install.split()
    return "pip" if "pip" in said or said[0].startswith("pip3") else said[0]


def _tools_only(command: str, bare: bool) -> bool:
    """A pip install whose arguments are all named tools, or the project itself when it has
    no dependencies (pip installing pip): no requirements file."""
    found = PIP_INSTALL.search(command)
    if found is None:
        return False
    if re.search(r"\s--no-deps\b", command):
        return True  # the named packages alone, none of their dependencies (polars' `-e .`)
    named = [w for w in words(command[found.end() :]) if not w.startswith("-")]
    tools = TOOLS | ({".", "./"} if bare else set())
    return (
        bool(named)
        and all(REQUIREMENT.split(w, 1)[0].lower() in tools for w in named)
        and not re.search(r"\s(-r|--requirement|-c|--constraint)\b", command)
    )


def _no_dependencies(repo: Repo) -> bool:
    """Whether pyproject.toml declares the project's dependencies, and none (pip vendors all of
    its own: `pip install .` downloads nothing)."""
    text = repo.read("pyproject.toml")
    if not text:
        return False
    project = (parse_toml(text) or {}).get("project", {})
    if not isinstance(project, dict) or "dependencies" in project.get("dynamic", []):
        return False
    return not project.get("dependencies") and not project.get("optional-dependencies")


def _left_alone(repo: Repo, place: StepPlace) -> bool:
    """A job with nothing checked out (no file to key a cache on: setup fails asking for one),
    a job that switches pip's cache off (`PIP_NO_CACHE_DIR`: `pip cache dir` then fails, and
    setup-python with it), or a job that ships: a release built from a cache another run
    could have written is the cache-poisoning path, so publishing jobs install afresh."""
    if place.job is None:
        return False
    earlier = place.siblings[: place.step.index]
    if not any((s.uses or "").lower().startswith("actions/checkout@") for s in earlier):
        return True
    envs = [place.job.env, place.workflow.env if place.workflow else {}, place.step.env]
    if any(isinstance(e, dict) and "PIP_NO_CACHE_DIR" in e for e in envs):
        return True  # pip's cache switched off on purpose (maturin's tests): setup would fail
    return place.workflow is not None and builds_release(place.workflow, place.job, repo)


def _add_cache(place: StepPlace, kind: str, context: FixContext) -> None:
    patch = context.patch(place.doc)
    given = place.step.node.get("with")
    if given is None:
        patch.insert_entry(place.step.node, "with", {"cache": kind}, after=("uses",))
    else:
        patch.insert_entry(given, "cache", kind)


RULE = Rule(
    id="missing-dependency-cache",
    category="speed",
    severity="low",
    summary="setup-python or setup-node installs dependencies without `cache:`.",
    docs=Docs(
        what="Flags `actions/setup-python` and `actions/setup-node` steps without a `cache:` "
        "input when a later step of the job installs packages (pip, poetry, pipenv, npm, yarn, "
        "pnpm) and the repository has the file the cache is keyed on (a lock file, "
        "`requirements.txt` or `pyproject.toml`). Left alone: jobs that cache with "
        "`actions/cache`, the repository's published action (`action.yml` at its top, run in its "
        "callers' workspaces), jobs with no checkout (nothing to key a cache on), jobs that deploy "
        "or publish (a release should not be built from a cache another run wrote), and "
        "installs that are not the project's dependencies (`npm install -g`, `pip install "
        "--user`, `pip install nox` and other build and check runners, linters or coverage "
        "tools alone) or that uv caches "
        "itself (`uv pip install`), and a `cache:` written empty on purpose.",
        why="Without a cache every run downloads every wheel and tarball again: minutes per "
        "job, multiplied by the matrix, and a build that fails whenever PyPI or npm has a bad "
        "hour.",
        example="- uses: actions/setup-python@v6\n  with:\n    python-version: '3.12'\n"
        "- run: pip install -r requirements.txt",
        instead="- uses: actions/setup-python@v6\n  with:\n    python-version: '3.12'\n"
        "    cache: pip\n- run: pip install -r requirements.txt\n\n"
        "`pitstop fix` picks the cache from the lock file it finds: poetry, pipenv or pip; "
        "pnpm, yarn or npm.",
    ),
    check=check,
    fixable="safe",
)
