"""Pinning actions to commits: refs resolved with ``git ls-remote`` against real bare
repositories that ``https://github.com/…`` reaches through ``url.<base>.insteadOf``; a token
sent to a real HTTP server on 127.0.0.1; the cache in ``.pitstop/pins.json``."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from pitstop.fix.patch import CannotFix
from pitstop.fix.pins import Pins, most_specific_tag
from tests.fix.helpers import PinSource, fixed_text, git, pitstop, run_fix, write_repo

RULE = ("unpinned-action",)


def test_a_tag_becomes_its_commit_with_the_most_specific_tag_as_comment(
    tmp_path: Path, pin_source: PinSource
) -> None:
    sha = pin_source.add("actions/checkout", "v4", "v4.2", "v4.2.2")
    before = (
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo hi\n"
    )
    after, result = fixed_text(tmp_path, before, RULE)
    assert after == before.replace("checkout@v4\n", f"checkout@{sha} # v4.2.2\n")
    assert [o.title for o in result.applied] == ["pinned actions/checkout@v4 to its commit"]


def test_quoting_a_kept_comment_and_a_flow_mapping(tmp_path: Path, pin_source: PinSource) -> None:
    sha = pin_source.add("actions/checkout", "v4", "v4.1.0")
    before = (
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - uses: "actions/checkout@v4"   # the code\n'
        "      - uses: 'actions/checkout@v4' # v4\n"
        "      - {uses: actions/checkout@v4, with: {fetch-depth: 0}}\n"
    )
    after, _ = fixed_text(tmp_path, before, RULE)
    assert after == (
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        f'      - uses: "actions/checkout@{sha}" # v4.1.0 the code\n'
        f"      - uses: 'actions/checkout@{sha}' # v4.1.0\n"
        f"      - {{uses: actions/checkout@{sha}, with: {{fetch-depth: 0}}}}\n"
    )


def test_an_annotated_tag_pins_the_commit_not_the_tag_object(
    tmp_path: Path, pin_source: PinSource
) -> None:
    sha = pin_source.add("owner/tool", "v2.0.1", "v2", annotated=True)
    tag_object = git("rev-parse", "v2", cwd=pin_source.work / "owner/tool")
    assert tag_object != sha
    before = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: owner/tool@v2\n"
    after, _ = fixed_text(tmp_path, before, RULE)
    assert f"owner/tool@{sha} # v2.0.1\n" in after


def test_a_branch_and_a_reusable_workflow_in_a_subfolder(
    tmp_path: Path, pin_source: PinSource
) -> None:
    sha = pin_source.add("org/shared")
    before = "on: push\njobs:\n  ci:\n    uses: org/shared/.github/workflows/ci.yml@main\n"
    after, _ = fixed_text(tmp_path, before, RULE)
    assert after == before.replace("ci.yml@main\n", f"ci.yml@{sha} # main\n")


def test_an_unknown_ref_is_reported_and_nothing_changes(
    tmp_path: Path, pin_source: PinSource
) -> None:
    pin_source.add("actions/checkout", "v4")
    before = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v9\n"
    )
    after, result = fixed_text(tmp_path, before, RULE)
    assert after == before
    assert "has no tag or branch 'v9'" in result.refused[0].title


def test_pins_are_cached_and_refresh_resolves_again(tmp_path: Path, pin_source: PinSource) -> None:
    sha = pin_source.add("actions/checkout", "v4", "v4.0.0")
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
    root = write_repo(tmp_path / "repo", {".github/workflows/w.yml": text})
    dry = pitstop("fix", "--rule", RULE[0], "--dry-run", cwd=root)
    assert dry.returncode == 1 and sha in dry.stdout, dry.stderr
    assert not (root / ".pitstop").exists()  # --dry-run writes nothing, the cache included
    done = pitstop("fix", "--rule", RULE[0], "--fail-on", "none", cwd=root)
    assert done.returncode == 0, done.stderr
    cache = json.loads((root / ".pitstop" / "pins.json").read_text())
    assert cache["pins"]["https://github.com/actions/checkout@v4"] == {
        "sha": sha,
        "tag": "v4.0.0",
    }
    shutil.rmtree(pin_source.folder / "actions")  # the source is gone: the cache still answers
    (root / ".github/workflows/w.yml").write_text(text)
    assert run_fix(root, RULE).applied
    with pytest.raises(CannotFix, match="ls-remote"):
        Pins(str(root), refresh=True).resolve("actions/checkout", "v4")


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["v4", "v4.2", "v4.2.2"], "v4.2.2"),
        (["v1", "latest"], "v1"),
        (["latest"], "latest"),
        (["v10.0.0", "v9.9.9"], "v10.0.0"),
    ],
)
def test_most_specific_tag(tags: list[str], expected: str) -> None:
    refs = {f"refs/tags/{t}": "a" * 40 for t in tags} | {"refs/heads/v99.9.9": "a" * 40}
    assert most_specific_tag(refs, "a" * 40) == expected


class _TokenHandler(SimpleHTTPRequestHandler):
    """Git's dumb HTTP protocol from a folder, for requests carrying the expected token only."""

    expected = ""

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def token_server(tmp_path: Path, pin_source: PinSource) -> Iterator[tuple[str, str]]:
    sha = pin_source.add("private/action", "v1")
    served = pin_source.folder
    subprocess.run(["git", "update-server-info"], cwd=served / "private/action", check=True)
    token = "ghs_" + "x" * 36
    _TokenHandler.expected = (
        "basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
    )
    server = HTTPServer(("127.0.0.1", 0), partial(_TokenHandler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sha
    finally:
        server.shutdown()


def test_github_token_goes_to_the_server_as_checkout_sends_it(
    tmp_path: Path, token_server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, sha = token_server
    monkeypatch.setenv("GITHUB_SERVER_URL", url)
    pins = Pins(str(tmp_path))
    with pytest.raises(CannotFix, match="ls-remote"):
        pins.resolve("private/action", "v1")  # no token: 401
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_" + "x" * 36)
    assert Pins(str(tmp_path)).resolve("private/action", "v1").sha == sha


def test_a_pinned_deprecated_major_is_pinned_again_at_the_new_major(
    tmp_path: Path, pin_source: PinSource
) -> None:
    sha = pin_source.add("actions/checkout", "v5", "v5.0.1")
    old = "0123456789abcdef0123456789abcdef01234567"
    before = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@{old} # v4.2.2\n"
    )
    after, result = fixed_text(tmp_path, before, ("deprecated-action-version",))
    assert after == before.replace(f"{old} # v4.2.2", f"{sha} # v5.0.1")
    assert [o.title for o in result.applied] == ["moved actions/checkout from v4 to v5"]
