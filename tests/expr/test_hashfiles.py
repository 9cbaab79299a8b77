"""hashFiles as the runner computes it (actions/runner src/Misc/expressionFunc/hashFiles/src/
hashFiles.ts): @actions/glob patterns rooted at the workspace, files in depth-first byte order,
SHA-256 over the concatenated per-file SHA-256 digests, '' when nothing matches."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from pitstop.expr import evaluate


def expected(root: Path, *relative: str) -> str:
    total = hashlib.sha256()
    for path in relative:
        total.update(hashlib.sha256((root / path).read_bytes()).digest())
    return total.hexdigest()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    files = {
        "requirements.txt": "a\n",
        "b/requirements-dev.txt": "b\n",
        "b/c/requirements.txt": "c\n",
        "B/requirements.txt": "upper\n",
        ".hidden/requirements.txt": "dot\n",
        "package-lock.json": "{}\n",
        "src/app.py": "print()\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def hash_files(root: Path, *patterns: str) -> str:
    args = ", ".join(f"'{p}'" for p in patterns)
    value = evaluate(f"hashFiles({args})", {"github": {"workspace": str(root)}})
    assert isinstance(value, str)
    return value


def test_order_is_depth_first_in_byte_order_and_dot_files_match(tree: Path) -> None:
    # byte order: ".hidden" < "B" < "b" < "requirements.txt"
    assert hash_files(tree, "**/requirements*.txt") == expected(
        tree,
        ".hidden/requirements.txt",
        "B/requirements.txt",
        "b/c/requirements.txt",
        "b/requirements-dev.txt",
        "requirements.txt",
    )


def test_negation_and_several_patterns(tree: Path) -> None:
    got = hash_files(tree, "**/requirements*.txt", "!**/c/**", "!.hidden/**", "!B/**")
    assert got == expected(tree, "b/requirements-dev.txt", "requirements.txt")


def test_a_matched_folder_includes_what_is_below_it(tree: Path) -> None:
    assert hash_files(tree, "src") == expected(tree, "src/app.py")


def test_no_match_is_empty(tree: Path) -> None:
    assert hash_files(tree, "**/*.lock") == ""


def test_files_outside_the_workspace_do_not_count(tree: Path) -> None:
    assert hash_files(tree / "b", "../requirements.txt") == ""


def test_symlinked_folders_are_followed_only_on_request(tree: Path) -> None:
    os.symlink(tree / "src", tree / "linked")
    assert hash_files(tree, "linked/**") == ""
    assert hash_files(tree, "--follow-symbolic-links", "linked/**") == expected(tree, "src/app.py")
