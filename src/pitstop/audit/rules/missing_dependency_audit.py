"""missing-dependency-audit: the repository declares dependencies and no workflow audits them
for known vulnerabilities."""

from __future__ import annotations

import posixpath
import re

from pitstop.audit.folders import NOT_OURS, SAMPLES, under
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scanners import DEPENDENCIES, scans

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
# package-ecosystem): a dependabot.yml that names one has GitHub watch those dependencies
# for advisories and propose the fixed versions.
DEPENDABOT = {"Python": ("pip", "uv", "pipenv", "poetry"), "JavaScript": ("npm", "bun")}
ECOSYSTEM = re.compile(r"^\s*-?\s*package-ecosystem\s*:\s*[\"']?([\w-]+)", re.MULTILINE)
TOOLS = {
    "Python": {"pip-audit", "pip_audit", "safety", "pypa/gh-action-pip-audit"},
    "JavaScript": {"npm audit", "pnpm audit", "yarn audit"},
}


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
    every = {name for name, _ in audits} - set().union(*TOOLS.values())  # any ecosystem
    config = repo.read(".github/dependabot.yml") or repo.read(".github/dependabot.yaml") or ""
    watched = set(ECOSYSTEM.findall(config))
    found = []
    for ecosystem, names in MANIFESTS.items():
        manifest = _manifest(repo, names)
        if manifest is None:
            continue
        out.checked += 1
        tools = sorted({name for name, _ in audits if name in TOOLS[ecosystem]} | every)
        if watched & set(DEPENDABOT[ecosystem]):
            tools.append("Dependabot")
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


def _manifest(repo: Repo, names: tuple[str, ...]) -> str | None:
    by_name: dict[str, str] = {}
    for relative in sorted(repo.files, key=lambda f: (f.count("/"), f)):  # the root's first
        name = posixpath.basename(relative)
        if name in by_name or under(relative, NOT_OURS | SAMPLES):
            continue  # test data (__tests__/data/poetry.lock), vendored code, sample apps
        if name == "pyproject.toml" and not DECLARES.search(repo.read(relative) or ""):
            continue  # tool settings only
        by_name[name] = relative
    return next((by_name[n] for n in names if n in by_name), None)


RULE = Rule(
    id="missing-dependency-audit",
    category="security",
    severity="medium",
    summary="Dependencies are never audited for known vulnerabilities.",
    docs=Docs(
        what="For each ecosystem the repository declares (a Python lock file, requirements.txt "
        "or pyproject.toml; package.json or a JavaScript lock file), flags the manifest when "
        "no workflow runs a dependency audit: pip-audit or safety, npm/pnpm/yarn audit, or a "
        "tool that covers both (osv-scanner, trivy, grype, snyk, the dependency-review action, "
        "or a shared workflow named for it), and `.github/dependabot.yml` names none of its "
        "ecosystems (Dependabot then watches them for advisories). Manifests in test data, "
        "vendored code and sample "
        "apps are not the repository's; the one nearest the root is named.",
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
