"""A job's folders, and its workspace as a real git checkout, outside the user's repository.

Each running job holds a *slot* under ``<pitstop home>/workspaces/<repository key>/<n>`` (a file
lock, so parallel jobs and parallel runs never share one): ``ws`` is ``$GITHUB_WORKSPACE`` (empty
until actions/checkout fills it, as on GitHub), ``temp`` is ``$RUNNER_TEMP``, ``file_commands``
holds the environment files.

A checkout is what actions/checkout leaves: a git repository at the run's commit, on the event's
branch (a tag or a pull request's merge ref detached), ``origin`` pointing where the user's
``origin`` points, a shallow history of ``fetch-depth`` commits (1 by default, 0 for all), then
the working tree's uncommitted and untracked files copied on top, so local edits are what runs.
Its objects are borrowed from the user's repository through ``objects/info/alternates`` (read,
never written). A project in a sub-folder of a bigger repository gets a repository of its own:
one commit holding that folder's tree, with the real commit's author, date and message.

The checkout a job leaves is parked in its slot, and the next job's checkout resets it: a new
``.git``, the index saved when it was made, ``git reset --hard`` and ``git clean -ffdx``, so only
files that differ are written and nothing a job left behind survives. Making a workspace is fast
for a large repository and as clean as a fresh runner.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass, field

from pitstop.git import tree_files

# Our own git commands never run the user's hooks or LFS filters (actions/checkout sets
# GIT_LFS_SKIP_SMUDGE=1 unless lfs: true), and check out with one worker per core.
_QUIET = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "filter.lfs.smudge=", "-c", "filter.lfs.process=", "-c", "filter.lfs.required=false",
    "-c", "checkout.workers=0", "-c", "advice.detachedHead=false",
)  # fmt: skip

# Variables that point git at another repository: a run started from a git hook has them set.
GIT_REDIRECTS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


class WorkspaceError(Exception):
    """A checkout could not be made; the message says which git command said what."""


def clean_git_env(ceiling: str | None) -> dict[str, str]:
    """This process's environment for git: nothing pointing it elsewhere, no prompts, and git
    never looking above ``ceiling`` for a repository."""
    env = {k: v for k, v in os.environ.items() if k not in GIT_REDIRECTS}
    if ceiling:
        env["GIT_CEILING_DIRECTORIES"] = ceiling
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def _git(*args: str, cwd: str, env: dict[str, str], stdin: str | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *_QUIET, *args],
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise WorkspaceError(f"git could not start: {error.strerror}") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        raise WorkspaceError(f"git {args[0]} failed (exit {done.returncode}): {message}")
    return done.stdout


# -- the user's repository -----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The user's repository as a checkout reads it."""

    root: str  # the project folder pitstop runs in
    toplevel: str  # the git work tree it is in
    prefix: str  # root relative to toplevel, "" or "sub/dir/"
    objects: str  # the object store checkouts borrow from
    origin: str  # origin's URL, "" when there is none

    def path(self, *parts: str) -> str:
        return os.path.join(self.toplevel, self.prefix, *parts)


def find_source(root: str) -> Source | None:
    """The repository ``root`` is in; None when it is in none (or it has no commit yet)."""
    env = clean_git_env(None)
    try:
        out = _git(
            "rev-parse", "--show-toplevel", "--show-prefix", "--git-common-dir", cwd=root, env=env
        )
        _git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", cwd=root, env=env)
    except WorkspaceError:
        return None
    toplevel, prefix, common = [*out.splitlines(), "", "", ""][:3]
    common = os.path.normpath(os.path.join(root, common))
    try:
        origin = _git("remote", "get-url", "origin", cwd=root, env=env).strip()
    except WorkspaceError:
        origin = ""
    return Source(
        root=os.path.abspath(root),
        toplevel=toplevel,
        prefix=prefix,
        objects=os.path.join(common, "objects"),
        origin=origin,
    )


def resolve(source: Source, ref: str) -> tuple[str, str] | None:
    """(commit, full ref name or "") for a ``ref:`` as actions/checkout reads it: a branch, a
    tag, a full ref or a commit of the local repository; None when there is no such thing."""
    env = clean_git_env(None)
    candidates = [ref] if ref.startswith("refs/") else [
        f"refs/heads/{ref}", f"refs/remotes/origin/{ref}", f"refs/tags/{ref}", ref,
    ]  # fmt: skip
    for name in candidates:
        try:
            sha = _git(
                "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", cwd=source.root, env=env
            ).strip()
        except WorkspaceError:
            continue
        full = name.replace("refs/remotes/origin/", "refs/heads/", 1)
        return sha, full if full.startswith("refs/") else ""
    return None


