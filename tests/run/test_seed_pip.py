"""A job's pip is the one a GitHub runner has: the runner image's Python gets ``python -m pip
install --upgrade pip`` when it is installed (actions/python-versions,
``installers/nix-setup-template.sh``), so a fresh job there has the newest pip, not the one
``ensurepip`` bundles. When pip cannot be upgraded, the run's headline says so.

The index here is a real HTTP server on 127.0.0.1 serving the interpreter's own bundled pip wheel
repacked as version 99.0, so "the newest pip" is known and nothing leaves the machine."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.gitrepo import GIT_ENV
from tests.run.conftest import make_repo

WORKFLOW = """
on: push
jobs:
  tests:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: "{version}"
      - run: python -c "import importlib.metadata as m; print('pip is', m.version('pip'))"
""".replace("{version}", ".".join(map(str, sys.version_info[:2])))


def bundled_pip() -> Path:
    import ensurepip

    found = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
    if not found:
        pytest.skip("this interpreter's ensurepip bundles no pip wheel")
    return found[0]


def repack(wheel: Path, version: str, target: Path) -> Path:
    """``wheel`` with its version changed: same code, a new dist-info and RECORD."""
    old = wheel.name.split("-")[1]
    out = target / f"pip-{version}-py3-none-any.whl"
    record: list[str] = []
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            if item.filename.endswith(".dist-info/RECORD"):
                continue
            data = source.read(item)
            name = item.filename.replace(f"pip-{old}.dist-info", f"pip-{version}.dist-info")
            if name.endswith(".dist-info/METADATA"):
                data = re.sub(rb"(?m)^Version: .*$", f"Version: {version}".encode(), data)
            archive.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{name},sha256={digest.decode()},{len(data)}")
        record.append(f"pip-{version}.dist-info/RECORD,,")
        archive.writestr(f"pip-{version}.dist-info/RECORD", "\n".join(record) + "\n")
    return out


@pytest.fixture()
def index(tmp_path: Path) -> Iterator[str]:
    """A PEP 503 simple index on 127.0.0.1 whose one project is pip 99.0."""
    root = tmp_path / "index"
    (root / "simple" / "pip").mkdir(parents=True)
    wheel = repack(bundled_pip(), "99.0", root)
    (root / "simple" / "pip" / "index.html").write_text(
        f'<html><body><a href="../../{wheel.name}">{wheel.name}</a></body></html>\n'
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()


def run(repo: Path, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``pitstop run`` with only ``env``'s pip settings: no pip configuration file of the
    machine's (its extra indexes and find-links) is read."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env={**base, **GIT_ENV, "PITSTOP_HOME": str(home), "PIP_CONFIG_FILE": os.devnull, **env},
    )


def test_a_fresh_job_has_the_newest_pip_as_on_a_runner(tmp_path: Path, index: str) -> None:
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    proc = run(repo, tmp_path / "home", PIP_INDEX_URL=index)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "pip is 99.0" in proc.stdout
    assert "Run 1: success in" in proc.stdout and "not as on GitHub" not in proc.stdout
    again = run(repo, tmp_path / "home", PIP_INDEX_URL="http://127.0.0.1:9/simple/")
    assert "pip is 99.0" in again.stdout, "the seed is made once a week, not for every job"


def test_pip_that_could_not_be_upgraded_is_said_in_the_headline(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    proc = run(repo, tmp_path / "home", PIP_INDEX_URL="http://127.0.0.1:9/simple/", PIP_RETRIES="0")
    bundled = bundled_pip().name.split("-")[1]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"pip is {bundled}" in proc.stdout
    assert "Run 1: success, 1 step not as on GitHub in" in proc.stdout
    assert "Not as on GitHub:" in proc.stdout
    assert "not the latest as on a GitHub runner: upgrading it failed" in proc.stdout


def test_bundled_pip_on_request_is_not_a_difference(tmp_path: Path, index: str) -> None:
    repo = make_repo(tmp_path / "repo", WORKFLOW)
    proc = run(repo, tmp_path / "home", PIP_INDEX_URL=index, PITSTOP_SEED_PIP="bundled")
    bundled = bundled_pip().name.split("-")[1]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"pip is {bundled}" in proc.stdout and "not as on GitHub" not in proc.stdout
