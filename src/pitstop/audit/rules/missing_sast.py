"""missing-sast: source code that no static security analysis reads."""

from __future__ import annotations

import posixpath
import re

from pitstop.audit.elsewhere import other_ci
from pitstop.audit.folders import NOT_OURS, SAMPLES, TOOLING, under
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scanners import SAST, scans

SOURCE = {".py": "Python", ".js": "JavaScript", ".ts": "TypeScript", ".tsx": "TypeScript"}
RUFF_SECURITY = re.compile(r"select\s*=\s*\[[^\]]*[\"'](S\d*|ALL)[\"']", re.DOTALL)
RUFF_RUNS = re.compile(r"\bruff\s+check\b|\bruff\b\s+[.\w/]|astral-sh/ruff-action")


PRE_COMMIT = re.compile(
    r"\bpre-commit\s+run\b|pre-commit/action|\bprek\s+run\b|\btox\b[^\n]*\blint\b"
)
# A static analysis named in another CI system's configuration: a SAST scanner, or Microsoft's
# 1ES pipeline templates, which inject security scans into every pipeline that extends them
# (https://github.com/dotnet/arcade/blob/main/eng/common/template-guidance.md, "1ES pipeline
# templates impose a policy where every publish artifact execution results in additional
# security scans being injected"; playwright's `sdl: sourceAnalysisPool` configures them).
ANALYSIS_ELSEWHERE = re.compile(
    r"\b(codeql|semgrep|bandit|njsscan|snyk\s+code|sonar-scanner)\b|1ES\.Official\.",
    re.IGNORECASE,
)
SHARED_SAST = re.compile(r"codeql|semgrep|sast", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    languages = _product_languages(repo)
    where = repo.anchor()
    if not languages or where is None:
        return
    out.checked += 1
    tools = sorted({name for _, name, kinds in scans(repo) if SAST in kinds})
    tools += sorted(
        {
            job.uses.partition("@")[0]
            for _, job in repo.jobs()
            if job.uses and SHARED_SAST.search(job.uses.partition("@")[0].rsplit("/", 1)[-1])
        }
    )  # a shared workflow named for its scanner (actions/reusable-workflows' codeql-analysis)
    if any(f.startswith(".github/codeql/") for f in repo.files):
        tools.append("CodeQL (configured in .github/codeql)")  # default setup reads no workflow
    tools += sorted(
        {f"{c.system} ({c.path})" for c in other_ci(repo) if ANALYSIS_ELSEWHERE.search(c.text)}
    )  # playwright's 1ES pipeline template runs Microsoft's SDL source analysis
    if _ruff_security(repo):
        tools.append("ruff (flake8-bandit rules)")
    if _hatch_fmt_security(repo):
        tools.append("hatch fmt (ruff with flake8-bandit rules)")
    if _eslint_security(repo):
        tools.append("eslint-plugin-security")
    if tools:
        out.figure = f"source analysed by {', '.join(tools)}"
        return
    out.flag(
        where,
        f"no static security analysis of the {' and '.join(languages)} code: add CodeQL, "
        "semgrep or bandit",
    )
    out.figure = "no static security analysis"


# Other languages' sources, to weigh a handful of Python or JavaScript files against: a Rust
# project's release script and one chart helper are not its product (cargo's publish.py).
OTHER_CODE = frozenset(
    {
        ".rs",
        ".go",
        ".java",
        ".kt",
        ".scala",
        ".c",
        ".cc",
        ".cpp",
        ".h",
        ".hpp",
        ".cs",
        ".rb",
        ".php",
        ".swift",
        ".m",
        ".zig",
        ".hs",
        ".ml",
        ".ex",
        ".dart",
    }
)
INCIDENTAL = 3  # files: at most this many, and under 2% of the code, is tooling


def _product_languages(repo: Repo) -> list[str]:
    """The languages of SOURCE the repository's product is written in: outside its tooling
    folders, and more than a few files beside a main language of another kind."""
    counts: dict[str, int] = {}
    other = 0
    for f in repo.files:
        if under(f, NOT_OURS | SAMPLES | TOOLING):
            continue
        ext = posixpath.splitext(f)[1]
        if ext in SOURCE:
            counts[SOURCE[ext]] = counts.get(SOURCE[ext], 0) + 1
        elif ext in OTHER_CODE:
            other += 1
    total = other + sum(counts.values())
    return sorted(name for name, n in counts.items() if n > INCIDENTAL or n * 50 >= total)


# `hatch fmt` runs ruff with Hatch's default rules, which select flake8-bandit's S rules, unless
# the hatch-static-analysis environment points config-path elsewhere
# (https://hatch.pypa.io/latest/config/internal/static-analysis/, "Default settings").
HATCH_FMT = re.compile(r"\bhatch\s+fmt\b")
HATCH_CONFIG = re.compile(r"config-path\s*=\s*[\"']([^\"']+)[\"']")
# eslint-plugin-security's rules (https://github.com/eslint-community/eslint-plugin-security),
# enabled in an ESLint configuration that a workflow runs.
ESLINT_SECURITY = re.compile(r"eslint-plugin-security|plugin:security/|\bsecurity/detect-")
ESLINT_RUNS = re.compile(r"\beslint\b|\blint\b")
ESLINT_CONFIG = re.compile(r"(^|/)(eslint\.config\.[cm]?[jt]s|\.eslintrc(\.\w+)?)$")


def _hatch_fmt_security(repo: Repo) -> bool:
    if not any(HATCH_FMT.search(p.step.run or "") for p in repo.steps()):
        return False
    for name in ("hatch.toml", "pyproject.toml"):
        found = HATCH_CONFIG.search(repo.read(name) or "")
        if found:
            return found.group(1) != "none" and bool(
                RUFF_SECURITY.search(repo.read(found.group(1)) or "")
            )
    return True  # Hatch's defaults


def _eslint_security(repo: Repo) -> bool:
    if not any(ESLINT_RUNS.search(p.step.run or "") for p in repo.steps()):
        return False
    return any(
        ESLINT_SECURITY.search(repo.read(f) or "")
        for f in repo.files
        if ESLINT_CONFIG.search(f) and not under(f, NOT_OURS | SAMPLES)
    )


def _ruff_security(repo: Repo) -> bool:
    texts = [f"{p.step.run or ''} {p.step.uses or ''}" for p in repo.steps()]
    runs = any(RUFF_RUNS.search(t) for t in texts) or (
        any(PRE_COMMIT.search(t) for t in texts)
        and "ruff" in (repo.read(".pre-commit-config.yaml") or "")
    )  # scrapy runs ruff through pre-commit
    if not runs:
        return False
    for name in ("pyproject.toml", "ruff.toml", ".ruff.toml"):
        text = repo.read(name)
        if text and RUFF_SECURITY.search(text):
            return True
    return False


RULE = Rule(
    id="missing-sast",
    category="security",
    severity="low",
    summary="No static security analysis of the source code.",
    docs=Docs(
        what="Flags a repository with Python, JavaScript or TypeScript sources whose workflows "
        "run no static security analysis: CodeQL, semgrep, bandit, snyk code, njsscan, "
        "SonarQube, or "
        "ruff with flake8-bandit (`S`) rules selected (or `hatch fmt`, whose defaults select "
        "them), ESLint with eslint-plugin-security, a shared workflow named for "
        "CodeQL or semgrep, or one of these named in another CI system's configuration "
        "(`knowledge/ci_systems.toml`; also Microsoft's 1ES templates, which inject scans). "
        "Sources under `.github/`, `hack/`, `ci/`, `docs/`, test data, vendored code and "
        "sample apps are the repository's tooling, not its product, and do not count; nor do "
        "three files or fewer that are under 2% of the code (a Rust project's release "
        "script).",
        why="SQL built with f-strings, `subprocess(shell=True)` on a request parameter, "
        "`yaml.load`, disabled TLS verification: the mistakes that become incidents are "
        "patterns a scanner knows and a reviewer misses on a Friday afternoon.",
        example="jobs:\n  lint:\n    steps:\n      - run: ruff check .   # without the S rules",
        instead="jobs:\n  sast:\n    steps:\n      - run: pipx run bandit -r src -ll\n\n"
        'or `[tool.ruff.lint] select = [..., "S"]`, or github/codeql-action.',
    ),
    check=check,
)
