"""Remote actions fetched by ``pitstop run`` (by default; never with ``--offline``) from a real
HTTP server on 127.0.0.1 that answers as GitHub's REST API does: a ref resolved to its commit,
then ``GET /repos/{owner}/{repo}/tarball/{sha}`` redirecting to a tarball whose one top folder is
``owner-repo-sha/`` (docs "REST API endpoints for repository contents", Download a repository
archive (tar)). The server counts the calls."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import make_repo

GREET = {
    "action.yml": """
name: greet
inputs:
  who: {required: true}
outputs:
  shout: {value: "${{ steps.inner.outputs.shout }}"}
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "hello ${{ inputs.who }}" > "$GITHUB_WORKSPACE/greeting"
    - id: inner
      uses: acme/inner/shout@v2
      with:
        text: ${{ inputs.who }}
""",
    "README.md": "greet\n",
}
INNER = {
    "shout/action.yml": """
name: shout
inputs:
  text: {required: true}
runs:
  using: node20
  main: index.js
""",
    "shout/index.js": """
const fs = require('fs');
const text = process.env['INPUT_TEXT'].toUpperCase();
fs.appendFileSync(process.env['GITHUB_OUTPUT'], `shout=${text}\\n`);
""",
}
EVIL = {"action.yml": "runs: {using: composite, steps: []}\n", "../escaped.txt": "outside\n"}

WORKFLOW = """
on: push
jobs:
  use:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: greet
        uses: acme/greet@v1
        with:
          who: pitstop
      - run: test "$(cat greeting)" = "hello pitstop"
      - run: test "${{ steps.greet.outputs.shout }}" = PITSTOP
      - id: missing
        uses: acme/missing@v1
      - run: test "${{ steps.missing.outcome }}" = skipped
"""


def tarball(owner: str, repo: str, files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        top = tarfile.TarInfo(f"{owner}-{repo}-0123abc")
        top.type = tarfile.DIRTYPE
        tar.addfile(top)
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{owner}-{repo}-0123abc/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def commit_of(key: str) -> str:
    """The commit the fake API says ``owner/repo@ref`` names."""
    return hashlib.sha1(key.encode()).hexdigest()


class FakeGitHub(BaseHTTPRequestHandler):
    """``GET /repos/{o}/{r}/commits/{ref}`` with ``Accept: application/vnd.github.sha`` answers
    the commit's SHA as text (docs "Media types", sha); ``GET /repos/{o}/{r}/tarball/{sha}``
    redirects to the archive, as the API redirects to codeload."""

    archives: ClassVar[dict[str, bytes]] = {}
    requests: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        self.requests.append((self.path, self.headers.get("Authorization", "")))
        by_commit = {commit_of(k): k for k in self.archives}
        if self.path.startswith("/repos/"):
            _, _, owner, repo, kind, ref = self.path.split("/", 5)
            key = f"{owner}/{repo}@{ref}"
            if kind == "commits" and key in self.archives:
                assert self.headers["Accept"] == "application/vnd.github.sha"
                self.reply(200, commit_of(key).encode(), "text/plain")
                return
            if kind == "tarball" and ref in by_commit:
                self.send_response(302)
                self.send_header("Location", f"/codeload/{ref}.tar.gz")
                self.end_headers()
                return
        if self.path.startswith("/codeload/"):
            sha = self.path.split("/")[-1].removesuffix(".tar.gz")
            self.reply(200, self.archives[by_commit[sha]], "application/x-gzip")
            return
        self.reply(404, b'{"message": "Not Found"}', "application/json")

    def reply(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def github() -> Iterator[tuple[str, type[FakeGitHub]]]:
    handler = type("Handler", (FakeGitHub,), {"archives": {}, "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def run(repo: Path, cache: Path, *args: str, api: str = "http://127.0.0.1:9") -> tuple[int, str]:
    env = {
        **os.environ,
        "PITSTOP_HOME": str(cache),
        "GITHUB_API_URL": api,
        "GITHUB_TOKEN": "tok-9f8e7d",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_remote_actions_are_fetched_by_commit_then_run_from_the_cache(
    tmp_path: Path, github: tuple[str, type[FakeGitHub]]
) -> None:
    api, handler = github
    handler.archives["acme/greet@v1"] = tarball("acme", "greet", GREET)
    handler.archives["acme/inner@v2"] = tarball("acme", "inner", INNER)
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    cache = tmp_path / "cache"
    greet, inner = commit_of("acme/greet@v1"), commit_of("acme/inner@v2")

    code, out = run(repo, cache, api=api)  # no option: fetching is the default
    assert code == 0, out
    assert f"fetched acme/greet@v1 ({greet[:12]}, 2 files)" in out
    assert f"fetched acme/inner@v2 ({inner[:12]}, 2 files)" in out  # used by the composite
    assert "could not fetch acme/missing@v1: HTTP 404" in out
    assert "'acme/missing@v1' could not be fetched: HTTP 404" in out  # the step's reason
    assert (cache / f"actions/acme/greet/{greet}/action.yml").is_file()
    assert (cache / f"actions/acme/inner/{inner}/shout/index.js").is_file()
    assert (cache / "actions/acme/greet/refs/v1").read_text().strip() == greet
    assert not list((cache / "actions/acme").glob(".fetch-*"))
    paths = [p for p, _ in handler.requests]
    assert not [p for p in paths if "/actions/checkout/" in p]  # emulated, never fetched
    assert {a for _, a in handler.requests} == {"Bearer tok-9f8e7d"}
    assert "tok-9f8e7d" not in out
    report = json.loads(next((repo / ".pitstop" / "runs").glob("*/report.json")).read_text())
    assert report["actions"] == {"acme/greet@v1": greet, "acme/inner@v2": inner}

    # a second run resolves the refs again (a tag may move) and downloads nothing
    handler.requests.clear()
    code, out = run(repo, cache, api=api)
    assert code == 0, out
    assert not [p for p, _ in handler.requests if "/tarball/" in p or "/codeload/" in p]
    assert "fetched acme/greet" not in out

    # --offline asks the server nothing, and runs what the cache holds
    handler.requests.clear()
    code, out = run(repo, cache, "--offline", api=api)
    assert code == 0, out
    assert handler.requests == []
    assert (
        "'acme/missing@v1' is not in the local action cache, and --offline does not fetch it"
        in (out)
    )

    # the API gone, the run takes what the refs named before
    code, out = run(repo, cache)
    assert code == 0, out
    assert "acme/greet@v1: the API did not answer" in out and f"using {greet[:12]}" in out


def test_offline_a_remote_action_never_fetched_is_not_run_locally(
    tmp_path: Path, github: tuple[str, type[FakeGitHub]]
) -> None:
    api, handler = github
    handler.archives["acme/greet@v1"] = tarball("acme", "greet", GREET)
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    code, out = run(repo, tmp_path / "cache", "--offline", api=api)
    assert code == 1, out  # the greeting step fails: greet did not run
    assert "'acme/greet@v1' is not in the local action cache, and --offline does not fetch it" in (
        out
    )
    assert "Not run locally:" in out
    assert handler.requests == []


def test_an_archive_reaching_outside_its_folder_is_refused(
    tmp_path: Path, github: tuple[str, type[FakeGitHub]]
) -> None:
    api, handler = github
    handler.archives["acme/greet@v1"] = tarball("acme", "greet", EVIL)
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    cache = tmp_path / "cache"
    code, out = run(repo, cache, "--fetch-actions", "--dry-run", api=api)
    assert code == 0, out
    assert "could not fetch acme/greet@v1: the archive has a member outside its folder" in out
    assert not (cache / f"actions/acme/greet/{commit_of('acme/greet@v1')}").exists()
    assert not list(tmp_path.rglob("escaped.txt"))


def test_an_unreachable_api_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    code, out = run(repo, tmp_path / "cache", api="http://127.0.0.1:9")
    assert "could not fetch acme/greet@v1: http://127.0.0.1:9/repos/acme/greet/commits/v1" in out
    assert code == 1, out  # the run went on; its greeting check failed
    assert "Traceback" not in out


WRAP = {
    "action.yml": """
