"""unfiltered-heavy-trigger tests a script for one of DOCS_WORDS before it runs the DOCS_CHECKS
pattern: every documentation check the pattern knows must pass that quick test, or the rule
would stop seeing it."""

from __future__ import annotations

import pytest

from pitstop.audit.rules.unfiltered_heavy_trigger import DOCS_CHECKS, _docs_check_in

# one script per alternative of DOCS_CHECKS
SCRIPTS = [
    "sphinx-build -W docs build",
    "mkdocs build --strict",
    "python -m doctest README.rst",
    "npm run docs:lint",
    "make docs",
    "make html",
    "make linkcheck",
    "tox -e docs",
    "nox -s docs",
    "npx markdownlint-cli2 '**/*.md'",
    "vale sync",
    "lychee --offline .",
    "python -m sphinx -b linkcheck . out",
    "grep -q TODO docs/index.md",
    "npx prettier --check .",
    "prettier -c '**/*.md'",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_docs_check_passes_the_quick_test(script: str) -> None:
    assert DOCS_CHECKS.search(script)
    assert _docs_check_in(script)


def test_a_script_without_any_docs_word_is_not_a_docs_check() -> None:
    assert not _docs_check_in("pytest -q tests")
    assert not _docs_check_in("npx prettier --check src/")  # no Markdown in what it checks
