"""``pitstop summary``: the JSON of a real run, a real audit and real gates as one pull-request
comment, within GitHub's 65,536 characters, and ``--post`` against a loopback HTTP server that
plays GitHub's REST API and checks every request: the first call creates the comment, the
second finds it by its marker (on the second page) and updates it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from pitstop.summary.compose import LIMIT, Part, compose, marker
from tests.gate.test_security_gate import FIXTURES

WORKFLOW = """\
on: push
jobs:
  hello:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo hello
"""


def pitstop(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run(
        [sys.executable, "-m", "pitstop", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A run's report.json, an audit's JSON and a security gate's JSON, from the real commands."""
    root = tmp_path_factory.mktemp("repo")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x", "--allow-empty"],
        cwd=root,
        check=True,
    )
    ran = pitstop("run", "--plain", "ci.yml", cwd=root)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    run_reports = sorted(root.rglob("report.json")) or sorted(
        Path(os.environ["PITSTOP_HOME"]).rglob("report.json"), key=lambda p: p.stat().st_mtime
    )
    assert run_reports, "pitstop run wrote no report.json"
    audit = pitstop("audit", "--format", "json", cwd=root)
    (root / "audit.json").write_text(audit.stdout)
    gate = pitstop(
        "gate", "security", str(FIXTURES / "npm-audit.json"), "--format", "json", cwd=root
    )
    (root / "security.json").write_text(gate.stdout)
    return [run_reports[-1], root / "audit.json", root / "security.json"]


def test_one_comment_from_a_run_an_audit_and_a_gate(reports: list[Path], tmp_path: Path) -> None:
    result = pitstop("summary", *map(str, reports), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    body = result.stdout
    assert body.startswith(marker() + "\n## ❌ pitstop: 1 of 3 failed")
    assert "| ✅ | run " in body and "| 📋 | audit | score " in body
    assert "| ❌ | gate security | 2 finding(s) (1 critical, 1 medium)" in body
    assert body.count("<details>") == 3 == body.count("</details>")


def test_a_long_summary_is_cut_to_githubs_limit_saying_so() -> None:
    parts = [Part(f"gate g{n}", n % 2 == 0, f"headline {n}", "x" * 20_000) for n in range(10)]
    body = compose(parts)
    assert len(body) <= LIMIT
    assert body.count("<details>") == body.count("</details>") == 3
    assert "the details of 7 report(s) left out" in body
    assert all(f"| gate g{n} |" in body for n in range(10))  # every report keeps its line


def test_something_else_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"coverage": 1}')
    result = pitstop("summary", "x.json", cwd=tmp_path)
    assert result.returncode == 2 and "not a pitstop report" in result.stderr


class FakeGitHub(BaseHTTPRequestHandler):
    """GitHub's issue-comments endpoints for one pull request, #42 of octo/app, in memory; a
    comment of someone else's fills the first page, so finding ours follows the Link header."""

    comments: ClassVar[list[dict[str, Any]]] = []
    requests: ClassVar[list[tuple[str, str, dict[str, str], Any]]] = []

    def _reply(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def _record(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(length)) if length else None
        self.requests.append((self.command, self.path, dict(self.headers), data))
        return data

    def do_GET(self) -> None:
        self._record()
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/repos/octo/app/issues/42/comments?per_page=100":
            other = [{"id": 1, "body": "LGTM", "html_url": "x"}]
            link = f'<{base}/repos/octo/app/issues/42/comments?per_page=100&page=2>; rel="next"'
            self._reply(200, other, {"Link": link})
        elif self.path == "/repos/octo/app/issues/42/comments?per_page=100&page=2":
            self._reply(200, self.comments)
        else:
            self._reply(404, {"message": "Not Found"})

    def do_POST(self) -> None:
        data = self._record()
        if self.path != "/repos/octo/app/issues/42/comments":
            self._reply(404, {"message": "Not Found"})
            return
        comment = {
            "id": 7,
            "body": data["body"],
            "html_url": "https://github.com/octo/app/pull/42#issuecomment-7",
        }
        self.comments.append(comment)
        self._reply(201, comment)

    def do_PATCH(self) -> None:
        data = self._record()
        if self.path != "/repos/octo/app/issues/comments/7":
            self._reply(404, {"message": "Not Found"})
            return
        self.comments[0]["body"] = data["body"]
        self._reply(200, self.comments[0])

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def github() -> Iterator[str]:
    FakeGitHub.comments = []
    FakeGitHub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_post_creates_then_updates_the_same_comment(
    reports: list[Path], tmp_path: Path, github: str
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": 42}}))
    env = {
        "GITHUB_TOKEN": "ghs_test",
        "GITHUB_API_URL": github,
        "GITHUB_REPOSITORY": "octo/app",
        "GITHUB_EVENT_PATH": str(event),
    }
    first = pitstop("summary", str(reports[2]), "--post", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert "comment created: https://github.com/octo/app/pull/42#issuecomment-7" in first.stderr
    second = pitstop("summary", *map(str, reports), "--post", cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert "comment updated" in second.stderr
    methods = [(m, p) for m, p, _, _ in FakeGitHub.requests]
    assert methods == [
        ("GET", "/repos/octo/app/issues/42/comments?per_page=100"),
        ("GET", "/repos/octo/app/issues/42/comments?per_page=100&page=2"),
        ("POST", "/repos/octo/app/issues/42/comments"),
        ("GET", "/repos/octo/app/issues/42/comments?per_page=100"),
        ("GET", "/repos/octo/app/issues/42/comments?per_page=100&page=2"),
        ("PATCH", "/repos/octo/app/issues/comments/7"),
    ]
    for _, _, headers, _ in FakeGitHub.requests:
        assert headers["Authorization"] == "Bearer ghs_test"
        assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert len(FakeGitHub.comments) == 1
    assert FakeGitHub.comments[0]["body"] == second.stdout
    assert "1 of 3 failed" in FakeGitHub.comments[0]["body"]


def test_post_without_a_token_or_a_pull_request_is_exit_2(
    reports: list[Path], tmp_path: Path, github: str
) -> None:
    env = {"GITHUB_API_URL": github, "GITHUB_REPOSITORY": "octo/app"}
    no_token = pitstop("summary", str(reports[2]), "--post", cwd=tmp_path, env=env)
    assert no_token.returncode == 2 and "GITHUB_TOKEN is not set" in no_token.stderr
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"ref": "refs/heads/main"}))
    env |= {"GITHUB_TOKEN": "t", "GITHUB_EVENT_PATH": str(push)}
    no_pr = pitstop("summary", str(reports[2]), "--post", cwd=tmp_path, env=env)
    assert no_pr.returncode == 2 and "not a pull request's" in no_pr.stderr
    wrong = pitstop("summary", str(reports[2]), "--post", "--pr", "9", cwd=tmp_path, env=env)
    assert wrong.returncode == 2 and "GitHub answered 404" in wrong.stderr
    assert not FakeGitHub.comments
