"""Folders whose files are not the project's own workflows, actions, docs or migrations: test
data (fixtures a test suite reads) and vendored projects. One list, read by every rule that
skips them."""

from __future__ import annotations

TEST_DATA = frozenset(
    {"test", "tests", "testdata", "test-data", "fixture", "fixtures", "__tests__", "__fixtures__"}
)
VENDORED = frozenset({"vendor", "node_modules", "third_party", "third-party"})
# Sample and demo applications shipped beside a library: their files are the sample's.
SAMPLES = frozenset(
    {"example", "examples", "sample", "samples", "demo", "demos", "smoke-test", "smoke-tests"}
)
NOT_OURS = TEST_DATA | VENDORED
# Folders of the repository's tooling, not of its product: CI helper scripts, maintainer
# scripts (Kubernetes projects' `hack/`), and the documentation and its site generator
# (spring-boot's `antora/`), and the lock file the Kotlin Gradle plugin keeps for its JavaScript
# test tooling (okhttp's `kotlin-js-store/yarn.lock`).
TOOLING = frozenset({".github", "hack", "docs", "doc", "ci", "antora", "kotlin-js-store"})


def under(relative: str, folders: frozenset[str]) -> bool:
    """Whether a folder of ``relative`` (a path inside the repository) is one of ``folders``."""
    return any(part.lower() in folders for part in relative.replace("\\", "/").split("/")[:-1])