def uncommitted(source: Source) -> list[str]:
    """The project's paths that differ from HEAD in the working tree, untracked files included
    (ignored ones not), relative to the project folder."""
    env = clean_git_env(None)
    changed = _git(
        "diff", "--name-only", "-z", "--no-renames", "--relative", "HEAD", cwd=source.root, env=env
    )
    untracked = _git("ls-files", "-z", "--others", "--exclude-standard", cwd=source.root, env=env)
    names = {n for n in (changed + untracked).split("\0") if n}
    return sorted(n for n in names if n.split("/")[0] not in (".git", ".pitstop"))


# -- slots ---------------------------------------------------------------------------------------


def repository_key(root: str) -> str:
    """A folder name for one repository: its name, and a hash of where it is."""
    real = os.path.realpath(root)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(real))
    return f"{name[:40] or 'root'}-{digest}"


@dataclass
class Slot:
    """One job's folders, held (``flock``) while the job runs."""

    folder: str
    handle: int
    checkouts: list[str] = field(default_factory=list)  # made in this job, first one parked

    @property
    def workspace(self) -> str:
        return os.path.join(self.folder, "ws")

    @property
    def temp(self) -> str:
        return os.path.join(self.folder, "temp")

    @property
    def file_commands(self) -> str:
        return os.path.join(self.folder, "file_commands")

    @property
    def tools(self) -> str:
        """The job's own tool folders: its Python environment, npm's global prefix."""
        return os.path.join(self.folder, "tools")

    @property
    def home(self) -> str:
        """The job's `$HOME`: a runner's home is its own, never the user's."""
        return os.path.join(self.folder, "home")

    @property
    def emptied(self) -> tuple[str, ...]:
        """The folders a job starts with empty and leaves empty."""
        return (self.workspace, self.temp, self.file_commands, self.tools, self.home)

    @property
    def parked(self) -> str:
        return os.path.join(self.folder, "parked")

    @property
    def parked_index(self) -> str:
        return os.path.join(self.folder, "parked.index")


