"""The caches table (``pitstop/knowledge/caches.toml``), entry by entry: each is sourced, and
cache-poisoning flags the action in a job that publishes a release when the entry says it
restores a cache, and leaves it alone when the entry's input turns the cache off (or never
turned it on). The ``declares`` entries: a step that needs package.json to name its package
manager tells which one it names."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from pitstop.knowledge.tables import table
from tests.audit.one_workflow import messages

ACTIONS = table("caches.toml")["action"]
DECLARES = table("caches.toml")["declares"]


def release(tmp_path: Path, steps: str) -> list[str]:
    """cache-poisoning's messages for a tag-push job that runs ``steps`` then uploads to PyPI."""
    workflow = textwrap.dedent(
        """\
        on:
          push:
            tags: ["v*"]
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
        """
    )
    workflow += textwrap.indent(textwrap.dedent(steps), " " * 6)
    workflow += "      - run: twine upload dist/*\n"
    return messages(tmp_path, workflow, "cache-poisoning")


def step(uses: str, major: int, inputs: dict[str, Any]) -> str:
    text = f"- uses: {uses}@v{major}\n"
    if inputs:
        text += "  with:\n" + "".join(f"    {k}: {v}\n" for k, v in inputs.items())
    return text


@pytest.mark.parametrize("entry", ACTIONS, ids=[e["name"] for e in ACTIONS])
def test_each_caching_action_is_sourced_and_judged_as_its_entry_says(
    tmp_path: Path, entry: dict[str, Any]
) -> None:
    assert entry["source"].startswith("https://")
    name = entry["name"]
    since = int(entry.get("default_since", 0))
    if entry.get("always"):
        assert release(tmp_path / "on", step(name, 4, {}))
        if "ignore" in entry:
            assert not release(tmp_path / "off", step(name, 4, {entry["ignore"]: "true"}))
    elif "opt_in" in entry:
        assert release(tmp_path / "on", step(name, 4, {entry["opt_in"]: "pip"}))
        assert not release(tmp_path / "off", step(name, 4, {}))
    else:
        toggle = entry["toggle"]
        assert release(tmp_path / "on", step(name, max(since, 1), {toggle: "true"}))
        assert not release(tmp_path / "off", step(name, max(since, 1), {toggle: "false"}))
        if since > 1:  # before the major that turned it on, caching was opt-in
            assert not release(tmp_path / "old", step(name, since - 1, {}))
        if since and not entry.get("auto") and not entry.get("release_off_since"):
            assert release(tmp_path / "default", step(name, since, {}))


@pytest.mark.parametrize("entry", DECLARES, ids=[e["action"] for e in DECLARES])
def test_a_step_that_needs_package_json_to_name_its_manager_tells_which(
    tmp_path: Path, entry: dict[str, Any]
) -> None:
    """setup-node v5 caches by default for the package manager package.json declares; with no
    package.json in sight, a step that cannot run without that declaration says what it is."""
    assert entry["source"].startswith("https://")
    node = "- uses: actions/setup-node@v5\n"
    needs = f"- uses: {entry['action']}@v4\n"
    assert release(tmp_path / "inferred", needs + node)
    for given in entry["unless"]:
        told = f"- uses: {entry['action']}@v4\n  with:\n    {given}: '10'\n"
        assert not release(tmp_path / given, told + node)
    assert not release(tmp_path / "alone", node)
