"""``actions/checkout``: the job's workspace gets the working tree (uncommitted changes included),
or, with ``ref:``, that commit of the local repository. ``path:`` puts it in a sub-folder.
Another repository cannot be fetched locally and is reported as not run locally."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from pitstop.runner.actions import ActionCall, not_run_locally
from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.workspace import copy_tree

if TYPE_CHECKING:
    from pitstop.runner.job import JobRun


async def run(job: JobRun, call: ActionCall) -> None:
    repository = call.input("repository")
    own = job.state.info.repository
    if repository and repository.lower() != own.lower():
        not_run_locally(job, call.result, f"checking out another repository ({repository})")
        return
    path = call.input("path")
    target = os.path.normpath(os.path.join(job.workspace, path))
    if not target.startswith(job.workspace):
        job.log.emit("error", f"Repository path '{target}' is not under '{job.workspace}'")
        call.result.outcome = FAILURE
        return
    ref = call.input("ref")
    root = job.state.root
    if os.path.abspath(target) == os.path.abspath(root):
        job.log.line("Working in place: the working tree is the workspace")
        call.result.outcome = SUCCESS
        return
    os.makedirs(target, exist_ok=True)
    if ref:
        code = _archive(root, ref, target)
        if code:
            job.log.emit("error", f"A branch or tag with the name '{ref}' could not be found")
            call.result.outcome = FAILURE
            return
        job.log.line(f"Checked out {ref} from the local repository into {target}")
    else:
        count = copy_tree(root, target)
        job.log.line(f"Copied {count} files of the working tree into {target}")
    call.result.outcome = SUCCESS


def _archive(root: str, ref: str, target: str) -> int:
    archive = subprocess.Popen(
        ["git", "archive", "--format=tar", ref],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    extract = subprocess.run(
        ["tar", "-x", "-C", target], stdin=archive.stdout, capture_output=True, check=False
    )
    assert archive.stdout is not None
    archive.stdout.close()
    return archive.wait() or extract.returncode
