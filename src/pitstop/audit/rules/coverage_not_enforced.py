"""coverage-not-enforced: coverage is measured but no threshold anywhere can fail the build.

Where thresholds live: coverage.py's ``fail_under`` ([tool.coverage.report] in pyproject.toml,
[coverage:report] in setup.cfg and tox.ini, [report] in .coveragerc) and pytest-cov's
``--cov-fail-under``; Jest's ``coverageThreshold``; Vitest's ``coverage.thresholds``; nyc's and
c8's ``check-coverage``."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

import yaml

from pitstop.audit.locate import fragment_span
from pitstop.audit.repo import Repo, StepPlace
from pitstop.audit.rule import Check, Docs, Rule


@dataclass(frozen=True)
class Ecosystem:
    name: str
    measures: re.Pattern[str]  # a command that measures coverage
    files: re.Pattern[str]  # basenames of files that may hold a threshold
    threshold: re.Pattern[str]  # a threshold, in a script or one of those files


PYTHON = Ecosystem(
    "Python",
    re.compile(r"--cov(=\S*)?(?=\s|$)|\bcoverage\s+run\b"),
    re.compile(
        r"(pyproject\.toml|setup\.cfg|tox\.ini|\.coveragerc|pytest\.ini|noxfile\.py|Makefile)\Z"
    ),
    re.compile(
        r"^\s*fail_under\s*=\s*(?P<a>[1-9]\d*(\.\d+)?)"
        r"|--(cov-)?fail-under[= ](?P<b>[1-9]\d*(\.\d+)?)"
        # covdefaults, a coverage.py plugin, sets fail_under = 100 (asottile/covdefaults)
        r"|^\s*plugins\s*=.*\bcovdefaults\b|[\"']covdefaults[\"']",
        re.MULTILINE,
    ),
)
JAVASCRIPT = Ecosystem(
    "JavaScript",
    re.compile(
        r"\b(jest|vitest|react-scripts\s+test|npm\s+(run\s+)?test)\b[^\n;&|]*--coverage\b|\b(nyc|c8)\s"
    ),
    re.compile(
        r"(package\.json|(jest|vitest|vite)\.config\.(js|ts|mjs|cjs|mts|cts|json)|\.nycrc(\.\w+)?|\.c8rc(\.\w+)?)\Z"
    ),
    re.compile(
        r"coverageThreshold|\bthresholds\s*:|check-coverage\"?\s*[:=]\s*true|--check-coverage"
    ),
)


def check(repo: Repo, out: Check) -> None:
    thresholds: list[str] = []
    count = 0
    for ecosystem in (PYTHON, JAVASCRIPT):
        measured = [
            (place, found)
            for place in repo.steps()
            if place.step.run
            for found in [ecosystem.measures.search(place.step.run)]
            if found is not None and not _feeds_own_action(place)
        ]
        if not measured:
            continue
        out.checked += 1
        count += len(measured)
        where = _threshold(repo, ecosystem, [p.step.run or "" for p, _ in measured])
        if where:
            thresholds.append(where)
            continue
        # one finding for the ecosystem: one threshold in its settings covers every measurement
        # (wagtail's six test shards, each measured, each flagged before)
        place, found = measured[0]
        node = place.step.node.get("run")
        assert node is not None
        more = len(measured) - 1
        out.flag(
            fragment_span(place.doc, node, found.group(0).rstrip()),
            f"{ecosystem.name} coverage is measured here"
            + (f" and in {more} other step{'s' if more > 1 else ''}" if more else "")
            + " but no threshold anywhere fails the build when it drops",
        )
    if thresholds:
        out.figure = "coverage threshold: " + "; ".join(thresholds)
    elif out.checked:
        out.figure = f"no coverage threshold for {count} coverage measurements"


def _feeds_own_action(place: StepPlace) -> bool:
    """Coverage measured as input for the repository's own action, which a later step runs
    (`uses: ./`): codecov-action's and coveralls' self-tests upload a demo app's coverage to
    test the upload, not to hold the product to a threshold."""
    return any((s.uses or "").rstrip("/") in (".", "./") for s in place.later())


# Gates outside the test runner that fail the build on coverage: SonarQube's quality gate when
# the scan waits for it (docs.sonarsource.com, "sonar.qualitygate.wait"), and Codecov's status
# checks with a target (docs.codecov.com, "Commit Status": coverage.status.project.target).
SONAR_WAIT = re.compile(r"sonar\.qualitygate\.wait\s*=\s*true", re.IGNORECASE)
CODECOV_FILES = re.compile(r"\A(\.github/|dev/|\.)?codecov\.ya?ml\Z")
CODECOV_TARGET = re.compile(r"^\s*target\s*:\s*[\"']?(auto|\d)", re.MULTILINE)
CODECOV_UPLOAD = re.compile(r"codecov/codecov-action@|\bcodecov(cli)?\s+(upload|do-upload)\b")
# A codecov.yml with no `status:` of its own gets the default project and patch checks, each
# with target auto (docs.codecov.com, "Commit Status": "By default, Codecov posts...").
CODECOV_STATUS = re.compile(r"^\s*status\s*:", re.MULTILINE)


def _service_gate(repo: Repo) -> str | None:
    """A quality gate or status target that fails on coverage, for every language."""
    for workflow in repo.workflows:
        if SONAR_WAIT.search(workflow.doc.text):
            return f"the SonarQube quality gate in {repo.relative(workflow.path)}"
    for relative in repo.files:
        base = posixpath.basename(relative)
        if base == "sonar-project.properties" and SONAR_WAIT.search(repo.read(relative) or ""):
            return f"the SonarQube quality gate in {relative}"
        if CODECOV_FILES.match(relative):
            text = repo.read(relative) or ""
            if CODECOV_TARGET.search(text):
                return f"Codecov's status target in {relative}"
            if not CODECOV_STATUS.search(text):
                return f"Codecov's default status checks (target auto; {relative})"
            if _blocking_status(text):
                return f"Codecov's status check in {relative} (target auto)"
    if not any(CODECOV_FILES.match(r) for r in repo.files):
        for workflow in repo.workflows:
            if CODECOV_UPLOAD.search(workflow.doc.text):
                # no codecov.yml at all: the uploads get Codecov's default statuses
                where = repo.relative(workflow.path)
                return f"Codecov's default status checks (target auto; no codecov.yml: {where})"
    return None


def _blocking_status(text: str) -> bool:
    """A project or patch status of codecov.yml that is on and not informational: with no
    target it compares against the base commit, target auto (docs.codecov.com, "Commit
    Status": target defaults to auto; `threshold` allows that much of a drop; `informational:
    true` never fails), so a drop fails the check (Kiwi's `threshold: 5%`)."""
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    coverage = config.get("coverage") if isinstance(config, dict) else None
    status = coverage.get("status") if isinstance(coverage, dict) else None
    if not isinstance(status, dict):
        return False
    for kind in ("project", "patch"):
        given = status.get(kind)
        if given is True or given in ("yes", "on", "true"):
            return True
        if not isinstance(given, dict):
            continue  # off (`patch: no`), or absent
        for check in given.values():
            if isinstance(check, dict) and check.get("informational") not in (True, "true"):
                return True
    return False


# pitstop's own coverage gate, with a limit that fails the step (docs/gate.md)
PITSTOP_GATE = re.compile(r"\bpitstop\s+gate\s+coverage\b[^\n]*--(min|min-branch|ratchet)\b")


def _threshold(repo: Repo, ecosystem: Ecosystem, scripts: list[str]) -> str | None:
    """Where a threshold is set: 'fail_under 75 in pyproject.toml', or None."""
    gate = _service_gate(repo)
    if gate:
        return gate
    for place in repo.steps():
        if place.step.run and PITSTOP_GATE.search(place.step.run):
            return f"pitstop gate coverage in {repo.relative(place.path)}"
    for script in scripts:
        found = ecosystem.threshold.search(script)
        if found:
            return _describe(found, "the workflow")
    for relative in repo.files:
        if not ecosystem.files.search(posixpath.basename(relative)):
            continue
        text = repo.read(relative)
        found = ecosystem.threshold.search(text or "")
        if found:
            return _describe(found, relative)
    return None


def _describe(found: re.Match[str], where: str) -> str:
    value = found.groupdict().get("a") or found.groupdict().get("b")
    return f"{value}% in {where}" if value else f"set in {where}"


RULE = Rule(
    id="coverage-not-enforced",
    category="testing",
    severity="medium",
    summary="Coverage is measured but no threshold fails the build.",
    docs=Docs(
        what="Flags coverage measurements in workflows (pytest `--cov`, `coverage run`, "
        "`jest --coverage`, `vitest --coverage`, nyc, c8) when no threshold exists for that "
        "language anywhere: not in the command, not in pyproject.toml, setup.cfg, tox.ini, "
        ".coveragerc, pytest.ini, and not in the Jest, Vitest, nyc or c8 configuration, and "
        "no SonarQube quality gate the scan waits for (`sonar.qualitygate.wait=true`), "
        "Codecov status target (`codecov.yml`) or `pitstop gate coverage` with `--min` or "
        "`--ratchet` fails the build instead.",
        why="A number nobody enforces only goes down. Without a threshold the report is "
        "uploaded, the percentage drifts from 85 to 60 one pull request at a time, and the "
        "plan's 'coverage gate' exists only in the plan.",
        example="- run: pytest --cov=app --cov-report=xml",
        instead="[tool.coverage.report]\nfail_under = 80\n\nin pyproject.toml (it holds "
        "wherever tests run: CI, pre-commit, a laptop), or `--cov-fail-under=80`; "
        "`coverageThreshold` in jest.config.js; or, for every language's reports at once, "
        "`pitstop gate coverage coverage.xml --min 80 --ratchet .coverage-baseline.json`.",
    ),
    check=check,
)
