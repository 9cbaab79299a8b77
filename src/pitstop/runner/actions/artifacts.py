"""``actions/upload-artifact`` and ``actions/download-artifact`` (v4 semantics) with real files in
the run directory, shared by the jobs of the run.

Upload: ``path`` lines are files, folders or globs, ``!`` lines exclude; files keep their paths
relative to the least common ancestor of what matched; ``if-no-files-found`` is ``warn`` (default),
``error`` or ``ignore``; a name used twice in a run is a conflict unless ``overwrite: true``.
Download: one artifact by ``name`` into ``path``, or all of them (optionally ``pattern``,
``merge-multiple``) each into ``path/<name>``.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import shutil
from typing import TYPE_CHECKING

from pitstop.runner.home import expand_home
from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.uses import ActionCall

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


def _matched_files(root: str, text: str, home: str) -> list[str]:
    include: list[str] = []
    exclude: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        (exclude if line.startswith("!") else include).append(line.lstrip("!"))
    files: list[str] = []
    for pattern in include:
        full = os.path.join(root, expand_home(pattern, home))
        for match in sorted(glob.glob(full, recursive=True)):
            if os.path.isdir(match):
                for directory, _, names in os.walk(match):
                    files.extend(os.path.join(directory, n) for n in sorted(names))
            elif os.path.isfile(match):
                files.append(match)
    excluded = [os.path.join(root, expand_home(p, home)) for p in exclude]
    kept = [
        f
        for f in dict.fromkeys(files)
        if not any(fnmatch.fnmatch(f, p) or f.startswith(p.rstrip("/") + "/") for p in excluded)
    ]
    return kept


def store(job: StepContext) -> str:
    """Where this workflow run keeps its artifacts. Each workflow started by the event is a run
    of its own on GitHub, with its own artifact names; a called workflow shares its caller's."""
    info = job.info or job.state.info
    name = os.path.basename(info.workflow_path or job.workflow.path)
    return os.path.join(job.state.artifacts_dir, name)


async def run(job: StepContext, call: ActionCall) -> None:
    if call.name == "actions/upload-artifact":
        upload(job, call)
    else:
        download(job, call)


def upload(job: StepContext, call: ActionCall) -> None:
    name = call.input("name", "artifact")
    files = _matched_files(job.workspace, call.input("path"), job.home_dir)
    if not files:
        mode = call.input("if-no-files-found", "warn")
        message = (
            f"No files were found with the provided path: {call.input('path')}. "
            "No artifacts will be uploaded."
        )
        if mode == "error":
            job.log.emit("error", message)
            call.result.outcome = FAILURE
            return
        if mode == "warn":
            job.log.emit("warning", message)
        call.result.outcome = SUCCESS
        return
    target = os.path.join(store(job), name)
    if os.path.exists(target):
        if call.input("overwrite", "false").lower() != "true":
            job.log.emit(
                "error",
                "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) "
                "Conflict: an artifact with this name already exists on the workflow run",
            )
            call.result.outcome = FAILURE
            return
        shutil.rmtree(target)
    base = os.path.commonpath([os.path.dirname(f) for f in files])
    if len(files) == 1:
        base = os.path.dirname(files[0])
    for file in files:
        destination = os.path.join(target, os.path.relpath(file, base))
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(file, destination)
    size = sum(os.path.getsize(f) for f in files)
    job.log.line(f"Artifact {name} has been uploaded: {len(files)} files, {size} bytes")
    call.result.outputs["artifact-id"] = str(abs(hash(target)) % 10**9)
    call.result.outputs["artifact-url"] = "file://" + target
    call.result.outcome = SUCCESS


def download(job: StepContext, call: ActionCall) -> None:
    root = store(job)
    name = call.input("name")
    path = os.path.normpath(
        os.path.join(job.workspace, expand_home(call.input("path"), job.home_dir))
    )
    available = sorted(os.listdir(root)) if os.path.isdir(root) else []
    if name:
        if name not in available:
            job.log.emit(
                "error", f"Unable to download artifact(s): Artifact not found for name: {name}"
            )
            call.result.outcome = FAILURE
            return
        shutil.copytree(os.path.join(root, name), path, dirs_exist_ok=True)
        job.log.line(f"Artifact {name} was downloaded to {path}")
    else:
        pattern = call.input("pattern")
        merge = call.input("merge-multiple", "false").lower() == "true"
        chosen = [a for a in available if not pattern or fnmatch.fnmatch(a, pattern)]
        for artifact in chosen:
            destination = path if merge else os.path.join(path, artifact)
            shutil.copytree(os.path.join(root, artifact), destination, dirs_exist_ok=True)
        job.log.line(f"Downloaded {len(chosen)} artifacts to {path}")
    call.result.outputs["download-path"] = path
    call.result.outcome = SUCCESS
