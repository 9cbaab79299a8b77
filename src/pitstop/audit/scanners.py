"""Security scanners and what each scans: dependencies, secrets, source code (SAST) or images.
Shared by the rule that checks scans can fail and the rules that check a kind of scan exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pitstop.audit.repo import Repo, StepPlace
from pitstop.audit.scripts import commands, words

DEPENDENCIES, SECRETS, SAST, IMAGES = "dependencies", "secrets", "sast", "images"

# A command's program name -> what it scans.
COMMANDS: dict[str, frozenset[str]] = {
    "pip-audit": frozenset({DEPENDENCIES}),
    "pip_audit": frozenset({DEPENDENCIES}),
    "safety": frozenset({DEPENDENCIES}),
    "osv-scanner": frozenset({DEPENDENCIES}),
    "bandit": frozenset({SAST}),
    "semgrep": frozenset({SAST}),
    "njsscan": frozenset({SAST}),
    "gitleaks": frozenset({SECRETS}),
    "trufflehog": frozenset({SECRETS}),
    "detect-secrets": frozenset({SECRETS}),
    "ggshield": frozenset({SECRETS}),
    "trivy": frozenset({DEPENDENCIES, SECRETS, IMAGES}),
    "grype": frozenset({DEPENDENCIES, IMAGES}),
    "snyk": frozenset({DEPENDENCIES, SAST, IMAGES}),
    # SonarQube's analysis reports vulnerabilities and security hotspots in the code
    # (docs.sonarsource.com/sonarqube-server/latest/user-guide/security-hotspots/)
    "sonar-scanner": frozenset({SAST}),
    "checkov": frozenset({SAST}),
    "zizmor": frozenset({SAST}),
}
# `npm audit`: dependencies; `pn` is pnpm's short name (pnpm's package.json, "bin": pn)
PACKAGE_AUDITS = ("npm", "pnpm", "pn", "yarn")
# An action (owner/repo[/path], lower case, prefix) -> what it scans.
ACTIONS: dict[str, frozenset[str]] = {
    "aquasecurity/trivy-action": frozenset({DEPENDENCIES, SECRETS, IMAGES}),
    "anchore/scan-action": frozenset({DEPENDENCIES, IMAGES}),
    "gitleaks/gitleaks-action": frozenset({SECRETS}),
    "trufflesecurity/trufflehog": frozenset({SECRETS}),
    "returntocorp/semgrep-action": frozenset({SAST}),
    "semgrep/semgrep-action": frozenset({SAST}),
    "google/osv-scanner-action": frozenset({DEPENDENCIES}),
    "pypa/gh-action-pip-audit": frozenset({DEPENDENCIES}),
    "zizmorcore/zizmor-action": frozenset({SAST}),
    "snyk/actions": frozenset({DEPENDENCIES, SAST, IMAGES}),
    "github/codeql-action/analyze": frozenset({SAST}),
    "bridgecrewio/checkov-action": frozenset({SAST}),
    "actions/dependency-review-action": frozenset({DEPENDENCIES}),
    "docker/scout-action": frozenset({IMAGES, DEPENDENCIES}),
    "sonarsource/sonarqube-scan-action": frozenset({SAST}),
    "sonarsource/sonarcloud-github-action": frozenset({SAST}),
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
    for index, word in enumerate(said):
        name = word.rsplit("/", 1)[-1]
        if name in COMMANDS:
            return name
        if name in PACKAGE_AUDITS and index + 1 < len(said) and said[index + 1] == "audit":
            return f"{name} audit"
        if name not in _WRAPPERS:
            return None
    return None


def kinds_of(name: str) -> frozenset[str]:
    if name.endswith(" audit"):
        return frozenset({DEPENDENCIES})
    return COMMANDS.get(name, frozenset())


def scans(repo: Repo) -> list[tuple[StepPlace, str, frozenset[str]]]:
    """Every scan in the repository's workflows and actions: where, which tool, what kinds
    (found once per repository, however many rules ask)."""
    return repo.memo("scans", lambda: list(_scans(repo)))


def _scans(repo: Repo) -> Iterator[tuple[StepPlace, str, frozenset[str]]]:
    for place in repo.steps():
        uses = (place.step.uses or "").partition("@")[0].lower()
        if uses:
            for action, kinds in ACTIONS.items():
                if uses.startswith(action):
                    yield place, action, kinds
        for command in commands(place.step.run or ""):
            name = scanner(command.text)
            if name:
                yield place, name, kinds_of(name)
