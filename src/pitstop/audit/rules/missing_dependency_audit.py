"""missing-dependency-audit: the repository declares dependencies and no workflow audits them
for known vulnerabilities."""

from __future__ import annotations

import posixpath
import re

import yaml

from pitstop.audit.folders import NOT_OURS, SAMPLES, TOOLING, under
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scanners import DEPENDENCIES, ecosystems_of, scans
from pitstop.workflow.model import Step

# Manifests by ecosystem, most telling first; the tools that read them.
MANIFESTS = {
    "Python": ("poetry.lock", "uv.lock", "Pipfile.lock", "requirements.txt", "pyproject.toml"),
    "JavaScript": ("package-lock.json", "pnpm-lock.yaml", "yarn.lock", "package.json"),
}
# A pyproject.toml that declares dependencies (PEP 621, Poetry, PDM or uv groups).
DECLARES = re.compile(
    r"^\s*(dependencies\s*=|\[tool\.poetry\.(dev-)?dependencies\]|\[dependency-groups\])",
    re.MULTILINE,
)
# Shared workflows known to audit dependencies, each with where that is said.
SHARED_AUDITS = {
    # its enable-audit input defaults to true and runs `npm audit --audit-level=high`
    # (github.com/actions/reusable-workflows, .github/workflows/basic-validation.yml)
    "actions/reusable-workflows/.github/workflows/basic-validation.yml",
}
# Dependabot's ecosystems for each (docs.github.com, "Dependabot options reference":
# package-ecosystem). An entry with `open-pull-requests-limit: 0` turns version updates off and
# is there for security updates alone ("Dependabot options reference", open-pull-requests-limit:
# 0 disables version updates; security updates keep their own limit): advisories are watched.
# Version updates alone are not an audit: whether alerts are on is a setting no file shows.
DEPENDABOT = {"Python": ("pip", "uv", "pipenv", "poetry"), "JavaScript": ("npm", "bun")}
# A workflow that submits the dependency graph, whose alerts are the audit (aiohttp's).
SUBMITS_GRAPH = re.compile(r"dependency-submission|dependency-graph", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    audits = [(name, kinds) for _, name, kinds in scans(repo) if DEPENDENCIES in kinds]
    audits += [
        (job.uses.partition("@")[0], frozenset({DEPENDENCIES}))
        for _, job in repo.jobs()
        if job.uses
        and (
            "dependency-review" in job.uses.lower()
            or job.uses.partition("@")[0].lower() in SHARED_AUDITS
        )
    ]  # a shared workflow that runs the dependency-review action (nuxt/.github's), or one known
    # to audit
    every = {name for name, _ in audits if ecosystems_of(name) is None}  # any ecosystem
    watched = _security_updates(repo)
    if any(_submits_graph(p.step) for p in repo.steps()):
        every.add("a dependency-graph submission (its alerts)")
    found = []
    for ecosystem, names in MANIFESTS.items():
        manifest = _manifest(repo, names)
        if manifest is None:
            continue
        out.checked += 1
        tools = sorted(
            {name for name, _ in audits if ecosystem in (ecosystems_of(name) or ())} | every
        )
        if watched & set(DEPENDABOT[ecosystem]):
            tools.append("Dependabot security updates")
        if tools:
            found.append(f"{ecosystem} by {', '.join(tools)}")
            continue
        out.flag(
            repo.file_span(manifest),
            f"{ecosystem} dependencies ({manifest}) are never audited for known "
            "vulnerabilities: add pip-audit, npm audit, osv-scanner or the dependency-review "
            "action to a workflow",
        )
    if out.checked:
        out.figure = "dependencies audited: " + ("; ".join(found) if found else "none")


def _submits_graph(step: Step) -> bool:
    """The step submits to the dependency graph: an action for it, or a call of the API
    (aiohttp's github-script POSTs its vendored llhttp to `…/dependency-graph/snapshots`;
    docs.github.com, REST API, "Dependency submission")."""
    script = step.with_.get("script") if isinstance(step.with_, dict) else None
    return bool(
        SUBMITS_GRAPH.search(step.uses or "")
        or GRAPH_API.search(step.run or "")
        or (isinstance(script, str) and GRAPH_API.search(script))
    )


GRAPH_API = re.compile(r"/dependency-graph/snapshots\b")


def _security_updates(repo: Repo) -> set[str]:
    """The ecosystems dependabot.yml keeps for security updates alone."""
    text = repo.read(".github/dependabot.yml") or repo.read(".github/dependabot.yaml") or ""
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        return set()
    updates = config.get("updates") if isinstance(config, dict) else None
    return {
        str(entry.get("package-ecosystem"))
        for entry in updates or []
        if isinstance(entry, dict) and entry.get("open-pull-requests-limit") == 0
    }


def _manifest(repo: Repo, names: tuple[str, ...]) -> str | None:
    by_name: dict[str, str] = {}
    for relative in sorted(repo.files, key=lambda f: (f.count("/"), f)):  # the root's first
        name = posixpath.basename(relative)
        if name in by_name or under(relative, NOT_OURS | SAMPLES | TOOLING):
            continue  # test data (__tests__/data/poetry.lock), vendored code, sample apps, CI's
            # own helper scripts (codeql-action's .github/workflows/…/Pipfile.lock), the docs'
            # site generator (spring-boot's antora/package-lock.json)
        if name == "pyproject.toml" and not DECLARES.search(repo.read(relative) or ""):
            continue  # tool settings only
        by_name[name] = relative
    known = [by_name[n] for n in names if n in by_name]  # the names in their order of preference
    return min(known, key=lambda f: f.count("/"), default=None)  # the nearest the root


RULE = Rule(
    id="missing-dependency-audit",
    category="security",
    severity="medium",
    summary="Dependencies are never audited for known vulnerabilities.",
    docs=Docs(
        what="For each ecosystem the repository declares (a Python lock file, requirements.txt "
        "or pyproject.toml; package.json or a JavaScript lock file), flags the manifest when "
        "no workflow runs a dependency audit of it (`knowledge/scanners.toml`): pip-audit or "
        "safety, npm/pnpm/yarn audit or importmap-rails' `bin/importmap audit`, or a tool that "
        "covers both (osv-scanner, trivy, grype, snyk, the dependency-review action, or a shared "
        "workflow named for it, a dependency-graph submission by an action or through the API), "
        "and "
        "`.github/dependabot.yml` keeps none of its ecosystems for security updates alone "
        "(`open-pull-requests-limit: 0`; version updates alone are not an audit). Manifests in "
        "test data, vendored code, sample apps and tooling folders (`.github`, `hack`, `ci`, "
        "`docs`, `antora`) are not the product's; the one nearest the root is named.",
        why="Most vulnerable code in a service is code it imports. A published CVE in a "
        "pinned dependency stays in production until a human happens to read the advisory; "
        "an audit in CI says so on the next run.",
        example="jobs:\n  test:\n    steps:\n      - run: pip install -r requirements.txt\n"
        "      - run: pytest",
        instead="jobs:\n  audit:\n    steps:\n      - run: pipx run pip-audit -r requirements.txt"
        "\n      - run: npm audit --audit-level=high",
    ),
    check=check,
)
