"""Which Python a setup-python step asks for, read as actions/setup-python reads it. The
expected readings are those of the action's own tests (actions/setup-python,
``__tests__/utils.test.ts``: "Version from file test", "Version from standard pyproject.toml
test", "Version from poetry pyproject.toml test", "Version from .tool-versions ...", "Version
from python_version in Pipfile") and its README ("Specifying multiple Python/PyPy version: the
last specified version will be used as a default one")."""

from __future__ import annotations

from pathlib import Path

import pytest

from pitstop.runner.actions.python_version_spec import from_file, requested
from pitstop.runner.actions.version_range import is_range, satisfies


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            ".python-version",
            "3.13/envs/virtualenv\r# 3.12\n3.11\r\n3.10\r\n 3.9 \r\n",
            ["3.13", "3.11", "3.10", "3.9"],
        ),
        ("pyproject.toml", '[project]\nrequires-python = ">=3.13.0"', [">=3.13.0"]),
        ("pyproject.toml", '[project]\nrequires-python = ">=3.9,<4"', [">=3.9 <4"]),
        ("pyproject.toml", '[tool.poetry.dependencies]\npython = ">=3.13.0"', [">=3.13.0"]),
        # a [project] table wins even without requires-python: Poetry's key is then not read
        (
            "pyproject.toml",
            '[project]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.9"',
            [],
        ),
        ("pyproject.toml", "", []),
        (".tool-versions", "python 3.13.2\nnodejs 16", ["3.13.2"]),
        (".tool-versions", "# python 3.13\npython 3.12", ["3.12"]),
        (".tool-versions", "  python   3.13  ", ["3.13"]),
        (".tool-versions", "python v3.13.2", ["3.13.2"]),
        ("Pipfile", '[requires]\npython_version = "3.13"', ["3.13"]),
        ("Pipfile", '[requires]\npython_full_version = "3.13.0"', ["3.13.0"]),
        ("Pipfile", "", []),
    ],
)
def test_version_files_read_as_the_action_reads_them(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode())
    assert from_file(str(path)) == expected


def test_a_broken_pyproject_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project\n")
    with pytest.raises(ValueError, match=r"pyproject\.toml"):
        from_file(str(path))


def test_the_input_lists_a_version_a_line_and_the_last_is_the_default() -> None:
    assert requested("3.9\n3.10\n\n3.11\n") == ["3.9", "3.10", "3.11"]
    assert requested("") == []


@pytest.mark.parametrize(
    ("wanted", "version", "inside"),
    [
        (">=3.9 <4", "3.11.7", True),
        (">=3.12", "3.11.7", False),
        (">= 3.9", "3.11.7", True),
        (">3.11", "3.11.7", False),  # semver: >3.11 is >=3.12.0
        ("<3.12", "3.11.7", True),
        ("<=3.11", "3.11.7", True),
        ("^3.10", "3.11.7", True),  # Poetry's caret: >=3.10,<4
        ("^3.10", "4.0.0", False),
        ("~3.10", "3.11.7", False),  # semver tilde: 3.10.x
        ("~=3.10", "3.11.7", True),  # PEP 440 compatible release: >=3.10,==3.*
        ("==3.11.*", "3.11.7", True),
        ("!=3.11.*", "3.11.7", False),
        (">=3.8 <3.11", "3.11.7", False),
        ("<3.8 || >=3.11", "3.11.7", True),
        (">= three", "3.11.7", False),
    ],
)
def test_ranges(wanted: str, version: str, inside: bool) -> None:
    assert is_range(wanted)
    assert satisfies(wanted, version) is inside


def test_a_plain_version_is_not_a_range() -> None:
    assert not is_range("3.12")
    assert not is_range("3.x")
