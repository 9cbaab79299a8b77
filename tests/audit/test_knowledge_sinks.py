"""The code-execution sinks table (``pitstop/knowledge/sinks.toml``), entry by entry: each is
sourced, and template-injection flags an outsider's text expanded into that input, and not a
trusted value there."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pitstop.knowledge.tables import table
from tests.audit.one_workflow import messages

ENTRIES = table("sinks.toml")["action"]


def findings(tmp_path: Path, uses: str, name: str, value: str) -> list[str]:
    workflow = textwrap.dedent(
        f"""\
            on: pull_request_target
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - uses: {uses}@v1
                    with:
                      {name}: "echo {value}"
            """
    )
    return messages(tmp_path, workflow, "template-injection")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_each_sink_is_sourced_and_flags_an_outsiders_text(
    tmp_path: Path, entry: dict[str, str]
) -> None:
    assert entry["source"].startswith("https://")
    flagged = findings(tmp_path / "x", entry["name"], entry["input"], "${{ github.head_ref }}")
    assert len(flagged) == 1 and entry["name"] in flagged[0]
    assert not findings(tmp_path / "y", entry["name"], entry["input"], "${{ github.sha }}")
    assert not findings(tmp_path / "z", entry["name"], "unrelated", "${{ github.head_ref }}")
