"""The container-images table (``pitstop/knowledge/images.toml``), entry by entry: each is well
formed and sourced, decides its own examples, and checkout-credentials follows it: a checkout in
an image without git keeps no token (actions/checkout README, REST API fallback), one in an
image with git does."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pitstop.knowledge.images import has_git
from pitstop.knowledge.tables import table
from tests.audit.one_workflow import messages

ENTRIES = table("images.toml")["image"]


def flagged(tmp_path: Path, image: str) -> bool:
    workflow = textwrap.dedent(
        f"""\
            on: push
            jobs:
              job:
                runs-on: ubuntu-latest
                container: {image}
                steps:
                  - uses: actions/checkout@v4
            """
    )
    return bool(messages(tmp_path, workflow, "checkout-credentials"))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["pattern"][:40] for e in ENTRIES])
def test_entry_is_well_formed_and_sourced(entry: dict[str, object]) -> None:
    re.compile(str(entry["pattern"]))
    assert isinstance(entry["git"], bool)
    assert str(entry["source"]).startswith("https://")
    assert entry["examples"]


@pytest.mark.parametrize(
    "image,git",
    [(image, e["git"]) for e in ENTRIES for image in e["examples"]],
)
def test_examples_are_decided_by_their_entry(tmp_path: Path, image: str, git: bool) -> None:
    assert has_git(image) is git
    assert flagged(tmp_path, image) is git


def test_unknown_images_are_flagged_as_if_they_had_git(tmp_path: Path) -> None:
    assert has_git("ghcr.io/acme/builder:1") is None
    assert flagged(tmp_path, "ghcr.io/acme/builder:1")


HEALTHCHECKS = table("images.toml")["healthcheck"]


@pytest.mark.parametrize("entry", HEALTHCHECKS, ids=[str(e["pattern"]) for e in HEALTHCHECKS])
def test_an_image_with_its_own_healthcheck_is_waited_for(
    tmp_path: Path, entry: dict[str, Any]
) -> None:
    """The runner waits on an image's own HEALTHCHECK as on --health-cmd: a service of such an
    image is not flagged; the same service of an image without one (ubuntu) is."""
    assert str(entry["source"]).startswith("https://") and entry["examples"]
    for image in [*entry["examples"], "ubuntu:24.04"]:
        workflow = (
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    services:\n"
            f"      app:\n        image: {image}\n        ports: ['8080:80']\n"
            "    steps:\n      - run: curl -sf localhost:8080\n"
        )
        found = messages(
            tmp_path / image.replace("/", "_").replace(":", "_"),
            workflow,
            "service-without-healthcheck",
        )
        assert bool(found) == image.startswith("ubuntu"), image
