from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def pitstop_home() -> Iterator[Path]:
    """pitstop's per-user folder (workspaces, caches, tools) in a folder of this session's, so
    no test reads or leaves anything in the developer's own."""
    home = Path(tempfile.mkdtemp(prefix="pitstop-home-"))
    before = os.environ.get("PITSTOP_HOME")
    os.environ["PITSTOP_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("PITSTOP_HOME", None)
    else:
        os.environ["PITSTOP_HOME"] = before
    shutil.rmtree(home, ignore_errors=True)
