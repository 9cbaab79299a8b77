"""Two knowledge tables, entry by entry. ``action_owners.toml``: each publisher is sourced, is
never flagged itself, and its one-typo look-alikes are (typosquat-action). ``app_tokens.toml``:
each token action is sourced, and its inputs decide broad-app-token as its README says."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pitstop.knowledge.action_owners import squatted
from pitstop.knowledge.app_tokens import organization_only
from pitstop.knowledge.tables import table
from tests.audit.one_workflow import messages

OWNERS = table("action_owners.toml")["owner"]
TOKENS = table("app_tokens.toml")["action"]


def step(uses: str, inputs: str = "") -> str:
    body = textwrap.indent(textwrap.dedent(inputs), " " * 10)
    return (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: {uses}\n" + (f"        with:\n{body}" if inputs else "")
    )


@pytest.mark.parametrize("entry", OWNERS, ids=[e["name"] for e in OWNERS])
def test_each_publisher_is_sourced_and_never_a_squat(tmp_path: Path, entry: dict[str, str]) -> None:
    assert entry["source"] == f"https://github.com/{entry['action']}"
    assert entry["action"].split("/")[0] == entry["name"]
    assert squatted(entry["name"]) is None
    assert messages(tmp_path, step(f"{entry['action']}@v1"), "typosquat-action") == []


@pytest.mark.parametrize(
    "entry", [e for e in OWNERS if len(e["name"]) >= 5], ids=lambda e: e["name"]
)
def test_a_dropped_letter_is_a_squat(tmp_path: Path, entry: dict[str, str]) -> None:
    name = entry["name"]
    typo = name[:2] + name[3:]
    if squatted(typo) is None:  # the typo is itself another listed publisher
        assert typo.lower() in {e["name"].lower() for e in OWNERS}
        return
    found = messages(tmp_path, step(f"{typo}/x@v1"), "typosquat-action")
    assert len(found) == 1 and f"'{typo}' is a typo away from" in found[0]


def test_typing_errors_and_look_alikes() -> None:
    assert squatted("actoins") == "actions"  # two letters swapped
    assert squatted("actionss") == "actions"  # one added
    assert squatted("acti0ns") == "actions"  # a look-alike digit
    assert squatted("pyp4") == "pypa"  # look-alikes count for short names too
    assert squatted("pypi") is None  # but not a changed letter: short names have honest neighbours
    assert squatted("example") is None


@pytest.mark.parametrize("entry", TOKENS, ids=[e["name"] for e in TOKENS])
def test_each_token_action_is_sourced_and_read_as_its_readme_says(
    tmp_path: Path, entry: dict[str, str]
) -> None:
    assert entry["source"].startswith("https://github.com/")
    uses = f"{entry['name']}@v2"
    keys = "app-id: ${{ vars.APP_ID }}\nprivate-key: ${{ secrets.KEY }}\n"
    permission = f"{entry['permission_prefix']}contents: write\n"
    scoped = f"{keys}{entry['owner']}: acme\n{entry['repositories']}: web\n{permission}"
    assert messages(tmp_path, step(uses, scoped), "broad-app-token") == []
    wide = f"{keys}{entry['owner']}: acme\n{permission}"
    assert [m.split(":")[0] for m in messages(tmp_path, step(uses, wide), "broad-app-token")] == [
        entry["owner"]
    ]
    kept = f"{keys}{permission}{entry['revoke_off']}: true\n"
    found = messages(tmp_path, step(uses, kept), "broad-app-token")
    assert len(found) == 1 and found[0].startswith(f"{entry['revoke_off']}: true")
    everything = messages(tmp_path, step(uses, keys), "broad-app-token")
    assert len(everything) == 1 and "every permission" in everything[0]


def test_organization_permissions() -> None:
    assert organization_only("members")
    assert organization_only("organization-secrets")
    assert not organization_only("contents")
    assert not organization_only("issues")


def test_the_advice_names_what_the_tokens_users_need(tmp_path: Path) -> None:
    """The permissions table says what `gh pr merge` needs; the finding asks for exactly that
    (webpack's dependabot auto-merge), and falls back to a hint when a user is unknown."""
    workflow = textwrap.dedent(
        """\
        on: pull_request
        jobs:
          merge:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/create-github-app-token@v2
                id: app
                with: {app-id: "${{ vars.ID }}", private-key: "${{ secrets.KEY }}"}
              - run: gh pr merge --auto --squash "$PR"
                env: {GH_TOKEN: "${{ steps.app.outputs.token }}"}
        """
    )
    found = messages(tmp_path, workflow, "broad-app-token")
    assert len(found) == 1
    assert found[0].endswith(
        "what the steps that use it need: permission-contents: write, "
        "permission-pull-requests: write"
    )
