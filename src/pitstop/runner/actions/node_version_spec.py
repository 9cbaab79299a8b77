"""What Node ``actions/setup-node`` is asked for, and which node on this machine answers it, read
as the action reads it:

- ``node-version-file`` (setup-node's ``src/util.ts``, ``getNodeVersionFromFile``): a JSON file
  (package.json) gives ``volta.node``, else the ``devEngines.runtime`` entry named node, else
  ``engines.node``, else the file ``volta.extends`` names; an ``action.yml`` its
  ``using: nodeNN``; any other file (``.nvmrc``, ``.node-version``, ``.tool-versions``) its
  first line that is one version, with ``node``/``nodejs`` and ``v`` left off;
- ``node-version`` (``src/distributions/official_builds/official_builds.ts``): ``latest``,
  ``current`` and ``node`` are the newest release; ``lts/*`` the newest LTS line, ``lts/-n``
  the n-th one before it, ``lts/<codename>`` that line (any case); a ``-nightly``, ``-rc`` or
  ``-v8-canary`` suffix another build channel; anything else a semver range met by the newest
  release inside it (``version_range``).

GitHub resolves the aliases against the list of releases (actions/node-versions); pitstop has
no network, so it takes the newest node on this machine that fits and says the step is not as
on GitHub. A node's LTS line is the codename the binary itself reports
(``process.release.lts``), so no table of codenames goes stale here."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from pitstop.runner.actions.version_range import numbers, satisfies

NEWEST = ("latest", "current", "node")  # isLatestSyntax: exactly these, lower case
CHANNEL = re.compile(r"-(nightly|rc|v8-canary)\b.*\Z", re.IGNORECASE)


class VersionFileError(Exception):
    """The version file names no file, or one that cannot be read."""


def from_file(path: str) -> str | None:
    """The version ``path`` asks for; None when a package.json names none. Raises
    VersionFileError when it is absent or unreadable, as the action fails the step."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise VersionFileError(
            f"The specified node version file at: {path} does not exist"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise VersionFileError(f"The node version file {path} could not be read: {error}") from None
    try:
        manifest = json.loads(text)
    except ValueError:
        manifest = None
    if isinstance(manifest, dict):
        return _from_manifest(manifest, path)
    using = re.search(r"^\s+using:\s*['\"]?node(\d+)['\"]?\s*(?:#.*)?$", text, re.MULTILINE)
    if using:
        return using.group(1)
    line = re.search(r"^(?:node(?:js)?\s+)?v?(\S+)$", text, re.MULTILINE)
    return line.group(1) if line else text.strip()


def _from_manifest(manifest: dict[str, object], path: str) -> str | None:
    volta = manifest.get("volta")
    volta = volta if isinstance(volta, dict) else {}
    if isinstance(volta.get("node"), str) and volta["node"]:
        return str(volta["node"])
    dev = manifest.get("devEngines")
    runtime = dev.get("runtime") if isinstance(dev, dict) else None
    for entry in runtime if isinstance(runtime, list) else [runtime]:
        named = isinstance(entry, dict) and str(entry.get("name", "")).lower() == "node"
        version = entry.get("version") if isinstance(entry, dict) else None
        if named and isinstance(version, str) and version:
            return version
    engines = manifest.get("engines")
    if isinstance(engines, dict) and isinstance(engines.get("node"), str) and engines["node"]:
        return str(engines["node"])
    if isinstance(volta.get("extends"), str):
        return from_file(os.path.join(os.path.dirname(path), str(volta["extends"])))
    return None


@dataclass(frozen=True)
class Node:
    path: str
    version: str  # 20.20.2
    lts: str  # the LTS codename the binary reports (iron), "" for a Current release


@dataclass(frozen=True)
class Choice:
    node: Node | None
    differs: str | None = None  # why the node chosen may not be the one GitHub installs


def choose(wanted: str, nodes: list[Node], check_latest: bool = False) -> Choice:
    """The node here that answers ``wanted``, in the order ``nodes`` lists them (the PATH's
    first); for an alias or a range, the newest that fits, as the action takes the newest."""
    spec = wanted.strip()
    if not spec:  # no version asked: the node the runner has on its PATH
        return Choice(nodes[0] if nodes else None)
    if spec in NEWEST:
        best = _newest(nodes)
        if best is None:
            return Choice(None)
        return Choice(
            best,
            differs=f"'{spec}' is the newest Node release on GitHub; here the newest node on "
            f"this machine, v{best.version}",
        )
    if spec.lower().startswith("lts/"):
        return _lts(spec, nodes)
    channel = CHANNEL.search(spec)
    if channel:
        base = spec[: channel.start()]
        best = _newest([n for n in nodes if satisfies(base, n.version)])
        if best is None:
            return Choice(None)
        return Choice(
            best,
            differs=f"'{spec}' is a {channel.group(1).lower()} build on GitHub; here the "
            f"release v{best.version}",
        )
    fits = [n for n in nodes if satisfies(spec, n.version)]
    if not fits:
        return Choice(None)
    best = max(fits, key=lambda n: numbers(n.version))
    exact = re.fullmatch(r"v?=?\d+\.\d+\.\d+", spec)
    if check_latest and not exact:
        return Choice(
            best,
            differs=f"check-latest takes the newest release of '{spec}' on GitHub; here "
            f"v{best.version}, the newest on this machine",
        )
    return Choice(best)


def _lts(spec: str, nodes: list[Node]) -> Choice:
    """An LTS alias names a release line, which the action turns into its major version."""
    alias = spec.split("/", 1)[1].lower()
    lines: dict[str, int] = {}  # codename -> major, newest line first
    for node in sorted(nodes, key=lambda n: numbers(n.version), reverse=True):
        if node.lts:
            lines.setdefault(node.lts.lower(), numbers(node.version)[0])
    if alias == "*" or re.fullmatch(r"-\d+", alias):
        index = 0 if alias == "*" else -int(alias)
        ranked = list(lines.values())
        if index >= len(ranked):
            return Choice(None)
        best = _newest_of(nodes, ranked[index])
        if best is None:
            return Choice(None)
        which = "the newest LTS line" if index == 0 else f"the LTS line {index} before the newest"
        return Choice(
            best,
            differs=f"'{spec}' is {which} on GitHub; here the newest on this machine, "
            f"v{best.version}",
        )
    if alias not in lines:
        return Choice(None)
    return Choice(_newest_of(nodes, lines[alias]))


def _newest(nodes: list[Node]) -> Node | None:
    return max(nodes, key=lambda n: numbers(n.version)) if nodes else None


def _newest_of(nodes: list[Node], major: int) -> Node | None:
    return _newest([n for n in nodes if numbers(n.version)[:1] == (major,)])