def claim_slot(home: str, root: str) -> Slot:
    """The first free slot of this repository (a new one when all are held), emptied."""
    base = os.path.join(home, "workspaces", repository_key(root))
    os.makedirs(base, exist_ok=True)
    number = 0
    while True:
        folder = os.path.join(base, str(number))
        handle = os.open(folder + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            number += 1
            continue
        slot = Slot(folder, handle)
        for path in slot.emptied:
            _remove(path)  # what a run that died left
            os.makedirs(path)
        return slot


def release_slot(slot: Slot) -> None:
    """Park the job's first checkout for the next job, empty the rest, let the slot go."""
    try:
        kept = next((c for c in slot.checkouts if os.path.isdir(os.path.join(c, ".git"))), None)
        if kept is not None:
            _remove(slot.parked)
            try:
                os.replace(kept, slot.parked)
            except OSError:
                _remove(slot.parked_index)
        for path in slot.emptied:
            _remove(path)
    finally:
        os.close(slot.handle)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
        if os.path.exists(path):  # read-only folders a step left: make them writable, once more
            for folder, dirs, _files in os.walk(path):
                for name in dirs:
                    with contextlib.suppress(OSError):
                        os.chmod(os.path.join(folder, name), 0o700)
            shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        with contextlib.suppress(OSError):
            os.remove(path)


# -- checkouts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What actions/checkout asked for, resolved against the local repository."""

    commit: str  # in the user's repository
    ref: str  # refs/heads/x, refs/tags/x, refs/pull/n/merge, or "" (detached)
    depth: int  # fetch-depth: 0 for all history
    tags: bool  # fetch-tags (all tags come with depth 0)
    local_changes: bool  # copy the working tree's uncommitted files on top
    submodules: str = ""  # "", "true" or "recursive"


@dataclass
class Made:
    """What a checkout did, for the step's log."""

    head: str
    reused: bool = False
    local_changes: int = 0
    shallow: bool = False
    notes: list[str] = field(default_factory=list)


def make_checkout(source: Source, slot: Slot, target: str, request: Request) -> Made:
    """Fill ``target`` with a checkout of ``request`` (see the module's text)."""
    reused = _take_parked(slot, target) if not slot.checkouts else False
    slot.checkouts.append(target)
    env = clean_git_env(slot.folder)
    try:
        made = _build(source, target, request, env, slot.parked_index, reused)
    except WorkspaceError:
        if not reused:
            raise
        _remove(target)  # a parked tree git cannot reset: start from nothing
        made = _build(source, target, request, env, slot.parked_index, False)
    if request.local_changes:
        made.local_changes = _copy_local_changes(source, target)
    if request.submodules:
        made.notes += _submodules(source, target, env, request.submodules == "recursive")
    return made


def _take_parked(slot: Slot, target: str) -> bool:
    if not os.path.isdir(os.path.join(slot.parked, ".git")):
        return False
    if os.path.isdir(target) and os.listdir(target):
        return False
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.replace(slot.parked, target)
    return True


def _build(
    source: Source,
    target: str,
    request: Request,
    env: dict[str, str],
    saved_index: str | None,
    reused: bool,
) -> Made:
    """A new ``.git`` in ``target`` and its files made to match HEAD: all of them, or, for a
    parked tree (``reused``), only those that differ from the index saved when it was made."""
    os.makedirs(target, exist_ok=True)
    _remove(os.path.join(target, ".git"))
    _git("init", "--quiet", "--template=", target, cwd=target, env=env)
    git_dir = os.path.join(target, ".git")
    os.makedirs(os.path.join(git_dir, "objects", "info"), exist_ok=True)
    with open(os.path.join(git_dir, "objects", "info", "alternates"), "w") as handle:
        handle.write(source.objects + "\n")
    if source.origin:
        _git("remote", "add", "origin", source.origin, cwd=target, env=env)
    _git("config", "gc.auto", "0", cwd=target, env=env)
    head = request.commit
    if source.prefix:
        head = _folder_commit(source, target, request.commit, env)
    made = Made(head=head, reused=reused)
    _set_refs(source, target, request, head, env)
    if request.depth > 0 and not source.prefix:
        boundary = _shallow_boundary(target, head, request.depth, env)
        if boundary:
            with open(os.path.join(git_dir, "shallow"), "w") as handle:
                handle.write("".join(f"{sha}\n" for sha in sorted(boundary)))
            made.shallow = True
    if reused and saved_index and os.path.isfile(saved_index):
        shutil.copy2(saved_index, os.path.join(git_dir, "index"))
    _git("reset", "--quiet", "--hard", "HEAD", cwd=target, env=env)
    if reused:
        _git("clean", "-ffdxq", cwd=target, env=env)
    if saved_index:
        shutil.copy2(os.path.join(git_dir, "index"), saved_index)
    return made


def _folder_commit(source: Source, target: str, commit: str, env: dict[str, str]) -> str:
    """A commit of the project folder's tree alone, with the real commit's author, date and
    message, so the workspace is a repository whose top is the project."""
    tree = _git("rev-parse", f"{commit}:{source.prefix.rstrip('/')}", cwd=target, env=env).strip()
    fields = _git("log", "-1", "--format=%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%B",
                  "--date=raw", commit, cwd=target, env=env)  # fmt: skip
    an, ae, ad, cn, ce, cd, message = fields.split("\0", 6)
    stamp = {
        "GIT_AUTHOR_NAME": an, "GIT_AUTHOR_EMAIL": ae, "GIT_AUTHOR_DATE": ad,
        "GIT_COMMITTER_NAME": cn, "GIT_COMMITTER_EMAIL": ce, "GIT_COMMITTER_DATE": cd,
    }  # fmt: skip
    return _git("commit-tree", tree, cwd=target, env={**env, **stamp}, stdin=message).strip()


def _set_refs(
    source: Source, target: str, request: Request, head: str, env: dict[str, str]
) -> None:
    """As actions/checkout leaves them: a branch checked out and tracked as origin's; a tag or a
    pull request's ref with a detached HEAD; with fetch-depth 0, origin's branches and the tags
    too (fetch-tags adds the tags at any depth)."""
    updates: list[str] = []
    ref = request.ref
    if ref.startswith("refs/heads/"):
        branch = ref.removeprefix("refs/heads/")
        updates += [f"update {ref} {head}", f"update refs/remotes/origin/{branch} {head}"]
    elif ref.startswith("refs/pull/"):
        updates.append(f"update {ref.replace('refs/pull/', 'refs/remotes/pull/', 1)} {head}")
    elif ref.startswith("refs/tags/"):
        updates.append(f"update {ref} {head}")
    if not source.prefix and (request.depth == 0 or request.tags):
        wanted = ["refs/tags/"] + (["refs/remotes/origin/"] if request.depth == 0 else [])
        listed = _git("for-each-ref", "--format=%(objectname) %(refname)", *wanted,
                      cwd=source.root, env=env)  # fmt: skip
        for line in listed.splitlines():
            sha, name = line.split(" ", 1)
            if not name.endswith("/HEAD") and not any(u.split()[1] == name for u in updates):
                updates.append(f"update {name} {sha}")
    if updates:
        _git("update-ref", "--stdin", cwd=target, env=env, stdin="\n".join(updates) + "\n")
    if ref.startswith("refs/heads/"):
        _git("symbolic-ref", "HEAD", ref, cwd=target, env=env)
    else:
        _git("update-ref", "--no-deref", "HEAD", head, cwd=target, env=env)


def _shallow_boundary(target: str, head: str, depth: int, env: dict[str, str]) -> list[str]:
    """The commits at ``depth`` whose parents a clone of that depth does not have."""
    if depth == 1:
        parents = _git("rev-list", "--parents", "-n", "1", head, cwd=target, env=env).split()
        return [head] if len(parents) > 1 else []
    graph: dict[str, list[str]] = {}
    for line in _git("rev-list", "--parents", head, cwd=target, env=env).splitlines():
        sha, *rest = line.split()
        graph[sha] = rest
    level = {head: 1}
    queue = deque([head])
    boundary = []
    while queue:
        sha = queue.popleft()
        if level[sha] == depth:
            if graph.get(sha):
                boundary.append(sha)
            continue
        for parent in graph.get(sha, []):
            if parent not in level:
                level[parent] = level[sha] + 1
                queue.append(parent)
    return boundary


def _copy_local_changes(source: Source, target: str) -> int:
    """Copy what differs from HEAD in the project folder (files, symlinks; deletions too)."""
    count = 0
    for relative in uncommitted(source):
        origin = os.path.join(source.root, relative)
        destination = os.path.join(target, relative)
        if os.path.isdir(origin) and not os.path.islink(origin):
            continue  # a submodule whose commit moved
        if os.path.lexists(destination) or os.path.isdir(destination):
            _remove(destination)
        if os.path.lexists(origin):
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            if os.path.islink(origin):
                os.symlink(os.readlink(origin), destination)
            else:
                shutil.copy2(origin, destination)
        count += 1
    return count


def _submodules(source: Source, target: str, env: dict[str, str], recursive: bool) -> list[str]:
    """Each submodule of the checkout, from the user's own clone of it (``git submodule`` would
    fetch from its URL); one not checked out in the user's tree stays empty, with a note."""
    notes: list[str] = []
    listed = _git("ls-tree", "-r", "-z", "HEAD", cwd=target, env=env)
    for entry in listed.split("\0"):
        if not entry.startswith("160000 "):
            continue
        meta, path = entry.split("\t", 1)
        commit = meta.split()[2]
        inner = find_source(source.path(path))
        if inner is None or os.path.realpath(inner.toplevel) != os.path.realpath(source.path(path)):
            notes.append(f"submodule '{path}' is not checked out in your repository: left empty")
            continue
        request = Request(commit=commit, ref="", depth=1, tags=False, local_changes=False)
        where = os.path.join(target, path)
        _build(inner, where, request, env, saved_index=None, reused=False)
        if recursive:
            notes += _submodules(inner, where, env, recursive)
    return notes


def copy_plain_tree(root: str, target: str) -> int:
    """A folder that is not a git repository: its files, copied (nothing to check out)."""
    count = 0
    for relative in tree_files(root):
        origin = os.path.join(root, relative)
        if not os.path.lexists(origin) or (os.path.isdir(origin) and not os.path.islink(origin)):
            continue
        destination = os.path.join(target, relative)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        if os.path.islink(origin):
            os.symlink(os.readlink(origin), destination)
        else:
            shutil.copy2(origin, destination)
        count += 1
    return count
