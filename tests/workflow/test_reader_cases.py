"""GitHub's own workflow parser's reader cases (actions/languageservices,
workflow-parser/testdata/reader; the copy in ../shared/conformance/workflow-reader, MIT): each
case is a workflow and what the parser makes of it, the normalised workflow or the errors with
GitHub's messages. ``pitstop validate`` must accept what GitHub accepts, reject what it rejects,
and say it in GitHub's words.

Issue 14 asks for every case. This test measures where pitstop stands, case by case: the cases
in GAPS are the ones it does not match yet, each with its cause; a gap that closes fails the
test until it is taken off the list, and a case that regresses fails it too, so the level only
rises. Cases with called workflows (documents after the workflow, each `ref` then the called
file) hand those files to pitstop as it reads the repository's own called workflows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pitstop.errors import PitstopError
from pitstop.workflow.calls import check_calls
from pitstop.workflow.repository import load_file
from pitstop.workflow.validate import MAX_RESULT_SIZE
from pitstop.workflow.yaml import YamlDocument, parse_yaml
from tests.conftest import SHARED

CASES = SHARED / "conformance" / "workflow-reader"
DOCUMENT = re.compile(r"(?m)^---\s*$\n?")

# case -> why pitstop does not match GitHub on it yet.
GAPS = {
    # the one gap the C# parser (GitHub's service) skips too: it ignores unknown keys under
    # workflow_dispatch (case on-workflow_dispatch-unknown-keys-ignored), as pitstop does
    "events-single-invalid.yml": "C# skips it: only the editor's parser reports unknown_value",
}


def _cases() -> list[Path]:
    return sorted(CASES.glob("*.yml")) if CASES.is_dir() else []


# "<file> (Line: 4, Col: 14): <message>", or "<file>: <message>" for the file as a whole
PLACED = re.compile(r"^.*? \(Line: (\d+), Col: (\d+)\): (.*)$", re.DOTALL)


# The token permissions a case's `permissions-policy` gives a caller that sets none: GitHub's
# "restricted" default (docs, "Automatic token authentication": contents and packages read).
POLICIES = {"LimitedRead": {"contents": "read", "packages": "read"}}


def _options(case: Path) -> dict[str, Any]:
    """The case's options (its first document): limits and the permissions policy."""
    found = yaml.safe_load(DOCUMENT.split(case.read_text(encoding="utf-8"))[0])
    return found if isinstance(found, dict) else {}


def _called(case: Path) -> dict[str, str]:
    """The workflows the case's workflow calls, by the `uses:` that names them."""
    parts = DOCUMENT.split(case.read_text(encoding="utf-8"))
    middle = parts[2:-1]
    return {middle[i].strip(): middle[i + 1] for i in range(0, len(middle) - 1, 2)}


def _read(case: Path) -> tuple[str, list[tuple[int | None, int | None, str]]]:
    """The workflow and GitHub's errors, each (line, column, message); none: it is accepted."""
    parts = DOCUMENT.split(case.read_text(encoding="utf-8"))
    expected: Any = json.loads(parts[-1])
    errors = expected.get("errors", []) if isinstance(expected, dict) else []
    found: list[tuple[int | None, int | None, str]] = []
    for error in errors:
        placed = PLACED.match(error["Message"])
        if placed:
            found.append((int(placed.group(1)), int(placed.group(2)), placed.group(3)))
        else:
            found.append((None, None, error["Message"].split(".yml: ", 1)[-1]))
    return parts[1], found


def _matches(case: Path, tmp_path: Path) -> bool:
    """Accepted or rejected as GitHub does, and each of GitHub's errors reported, in its words
    (pitstop may add the allowed values) and at its place when the case gives one."""
    workflow, wanted = _read(case)
    called = _called(case)
    options = _options(case)
    path = tmp_path / ".github" / "workflows" / case.name
    path.parent.mkdir(parents=True)
    path.write_text(workflow, encoding="utf-8")
    if "max-file-size" in options:  # the case's own limit, in place of GitHub's 1 MiB
        try:
            parse_yaml(workflow, str(path), max_file_size=int(options["max-file-size"]))
        except PitstopError as error:
            return [error.message] == [m for _, _, m in wanted]
    loaded = load_file(
        str(path),
        resolve=lambda uses: resolve(called, uses),
        default_permissions=POLICIES.get(str(options.get("permissions-policy"))),
        max_result_size=int(options.get("max-result-size", MAX_RESULT_SIZE)),
    )
    got = [
        (p.span.line if p.span else None, p.span.column if p.span else None, p.message)
        for p in loaded.problems
    ]
    for ref, text in called.items():  # GitHub reads the calls the called workflows make too
        nested = check_calls(parse_yaml(text, ref), lambda uses: resolve(called, uses))
        got += [(p.span.line if p.span else None, p.span.column if p.span else None, p.message)
                for p in nested]  # fmt: skip
    if bool(got) != bool(wanted):
        return False
    return all(
        any(
            message in m and line in (None, g_line) and column in (None, g_column)
            for g_line, g_column, m in got
        )
        for line, column, message in wanted
    )


def resolve(called: dict[str, str], uses: str) -> YamlDocument | None:
    text = called.get(uses)
    return parse_yaml(text, uses) if text is not None else None


@pytest.mark.skipif(not CASES.is_dir(), reason=f"{CASES} is absent: no reader cases to run")
@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.stem)
def test_reader_case(case: Path, tmp_path: Path) -> None:
    matched = _matches(case, tmp_path)
    if case.name in GAPS:
        assert not matched, f"{case.name} now matches GitHub: take it off GAPS"
        pytest.xfail(GAPS[case.name])
    assert matched


@pytest.mark.skipif(not CASES.is_dir(), reason=f"{CASES} is absent: no reader cases to run")
def test_the_number_of_cases_and_gaps() -> None:
    assert len(_cases()) == 97
    assert set(GAPS) <= {c.name for c in _cases()}
    assert len(GAPS) == 1  # 96 of 97 cases match GitHub; the one left, GitHub's service skips
