"""What a container image ships, from ``images.toml``: whether ``git`` is on its PATH (which
decides how actions/checkout fetches the repository), or None when the table does not know;
and whether it declares a HEALTHCHECK."""

from __future__ import annotations

import re
from functools import cache

from pitstop.knowledge.tables import table

_PREFIX = re.compile(r"^(docker://)?(docker\.io/)?(library/)?")


@cache
def _entries() -> tuple[tuple[re.Pattern[str], bool], ...]:
    return tuple((re.compile(e["pattern"]), bool(e["git"])) for e in table("images.toml")["image"])


def has_git(image: str) -> bool | None:
    """Whether ``image`` has git, by the first entry of the table that matches it."""
    name = _PREFIX.sub("", image.strip().lower())
    for pattern, git in _entries():
        if pattern.match(name):
            return git
    return None


@cache
def _checked() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(e["pattern"]) for e in table("images.toml").get("healthcheck", []))


def declares_healthcheck(image: str | None) -> bool:
    """Whether the image's Dockerfile declares a HEALTHCHECK (``images.toml``), which the
    runner waits on for a service container as it does for ``--health-cmd``."""
    name = _PREFIX.sub("", (image or "").strip().lower())
    return any(pattern.match(name) for pattern in _checked())


def image_name(image: str | None) -> str:
    """An image's own name, lower case, without registry, namespace, tag or digest:
    `ghcr.io/acme/postgres:16@sha256:…` gives `postgres`."""
    return re.split(r"[:@]", (image or "").rsplit("/", 1)[-1])[0].lower()
