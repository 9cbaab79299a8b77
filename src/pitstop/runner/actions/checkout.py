"""``actions/checkout``: the job's workspace becomes a git checkout of the run's commit, as the
action leaves one (``runner/workspace.py``): the event's branch, a shallow history of
``fetch-depth`` commits, ``origin`` as the user's, the working tree's uncommitted changes on top.
``ref:`` checks out that branch, tag or commit of the local repository instead (without the
uncommitted changes); ``path:`` puts the checkout in a sub-folder; ``submodules:`` checks out the
submodules from the user's own clones of them. Another repository cannot be fetched locally yet
and is reported as not run locally; so is ``lfs: true`` (LFS files stay pointers)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from typing import TYPE_CHECKING

from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.uses import ActionCall, not_run_locally
from pitstop.runner.workspace import (
    Request,
    Source,
    WorkspaceError,
    copy_plain_tree,
    find_source,
    make_checkout,
    resolve,
)

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


async def run(job: StepContext, call: ActionCall) -> None:
    repository = call.input("repository")
    own = job.state.info.repository
    if repository and repository.lower() != own.lower():
        not_run_locally(job, call.result, f"checking out another repository ({repository})")
        return
    target = os.path.normpath(os.path.join(job.workspace, call.input("path")))
    if os.path.commonpath([target, job.workspace]) != job.workspace:
        job.log.emit("error", f"Repository path '{target}' is not under '{job.workspace}'")
        call.result.outcome = FAILURE
        return
    root = job.state.root
    if job.state.options.in_place or job.slot is None:
        if target == job.workspace:
            job.log.line("Working in place: the working tree is the workspace (--in-place)")
            call.result.outcome = SUCCESS
        else:
            reason = "a checkout into a sub-folder would write into your working tree (--in-place)"
            not_run_locally(job, call.result, reason)
        return
    source = await asyncio.to_thread(find_source, root)
    if source is None:
        os.makedirs(target, exist_ok=True)
        count = copy_plain_tree(root, target)
        job.log.line(f"Not a git repository: copied its {count} files into {target}")
        call.result.outcome = SUCCESS
        return
    try:
        request = _request(job, call, source)
    except ValueError as error:
        job.log.emit("error", str(error))
        call.result.outcome = FAILURE
        return
    try:
        # git works for seconds on a large tree: off the loop, so other jobs keep streaming
        made = await asyncio.to_thread(make_checkout, source, job.slot, target, request)
    except WorkspaceError as error:
        job.log.emit("error", f"The checkout could not be made: {error}")
        call.result.outcome = FAILURE
        return
    history = "shallow, " if made.shallow else ""
    depth = f"fetch-depth {request.depth}" if request.depth else "full history"
    how = "reset the workspace a previous job left" if made.reused else "checked out"
    job.log.line(f"{how.capitalize()}: {made.head[:12]} ({history}{depth}) in {target}")
    if source.prefix:
        job.log.line(
            f"The project is the folder '{source.prefix.rstrip('/')}' of {source.toplevel}: "
            "the workspace is a repository of its own, one commit of that folder's tree"
        )
    if made.local_changes:
        job.log.line(f"Applied {made.local_changes} uncommitted or untracked file(s) on top")
    for note in made.notes:
        job.log.emit("warning", note)
    if call.input("lfs", "false").lower() == "true":
        not_run_locally(job, call.result, "lfs: true (LFS files are left as pointers)")
        return
    call.result.outcome = SUCCESS


def _request(job: StepContext, call: ActionCall, source: Source) -> Request:
    event = job.state.info.event
    ref = call.input("ref")
    depth_text = call.input("fetch-depth", "1")
    try:
        depth = int(depth_text)
    except ValueError:
        raise ValueError(f"fetch-depth must be a number, got '{depth_text}'") from None
    submodules = call.input("submodules", "false").lower()
    request = Request(
        commit=event.sha or "",
        ref=event.ref,
        depth=max(0, depth),
        tags=call.input("fetch-tags", "false").lower() == "true",
        local_changes=True,
        submodules=submodules if submodules in ("true", "recursive") else "",
    )
    if ref and ref not in (event.sha, event.ref):
        found = resolve(source, ref)
        if found is None:
            raise ValueError(f"A branch or tag with the name '{ref}' could not be found")
        return dataclasses.replace(request, commit=found[0], ref=found[1], local_changes=False)
    if not event.sha:
        raise ValueError("The repository has no commit to check out")
    return request
