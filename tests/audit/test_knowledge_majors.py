"""The majors table (``pitstop/knowledge/majors.toml``) and the moves ``pitstop fix`` makes with
it: for every action in the table and every older major, with and without the inputs its
changes name, the fix keeps every input the step had, adds exactly the inputs that keep the old
meaning, and is offered as safe only when no change it crosses is left uncovered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from pitstop.fix import fix
from pitstop.knowledge.tables import table

ROWS = table("majors.toml")["action"]
SAMPLES = {"java-version": "1.8", "fetch-depth": 2, "path": "src", "cache": False}


def cases() -> list[Any]:
    found = []
    for row in ROWS:
        names = {c.get(k) for c in row.get("change", []) for k in ("when_input", "unless_input")}
        input_sets: list[dict[str, Any]] = [{}] + [
            {name: SAMPLES.get(name, "x")} for name in sorted(n for n in names if n)
        ]
        for major in range(1, row["current"]):
            for inputs in input_sets:
                found.append(pytest.param(row, major, inputs, id=f"{row['name']}@v{major}{inputs}"))
    return found


def expected(row: dict[str, Any], major: int, inputs: dict[str, Any]) -> tuple[dict, list[str]]:
    """What the move must add and what it cannot keep, read from the table's own words."""
    add: dict[str, Any] = {}
    unsafe: list[str] = []
    for change in row.get("change", []):
        if not (major < change["major"] <= row["current"]):
            continue
        when = change.get("when_input")
        if when and (
            when not in inputs or not re.search(change.get("when_value", ""), str(inputs[when]))
        ):
            continue
        if change.get("unless_input") in inputs:
            continue
        if change.get("add"):
            add.update(change["add"])
        else:
            unsafe.append(change["what"])
    return add, unsafe


def workflow(uses: str, inputs: dict[str, Any]) -> str:
    step: dict[str, Any] = {"uses": uses}
    if inputs:
        step["with"] = inputs
    doc = {"on": "push", "jobs": {"a": {"runs-on": "ubuntu-latest", "steps": [step]}}}
    return yaml.safe_dump(doc, sort_keys=False)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["name"])
def test_rows_are_well_formed_and_sourced(row: dict[str, Any]) -> None:
    assert row["source"].startswith("https://")
    assert isinstance(row["current"], int)
    for change in row.get("change", []):
        assert change["source"].startswith("https://")
        assert 1 < change["major"] <= row["current"]
        assert change["what"]
        re.compile(change.get("when_value", ""))


@pytest.mark.parametrize(("row", "major", "inputs"), cases())
def test_a_move_keeps_the_inputs_and_is_safe_only_when_nothing_changes_meaning(
    row: dict[str, Any], major: int, inputs: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "w.yml").write_text(workflow(f"{row['name']}@v{major}", inputs))
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["deprecated-action-version"])
    (finding,) = found.findings
    assert finding.fix is not None
    add, unsafe = expected(row, major, inputs)
    assert (finding.fix.safety == "safe") == (not unsafe), finding.fix.title
    for reason in unsafe:
        assert reason in finding.fix.title
    result = fix(str(tmp_path), AuditConfig(), ["deprecated-action-version"], unsafe=True)
    (text,) = result.texts.values()
    step = yaml.safe_load(text)["jobs"]["a"]["steps"][0]
    assert step["uses"] == f"{row['name']}@v{row['current']}"
    assert step.get("with", {}) == {**inputs, **add}  # every input kept, only `add` added


def test_a_version_kept_on_purpose_by_its_comment_is_reported_without_a_fix(
    tmp_path: Path,
) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "w.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/upload-artifact@v3  # v3, NOT v4: the merge job reads these\n"
        "      - uses: actions/setup-java@v1 # java 1.8 needs v1\n"
        "        with:\n          java-version: 1.8\n"
    )
    found = audit(Repo.load(str(tmp_path)), AuditConfig(), ["deprecated-action-version"])
    assert [f.fix for f in found.findings] == [None, None]
    assert "kept on purpose, its comment says: v3, NOT v4" in found.findings[0].message
