"""``actions/setup-node``: find the requested node on this machine (PATH, nvm) and put its
folder first on the job's PATH; fail clearly when no installed version matches. Output:
``node-version``."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.uses import ActionCall

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


def _version(node: str) -> str | None:
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=20, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out.lstrip("v") or None


def matches(wanted: str, version: str) -> bool:
    wanted = wanted.strip().lstrip("v")
    if wanted in ("", "node", "latest", "current", "lts/*") or wanted.startswith("lts/"):
        return True
    wanted = wanted.removesuffix(".x")
    return version == wanted or version.startswith(wanted + ".")


def installed(path: str | None = None) -> list[tuple[str, str]]:
    """(node, version) of every node here: the one ``path`` (default: the PATH) finds first,
    then nvm's, newest first."""
    places = [p for p in [shutil.which("node", path=path)] if p]
    home = os.path.expanduser("~")
    places += sorted(
        glob.glob(os.path.join(home, ".nvm", "versions", "node", "*", "bin", "node")), reverse=True
    )
    found: list[tuple[str, str]] = []
    for node in dict.fromkeys(places):
        version = _version(node)
        if version:
            found.append((node, version))
    return found


def find_node(wanted: str) -> tuple[str, str] | None:
    return next(((n, v) for n, v in installed() if matches(wanted, v)), None)


def major(version: str) -> int:
    head = version.lstrip("v").split(".")[0]
    return int(head) if head.isdigit() else 0


async def run(job: StepContext, call: ActionCall) -> None:
    wanted = call.input("node-version")
    file = call.input("node-version-file")
    if not wanted and file:
        path = os.path.join(job.workspace, file)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                wanted = handle.read().strip()
    found = find_node(wanted)
    if found is None:
        job.log.emit("error", f"node {wanted or ''} was not found on this machine (PATH, nvm).")
        call.result.outcome = FAILURE
        return
    node, version = found
    job.add_path(os.path.dirname(node))
    call.result.outputs["node-version"] = f"v{version}"
    job.log.line(f"node v{version} is first on the PATH ({os.path.dirname(node)})")
    call.result.outcome = SUCCESS
