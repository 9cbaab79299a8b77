"""``actions/setup-node``: find the requested node on this machine (PATH, nvm) and put its
folder first on the job's PATH. No node here that fits: the job stops, not run locally, as with
setup-python. An alias (``latest``, ``lts/*``) GitHub may resolve to a newer node than this
machine has: the step is not as on GitHub (``node_version_spec``). Output: ``node-version``."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from pitstop.runner.actions.node_version_spec import Node, VersionFileError, choose, from_file
from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.uses import ActionCall, JobNotRunLocally

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


def _version(node: str) -> tuple[str, str] | None:
    """(version, LTS codename or "") the binary reports."""
    try:
        out = subprocess.run(
            [node, "-p", "process.version + ' ' + (process.release.lts || '')"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if not out:
        return None
    return out[0].lstrip("v"), (out[1] if len(out) > 1 else "")


def installed(path: str | None = None) -> list[tuple[str, str]]:
    """(node, version) of every node here: the one ``path`` (default: the PATH) finds first,
    then nvm's, newest first."""
    return [(n.path, n.version) for n in nodes(path)]


def nodes(path: str | None = None) -> list[Node]:
    places = [p for p in [shutil.which("node", path=path)] if p]
    home = os.path.expanduser("~")
    places += sorted(
        glob.glob(os.path.join(home, ".nvm", "versions", "node", "*", "bin", "node")), reverse=True
    )
    found: list[Node] = []
    for node in dict.fromkeys(places):
        version = _version(node)
        if version:
            found.append(Node(node, *version))
    return found


def major(version: str) -> int:
    head = version.lstrip("v").split(".")[0]
    return int(head) if head.isdigit() else 0


async def run(job: StepContext, call: ActionCall) -> None:
    wanted = call.input("node-version")
    file = call.input("node-version-file")
    if wanted and file:
        job.log.emit(
            "warning",
            "Both node-version and node-version-file inputs are specified, only node-version "
            "will be used",
        )
    elif file:
        try:
            wanted = from_file(os.path.join(job.workspace, file)) or ""
        except VersionFileError as error:
            job.log.emit("error", str(error))
            call.result.message = str(error)
            call.result.outcome = FAILURE
            return
        job.log.line(f"Resolved {file} as {wanted}")
    check_latest = call.input("check-latest").strip().lower() == "true"
    here = nodes()
    choice = choose(wanted, here, check_latest)
    if choice.node is None:  # as setup-python: a node you do not have fails nothing of yours
        listed = ", ".join(f"v{n.version}" for n in here) or "none"
        raise JobNotRunLocally(
            f"node {wanted or ''} is not installed on this machine (looked on the PATH and in "
            f"nvm: {listed})"
        )
    node = choice.node
    job.add_path(os.path.dirname(node.path))
    call.result.outputs["node-version"] = f"v{node.version}"
    job.log.line(f"node v{node.version} is first on the PATH ({os.path.dirname(node.path)})")
    if choice.differs:
        call.result.differs = choice.differs
        job.log.emit("warning", choice.differs)
    call.result.outcome = SUCCESS
