"""The scanners table (``pitstop/knowledge/scanners.toml``): every entry is sourced, scans a
known kind, and is found as a workflow writes it: each command in a script (as its program,
after a wrapper, from a repository path), each action at any version."""

from __future__ import annotations

import pytest

from pitstop.audit.scanners import KINDS, SCAN_ACTIONS, ecosystems_of, kinds_of, scanner
from pitstop.knowledge.tables import table

ROWS = table("scanners.toml")


@pytest.mark.parametrize("row", ROWS["command"] + ROWS["action"], ids=lambda r: str(r["name"]))
def test_entries_are_sourced_and_scan_known_kinds(row: dict[str, object]) -> None:
    assert str(row["source"]).startswith("https://")
    scans = row["scans"]
    assert isinstance(scans, list) and scans and set(scans) <= set(KINDS)
    ecosystems = row.get("ecosystems")
    assert ecosystems is None or (
        "dependencies" in scans and set(ecosystems) <= {"Python", "JavaScript"}  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("row", ROWS["command"], ids=lambda r: str(r["name"]))
def test_each_command_is_found_where_a_workflow_runs_it(row: dict[str, object]) -> None:
    name = str(row["name"])
    program, _, sub = name.partition(" ")
    for written in (
        name,
        f"sudo {name} --format json",
        f"./bin/{program} {sub}".strip(),
        f"xargs -0 {name}",  # `git ls-files -z | xargs -0 detect-secrets-hook …`
    ):
        assert scanner(written) == name, written
    assert kinds_of(name) == frozenset(row["scans"])  # type: ignore[arg-type]
    assert scanner(f"echo {name}") is None  # a message that names it runs nothing


@pytest.mark.parametrize("row", ROWS["action"], ids=lambda r: str(r["name"]))
def test_each_action_is_found_at_any_version(row: dict[str, object]) -> None:
    assert SCAN_ACTIONS.match(f"{row['name']}@v1")
    assert SCAN_ACTIONS.match(f"{str(row['name']).upper()}@0123456789abcdef")


def test_a_dependency_audit_without_ecosystems_reads_any() -> None:
    assert ecosystems_of("osv-scanner") is None
    assert ecosystems_of("pip-audit") == frozenset({"Python"})
    assert ecosystems_of("importmap audit") == frozenset({"JavaScript"})


@pytest.mark.parametrize(
    ("row", "sub"),
    [(r, s) for r in ROWS["command"] for s in r.get("not_scans", [])],
    ids=lambda v: str(v) if isinstance(v, str) else str(v["name"]),
)
def test_subcommands_that_scan_nothing_are_not_scans(row: dict[str, object], sub: str) -> None:
    """openreplay's `trivy convert --format table … || true` prints a report the real
    `trivy image` scan wrote; that scan is the one that must be able to fail."""
    assert scanner(f"{row['name']} {sub} --format table report.json") is None
    assert scanner(f"{row['name']} image --format json app:latest") == row["name"]
