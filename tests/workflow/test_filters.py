"""Filter patterns: every example of GitHub's "Filter pattern cheat sheet".

Source: docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax
#filter-pattern-cheat-sheet (patterns to match branches and tags; patterns to match file paths).
"""

from __future__ import annotations

import pytest

from pitstop.workflow.filters import matches, path_filter, ref_filter

REFS = [
    (["feature/*"], ["feature/my-branch", "feature/your-branch"], ["feature/a/b", "feature"]),
    (
        ["feature/**"],
        ["feature/beta-a/my-branch", "feature/your-branch", "feature/mona/the/octocat"],
        ["features/x"],
    ),
    (["main", "releases/mona-the-octocat"], ["main", "releases/mona-the-octocat"], ["main2"]),
    (["*"], ["main", "releases"], ["releases/v1"]),
    (["**"], ["all/the/branches", "every/tag"], []),
    (["*feature"], ["mona-feature", "feature", "ver-10-feature"], ["feature-x"]),
    (["v2*"], ["v2", "v2.0", "v2.9"], ["v1", "v3.0"]),
    (["v[12].[0-9]+.[0-9]+"], ["v1.10.1", "v2.0.0"], ["v3.0.0", "v1.x.1", "v1.10"]),
]

PATHS = [
    (["*"], ["README.md", "server.rb"], ["docs/README.md"]),
    (["*.jsx?"], ["page.js", "page.jsx"], ["page.jsxx", "src/page.js"]),
    (["**"], ["all/the/files.md"], []),
    (["*.js"], ["app.js", "index.js"], ["js/index.js"]),
    (["**.js"], ["index.js", "js/index.js", "src/js/app.js"], ["index.jsx"]),
    (["docs/*"], ["docs/README.md", "docs/file.txt"], ["docs/a/b.md"]),
    (["docs/**"], ["docs/README.md", "docs/mona/octocat.txt"], ["doc/x"]),
    (
        ["docs/**/*.md"],
        ["docs/README.md", "docs/mona/hello-world.md", "docs/a/markdown/file.md"],
        ["docs/a.txt"],
    ),
    (
        ["**/docs/**"],
        ["docs/hello.md", "dir/docs/my-file.txt", "space/docs/plan/space.doc"],
        ["mydocs/x"],
    ),
    (["**/README.md"], ["README.md", "js/README.md"], ["README.mdx"]),
    (["**/*src/**"], ["a/src/app.js", "my-src/code/js/app.js"], ["src.js"]),
    (["**/*-post.md"], ["my-post.md", "path/their-post.md"], ["post.md"]),
    (
        ["**/migrate-*.sql"],
        ["migrate-10909.sql", "db/migrate-v1.0.sql", "db/sept/migrate-v1.sql"],
        ["migrate.sql"],
    ),
    (["*.md", "!README.md"], ["hello.md"], ["README.md", "docs/hello.md"]),
    (["*.md", "!README.md", "README*"], ["hello.md", "README.md", "README.doc"], []),
]


@pytest.mark.parametrize(("patterns", "hits", "misses"), REFS + PATHS)
def test_cheat_sheet(patterns: list[str], hits: list[str], misses: list[str]) -> None:
    for value in hits:
        assert matches(patterns, value), (patterns, value)
    for value in misses:
        assert not matches(patterns, value), (patterns, value)


def test_escaped_special_characters_are_literal() -> None:
    assert matches([r"v1\.0\+"], "v1.0+")
    assert not matches([r"v1\.0\+"], "v1x0")


def test_branch_filter_decisions_explain_themselves() -> None:
    runs = ref_filter("branch", ["main", "releases/**"], None, "releases/v1/rc")
    assert runs.runs and "matches branches" in runs.reason
    stopped = ref_filter("branch", None, ["dependabot/**"], "dependabot/pip/x")
    assert not stopped.runs and "branches-ignore" in stopped.reason


def test_paths_runs_when_any_file_matches() -> None:
    assert path_filter(["src/**"], None, ["docs/a.md", "src/x.py"]).runs
    assert not path_filter(["src/**"], None, ["docs/a.md"]).runs


def test_paths_ignore_runs_unless_every_file_is_ignored() -> None:
    assert not path_filter(None, ["docs/**", "**.md"], ["docs/a.md", "README.md"]).runs
    assert path_filter(None, ["docs/**"], ["docs/a.md", "src/x.py"]).runs
