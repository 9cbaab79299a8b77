"""Print what pitstop needs to build and to run, from pyproject.toml, one requirement a line:
what .ci/deps downloads as wheels for the tests that install pitstop with no index."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pitstop depends on tomli there
    import tomli as tomllib

data = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
print("\n".join(data["build-system"]["requires"] + data["project"]["dependencies"]))
