"""``actions/cache``, ``actions/cache/restore`` and ``actions/cache/save`` with real archives
under ``.pitstop/cache``.

Semantics from the action's README: an exact ``key`` match restores and sets ``cache-hit`` to
``true``; otherwise each ``restore-keys`` prefix is tried in order, newest entry first, restoring
with ``cache-hit`` ``false``. ``actions/cache`` saves in its post step when there was no exact hit
and the job succeeded. Entries are immutable: a key that exists is not saved again.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import tarfile
import time
from typing import TYPE_CHECKING, Any

from pitstop.runner.home import expand_home
from pitstop.runner.results import FAILURE, SKIPPED, SUCCESS, StepResult
from pitstop.runner.uses import ActionCall
from pitstop.workflow.yaml import MappingNode

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


def _index_path(folder: str) -> str:
    return os.path.join(folder, "index.json")


def _load_index(folder: str) -> dict[str, Any]:
    try:
        with open(_index_path(folder), encoding="utf-8") as handle:
            data: dict[str, Any] = json.load(handle)
            return data
    except (OSError, ValueError):
        return {}


def _save_index(folder: str, index: dict[str, Any]) -> None:
    os.makedirs(folder, exist_ok=True)
    temp = _index_path(folder) + f".{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(index, handle, indent=1)
    os.replace(temp, _index_path(folder))


def find_entry(index: dict[str, Any], key: str, restore_keys: list[str]) -> str | None:
    """The key to restore: ``key`` itself, else the newest entry starting with a restore key."""
    if key in index:
        return key
    for prefix in restore_keys:
        matching = [k for k in index if k.startswith(prefix)]
        if matching:
            return max(matching, key=lambda k: index[k]["created"])
    return None


def _paths(job: StepContext, text: str) -> list[str]:
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("!"):
            continue
        pattern = os.path.join(job.workspace, expand_home(line, job.home_dir))
        found.extend(sorted(glob.glob(pattern, recursive=True)))
    return found


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, folder: str) -> None:
    """One entry into ``folder``, never outside it: Python's "data" filter refuses absolute
    names, `..` and links that leave the folder (its own check where Python predates it)."""
    if hasattr(tarfile, "data_filter"):
        tar.extract(member, folder, filter="data")
        return
    target = os.path.abspath(os.path.join(folder, member.name))
    if os.path.commonpath([target, os.path.abspath(folder)]) != os.path.abspath(folder):
        raise tarfile.TarError(f"{member.name}: outside {folder}")
    tar.extract(member, folder)


HOME_PREFIX = "__home__/"  # an entry of the job's home: restored into the next job's home


def _entry_name(job: StepContext, path: str) -> str | None:
    """Where a path goes in the archive: relative to the workspace, or to the job's home;
    None for a path outside both, which a job of pitstop's neither saves nor restores (it
    would be the user's own files: the job's folders are all it touches)."""
    for folder, prefix in ((job.workspace, ""), (job.home_dir, HOME_PREFIX)):
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(folder))
        if relative != ".." and not relative.startswith(".." + os.sep):
            return prefix + relative
    return None


def save(job: StepContext, key: str, paths_text: str) -> str:
    folder = job.state.cache_dir
    index = _load_index(folder)
    if key in index:
        return f"Cache with key '{key}' already exists; not saved again"
    paths = _paths(job, paths_text)
    if not paths:
        return (
            "Path Validation Error: Path(s) specified in the action for caching do(es) not "
            "exist, hence no cache is being saved."
        )
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha256(key.encode()).hexdigest()[:24] + ".tar.gz"
    archive = os.path.join(folder, name)
    entries = []
    for path in paths:
        entry = _entry_name(job, path)
        if entry is None:
            job.log.line(f"warning: {path} is outside the job's workspace and home: not saved")
        else:
            entries.append((path, entry))
    if not entries:
        return "Nothing saved: every path is outside the job's workspace and home"
    with tarfile.open(archive + ".tmp", "w:gz") as tar:
        for path, entry in entries:
            tar.add(path, arcname=entry)
    os.replace(archive + ".tmp", archive)
    index = _load_index(folder)
    index[key] = {"file": name, "created": time.time(), "size": os.path.getsize(archive)}
    _save_index(folder, index)
    return f"Cache saved with key: {key}"


def restore(job: StepContext, key: str, restore_keys: list[str]) -> str | None:
    index = _load_index(job.state.cache_dir)
    matched = find_entry(index, key, restore_keys)
    if matched is None:
        return None
    archive = os.path.join(job.state.cache_dir, index[matched]["file"])
    with tarfile.open(archive, "r:gz") as tar:
        skipped = 0
        for member in tar.getmembers():
            if member.name.startswith(HOME_PREFIX):
                member.name = member.name[len(HOME_PREFIX) :]
                _extract(tar, member, job.home_dir)
            elif member.name.startswith("__abs__"):
                skipped += 1  # saved by an older pitstop, outside the job's folders
            else:
                _extract(tar, member, job.workspace)
        if skipped:
            job.log.line(
                f"warning: {skipped} cached files lie outside the job's workspace and home: "
                "not restored"
            )
    return matched


# GitHub changelog 2026-09-10, "Control GitHub Actions cache access with cache-mode": read
# restores only (the default for pull_request_target), write restores and saves (the default for
# trusted events), write-only saves only, none does neither; a job's setting overrides the
# workflow's; the cache service enforces it.
LOW_TRUST = frozenset({"pull_request_target"})


def cache_mode(job: StepContext) -> str:
    """The job's cache access: its own ``cache-mode``, else its workflow's, else the event's
    default."""
    for node in (job.job.node, job.workflow.doc.root):
        found = node.get("cache-mode") if isinstance(node, MappingNode) else None
        if found is not None:
            return str(found.to_python())
    event = job.info.event.name if job.info is not None else ""
    return "read" if event in LOW_TRUST else "write"


async def run(job: StepContext, call: ActionCall) -> None:
    mode = cache_mode(job)
    can_restore, can_save = mode in ("read", "write"), mode in ("write", "write-only")
    key = call.input("key")
    paths_text = call.input("path")
    restore_keys = [k.strip() for k in call.input("restore-keys").splitlines() if k.strip()]
    if call.name == "actions/cache/save":
        if not key or not paths_text:
            job.log.emit(
                "error", "Input required and not supplied: " + ("key" if not key else "path")
            )
            call.result.outcome = FAILURE
            return
        job.log.line(
            save(job, key, paths_text) if can_save else f"cache-mode {mode}: nothing is saved"
        )
        call.result.outcome = SUCCESS
        return
    if not key:
        job.log.emit("error", "Input required and not supplied: key")
        call.result.outcome = FAILURE
        return
    try:
        matched = restore(job, key, restore_keys) if can_restore else None
        if not can_restore:
            job.log.line(f"cache-mode {mode}: nothing is restored")
    except (tarfile.TarError, OSError, KeyError) as error:
        # as actions/cache does, a failed restore is a warning and a miss, not a failed step
        job.log.emit("warning", f"Failed to restore: {error}")
        matched = None
    hit = matched == key
    if matched is None:
        job.log.line(f"Cache not found for input keys: {', '.join([key, *restore_keys])}")
    else:
        job.log.line(f"Cache restored from key: {matched}")
    call.result.outputs["cache-hit"] = "true" if hit else "false"
    if call.name == "actions/cache/restore":
        call.result.outputs["cache-primary-key"] = key
        call.result.outputs["cache-matched-key"] = matched or ""
    call.result.outcome = SUCCESS
    if call.name == "actions/cache" and not hit:
        label = call.step.label

        async def post() -> StepResult | None:
            result = StepResult(label=f"Post {label}", id=None)
            if job.status(call.scope) != SUCCESS:
                result.outcome = result.conclusion = SKIPPED
                return result
            job.log.line(
                save(job, key, paths_text) if can_save else f"cache-mode {mode}: nothing is saved"
            )
            result.outcome = result.conclusion = SUCCESS
            return result

        job.post_steps.append((label, post))
