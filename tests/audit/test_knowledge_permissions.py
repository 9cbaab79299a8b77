"""The token-permissions table (``pitstop/knowledge/permissions.toml``), entry by entry: each is
well formed and sourced; a job granted exactly what an action needs is not flagged, one granted a
write it does not need is; the documentation's own example of each action that has one passes as
written, and without its ``permissions:`` the fix would grant at least what the example does."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from pitstop.audit import audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.repo import Repo
from pitstop.knowledge.permissions import LEVELS, SCOPES, actions, commands, script_needs
from tests.audit.one_workflow import messages

ENTRIES = sorted(actions().values(), key=lambda e: e.name.lower())
EXAMPLES = [e for e in ENTRIES if e.example]
NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\Z")


def findings(tmp_path: Path, workflow: str) -> list[str]:
    return messages(tmp_path, workflow, "excessive-permissions")


def job(body: str) -> str:
    return "on: push\njobs:\n  job:\n    runs-on: ubuntu-latest\n" + textwrap.indent(
        body.strip("\n") + "\n", "    "
    )


def permissions(scopes: dict[str, str]) -> str:
    if not scopes:
        return "permissions: {}\n"
    return "permissions:\n" + "".join(f"  {s}: {level}\n" for s, level in scopes.items())


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_entry_is_well_formed_and_sourced(entry: object) -> None:
    from pitstop.knowledge.permissions import Entry

    assert isinstance(entry, Entry)
    assert NAME.match(entry.name), entry.name
    assert entry.source.startswith("https://"), entry.source
    for scopes in (entry.needs, entry.may):
        for scope, level in scopes.items():
            assert scope in SCOPES and level in LEVELS, (scope, level)
    for pattern in entry.may_when.values():
        re.compile(pattern)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_what_the_action_needs_passes_and_an_unneeded_write_is_flagged(
    entry: object, tmp_path: Path
) -> None:
    from pitstop.knowledge.permissions import Entry

    assert isinstance(entry, Entry)
    uses = f"      - uses: {entry.name}@v1\n"
    granted = dict(entry.needs)
    ok = job(permissions(granted) + "steps:\n" + uses)
    assert findings(tmp_path / "ok", ok) == []
    spare = next(s for s in ("statuses", "deployments", "discussions", "checks")
                 if s not in entry.needs and s not in entry.may)  # fmt: skip
    flagged = job(permissions({**granted, spare: "write"}) + "steps:\n" + uses)
    assert findings(tmp_path / "flag", flagged) == [
        f"'{spare}: write' is granted but no step of job needs it (they need "
        + ", ".join(f"{s}: {lvl}" for s, lvl in _grants(entry).items())
        + ")"
    ]


def _grants(entry: object) -> dict[str, str]:
    from pitstop.knowledge.permissions import Entry, Needs

    assert isinstance(entry, Entry)
    needs = Needs()
    needs.add(entry, {})  # a step with no inputs, as the test writes it
    return needs.grants()


@pytest.mark.parametrize("entry", EXAMPLES, ids=lambda e: e.name)
def test_the_documented_example_passes_and_the_fix_grants_what_it_grants(
    entry: object, tmp_path: Path
) -> None:
    from pitstop.knowledge.permissions import Entry

    assert isinstance(entry, Entry)
    assert findings(tmp_path / "as-documented", job(entry.example)) == []
    body = re.sub(r"(?m)^permissions:\n(  .*\n)+", "", entry.example.lstrip("\n"))
    folder = tmp_path / "bare" / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "w.yml").write_text(job(body))
    result = audit(Repo.load(str(tmp_path / "bare")), AuditConfig(), ["excessive-permissions"])
    (finding,) = result.findings
    assert finding.fix is not None
    documented = dict(re.findall(r"(?m)^  ([a-z-]+): (read|write)$", entry.example))
    granted = dict(re.findall(r"([a-z-]+): (read|write)", finding.fix.title))
    for scope, level in documented.items():
        assert LEVELS[granted.get(scope, "none")] >= LEVELS[level], (scope, finding.fix.title)


# One script per command of the table, as workflows write them.
COMMAND_SCRIPTS = {
    r"\bgit\s+push\b": "git push origin HEAD:main",
    r"\bgh\s+release\s+(create|upload|edit|delete)\b": 'gh release create "$TAG" dist/*',
    r"\bgh\s+pr\s+(create|edit|comment|review|close|reopen|ready)\b": "gh pr comment 1 -b hi",
    r"\bgh\s+pr\s+merge\b": 'gh pr merge --auto --squash "$PR_URL"',
    r"\bgh\s+issue\s+(create|edit|comment|close|reopen|lock|unlock|transfer|delete)\b": (
        "gh issue create --title t --body b"
    ),
    r"\bgh\s+label\b": "gh label create bug",
    r"\bgh\s+(workflow\s+(run|enable|disable)|run\s+(rerun|cancel|delete))\b": (
        "gh workflow run deploy.yml"
    ),
    r"\bgh\s+cache\s+delete\b": "gh cache delete --all",
    r"\bmkdocs\s+gh-deploy\b|\bghp-import\b.*\s-p\b|\bgh-pages\b": "mkdocs gh-deploy --force",
    r"\bsemantic-release\b": "npx semantic-release",
    r"\bnpm\s+publish\b[^\n]*--provenance|NPM_CONFIG_PROVENANCE|\spublish\b[^\n]*--provenance": (
        "yarn release-tool publish --provenance"
    ),
    r"\bdocker\s+push\s+ghcr\.io|\bghcr\.io\b": "docker push ghcr.io/org/app:1",
    r"\bcosign\s+(sign|attest)\b": "cosign sign --yes ghcr.io/org/app@sha256:abc",
    r"\b(uv|pdm|hatch)\s+publish\b": "uv build && uv publish",
}


@pytest.mark.parametrize("pattern", [p.pattern for p, _ in commands()])
def test_every_command_is_sourced_and_matches_its_usual_form(pattern: str) -> None:
    entry = next(e for p, e in commands() if p.pattern == pattern)
    assert entry.source.startswith("https://")
    needs = script_needs(COMMAND_SCRIPTS[pattern])
    assert not needs.unknown
    for scope, level in entry.needs.items():
        assert needs.required[scope] == level


def test_a_script_handing_the_token_elsewhere_is_unknown() -> None:
    assert script_needs('curl -H "Authorization: token $GITHUB_TOKEN" https://api.x').unknown
    assert script_needs("python release.py", ["${{ secrets.GITHUB_TOKEN }}"]).unknown
    assert script_needs("gh api repos/o/r/labels", ["${{ github.token }}"]).unknown
    assert not script_needs("pytest -q").unknown
    known = script_needs("gh pr merge --auto 1", ["${{ secrets.GITHUB_TOKEN }}"])
    assert not known.unknown and known.required == {"contents": "write", "pull-requests": "write"}


@pytest.mark.parametrize(
    ("given", "flagged"),
    [
        ("push: false", True),
        ("load: true", True),
        ("push: true", False),
        ("outputs: type=image,name=acme/app,push=true", False),
        ("push: ${{ github.event_name != 'pull_request' }}", False),
    ],
)
def test_a_may_scope_counts_only_for_the_inputs_that_use_it(
    tmp_path: Path, given: str, flagged: bool
) -> None:
    """docker/build-push-action needs packages: write only when it pushes (its README: `push`
    is false by default, a shorthand for --output=type=registry): mealie's e2e build, with
    `push: false` and `load: true`, uses no write scope."""
    workflow = job(
        permissions({"contents": "read", "packages": "write"})
        + "steps:\n      - uses: docker/build-push-action@v6\n        with:\n"
        + f"          {given}\n"
    )
    found = findings(tmp_path, workflow)
    assert bool(found) == flagged, found
