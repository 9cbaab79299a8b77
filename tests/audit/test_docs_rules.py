"""docs/audit.md stays true: every rule is in its table with the rule's own category, severity
and summary."""

from __future__ import annotations

from pathlib import Path

from pitstop.audit.registry import all_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def test_every_rule_is_in_the_docs_table_as_it_is() -> None:
    rows = {
        line.split("|")[1].strip().strip("`"): [c.strip() for c in line.split("|")[2:6]]
        for line in DOC.read_text().splitlines()
        if line.startswith("| `")
    }
    for rule in all_rules().values():
        assert rule.id in rows, rule.id
        category, severity, _, summary = rows[rule.id]
        assert (category, severity, summary) == (rule.category, rule.severity, rule.summary)
    assert set(rows) == set(all_rules())
