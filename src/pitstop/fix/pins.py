"""Commit SHAs for action refs, resolved with ``git ls-remote`` against the action's repository.

The repository is ``$GITHUB_SERVER_URL/owner/repo`` (default ``https://github.com``), so git's
own configuration decides where that really is: ``url.<base>.insteadOf`` points it at a mirror
or a directory of bare repositories. ``GITHUB_TOKEN``, when set, goes to that server as the
header actions/checkout uses, through git's environment rather than its command line. What was
resolved is kept in ``.pitstop/pins.json``; ``refresh`` resolves again.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from pitstop.atomic import write_text
from pitstop.fix.patch import CannotFix

CACHE = os.path.join(".pitstop", "pins.json")
VERSION = re.compile(r"v?(\d+)((?:\.\d+)*)\Z")


@dataclass(frozen=True)
class Pin:
    sha: str
    tag: str  # the most specific tag at that commit, else the ref that was asked for


class Pins:
    def __init__(
        self,
        root: str,
        environ: Mapping[str, str] | None = None,
        refresh: bool = False,
    ) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.server = self.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        self.cache_path = os.path.join(root, CACHE)
        self.cache: dict[str, dict[str, str]] = {} if refresh else self._read_cache()
        self.refs: dict[str, dict[str, str]] = {}  # url -> ref name -> sha, this run
        self.failed: dict[str, str] = {}  # url -> why ls-remote failed, this run
        self.changed = False

    def url(self, repository: str) -> str:
        return f"{self.server}/{repository}"

    def resolve(self, repository: str, ref: str) -> Pin:
        """The commit ``repository``'s ``ref`` (a tag or branch) names now."""
        url = self.url(repository)
        key = f"{url}@{ref}"
        cached = self.cache.get(key)
        if cached is not None:
            return Pin(cached["sha"], cached["tag"])
        refs = self._refs(url)
        sha = (
            refs.get(f"refs/tags/{ref}")
            or refs.get(f"refs/heads/{ref}")
            or (refs.get(ref) if ref.startswith("refs/") else None)
        )
        if sha is None:
            raise CannotFix(f"{url} has no tag or branch '{ref}'")
        pin = Pin(sha, most_specific_tag(refs, sha) or ref)
        self.cache[key] = {"sha": pin.sha, "tag": pin.tag}
        self.changed = True
        return pin

    def save(self) -> None:
        if self.changed:
            os.makedirs(os.path.dirname(self.cache_path), exist_ok=True)
            data = {"version": 1, "pins": dict(sorted(self.cache.items()))}
            write_text(self.cache_path, json.dumps(data, indent=2) + "\n")
            self.changed = False

    # -- git -------------------------------------------------------------------------------------

    def _refs(self, url: str) -> dict[str, str]:
        """Every tag and branch of ``url``: ref name to commit (tags peeled)."""
        if url in self.refs:
            return self.refs[url]
        if url in self.failed:
            raise CannotFix(self.failed[url])
        try:
            return self._list(url)
        except CannotFix as error:
            self.failed[url] = str(error)
            raise

    def _list(self, url: str) -> dict[str, str]:
        try:
            done = subprocess.run(
                ["git", "ls-remote", "--tags", "--heads", "--", url],
                capture_output=True,
                text=True,
                env=self._git_env(),
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise CannotFix(f"git ls-remote {url} did not finish: {error}") from None
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise CannotFix(f"git ls-remote {url} failed: {reason[0]}")
        refs: dict[str, str] = {}
        peeled: dict[str, str] = {}
        for line in done.stdout.splitlines():
            sha, _, name = line.partition("\t")
            if name.endswith("^{}"):
                peeled[name[:-3]] = sha
            elif name:
                refs[name] = sha
        refs.update(peeled)  # an annotated tag names its commit through the peeled line
        self.refs[url] = refs
        return refs

    def _git_env(self) -> dict[str, str]:
        env = dict(self.environ)
        env["GIT_TERMINAL_PROMPT"] = "0"
        token = env.get("GITHUB_TOKEN", "")
        if token:
            basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
            count = int(env.get("GIT_CONFIG_COUNT", "0") or "0")
            env[f"GIT_CONFIG_KEY_{count}"] = f"http.{self.server}/.extraheader"
            env[f"GIT_CONFIG_VALUE_{count}"] = f"AUTHORIZATION: basic {basic}"
            env["GIT_CONFIG_COUNT"] = str(count + 1)
        return env

    def _read_cache(self) -> dict[str, dict[str, str]]:
        try:
            with open(self.cache_path, encoding="utf-8") as handle:
                data = json.load(handle)
            pins = data.get("pins", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}
        return {
            k: v
            for k, v in pins.items()
            if isinstance(v, dict)
            and isinstance(v.get("sha"), str)
            and isinstance(v.get("tag"), str)
        }


def most_specific_tag(refs: Mapping[str, str], sha: str) -> str | None:
    """Of the tags at ``sha``, the most specific version (``v4.2.2`` over ``v4.2`` and ``v4``);
    a tag that is not a version only when there is no version."""
    prefix = "refs/tags/"
    tags = [
        name[len(prefix) :] for name, at in refs.items() if at == sha and name.startswith(prefix)
    ]
    if not tags:
        return None

    def rank(tag: str) -> tuple[int, int, tuple[int, ...], str]:
        match = VERSION.match(tag)
        if match is None:
            return (0, 0, (), tag)
        numbers = tuple(int(n) for n in tag.lstrip("v").split("."))
        return (1, len(numbers), numbers, tag)

    return max(tags, key=rank)