name: wrap
inputs:
  tag: {default: none}
runs:
  using: node20
  pre: pre.js
  main: main.js
""",
    "pre.js": """
const fs = require('fs');
fs.appendFileSync(process.env['RUNNER_TEMP'] + '/order', 'pre:' + process.env['INPUT_TAG'] + '\\n');
fs.appendFileSync(process.env['GITHUB_STATE'], 'from_pre=yes\\n');
""",
    "main.js": """
const fs = require('fs');
if (process.env['STATE_from_pre'] !== 'yes') { console.log('::error::no state'); process.exit(1); }
const order = process.env['RUNNER_TEMP'] + '/order';
fs.appendFileSync(order, 'main:' + process.env['INPUT_TAG'] + '\\n');
""",
}

PRE_WORKFLOW = """
on: push
jobs:
  wrap:
    runs-on: ubuntu-latest
    steps:
      - run: echo "first" >> "$RUNNER_TEMP/order"
      - uses: acme/wrap@v1
        with:
          tag: a
      - uses: acme/wrap@v1
        with:
          tag: b
      - run: test "$(cat "$RUNNER_TEMP/order" | tr '\\n' ' ')" = "pre:a pre:b first main:a main:b "
"""


def test_a_repository_actions_pre_runs_at_job_set_up_in_step_order(
    tmp_path: Path, github: tuple[str, type[FakeGitHub]]
) -> None:
    """ADR 0361 "wrapper action" (actions/runner#361, #389): every repository action's ``pre``
    runs while the job is set up, in the order of its steps, before the first step."""
    api, handler = github
    handler.archives["acme/wrap@v1"] = tarball("acme", "wrap", WRAP)
    repo = make_repo(tmp_path / "repo", PRE_WORKFLOW)
    code, out = run(repo, tmp_path / "cache", api=api)
    assert code == 0, out
    assert out.index("Pre Run acme/wrap@v1") < out.index("Run echo")
