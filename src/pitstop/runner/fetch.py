"""The remote actions a run uses, put in the local action cache before it starts (unless
``--offline``).

Each ref is resolved to its commit first
(``GET {GITHUB_API_URL}/repos/{owner}/{repo}/commits/{ref}`` with
``Accept: application/vnd.github.sha``, which answers the commit's SHA alone: docs "Media
types", sha), as a tag may move; a full SHA is its own commit. The action is then downloaded as
the runner downloads it: the repository's tarball at that commit, from the REST API
(``GET …/tarball/{sha}``, docs "REST API endpoints for repository contents", Download a repository
archive (tar)), with ``GITHUB_TOKEN`` when set. It lands in
``<pitstop home>/actions/<owner>/<repo>/<sha>``, unpacked without the tarball's top folder, moved
into place whole or not at all, and ``…/refs/<ref>`` remembers which commit the ref named, so an
unreachable API (or ``--offline``) still finds what was fetched before. The actions that local and
fetched composite actions use are fetched too. Emulated actions (checkout, setup-python, …) are
not fetched: the emulation runs either way.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pitstop.runner.action_ref import remote_action
from pitstop.workflow.model import Step, Workflow
from pitstop.workflow.repository import load_file

API_URL = "https://api.github.com"
NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
SHA = re.compile(r"^[0-9a-f]{40}$")


class FetchError(Exception):
    """Why one action could not be fetched, in words for the user."""


class Unreachable(FetchError):
    """The API did not answer at all (no network, a refused connection)."""


@dataclass
class FetchReport:
    fetched: list[str] = field(default_factory=list)  # owner/repo@ref
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # owner/repo@ref (lower case) -> why
    commits: dict[str, str] = field(default_factory=dict)  # owner/repo@ref -> the commit run


def action_key(name: str, ref: str) -> str:
    """``owner/repo@ref`` of ``owner/repo[/path]``: one download serves every path in it."""
    owner, repo = [*name.split("/"), "", ""][:2]
    return f"{owner.lower()}/{repo.lower()}@{ref}"


def action_root(cache_root: str, owner: str, repo: str, commit: str) -> str:
    return os.path.join(cache_root, "actions", owner.lower(), repo.lower(), commit)


def _pointer(cache_root: str, owner: str, repo: str, ref: str) -> str:
    return os.path.join(cache_root, "actions", owner.lower(), repo.lower(), "refs", ref)


def known_commit(cache_root: str, owner: str, repo: str, ref: str) -> str | None:
    """The commit ``ref`` named when it was last resolved (a SHA names itself)."""
    if SHA.match(ref):
        return ref
    try:
        with open(_pointer(cache_root, owner, repo, ref), encoding="ascii") as handle:
            commit = handle.read().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return commit if SHA.match(commit) else None


def _remember(cache_root: str, owner: str, repo: str, ref: str, commit: str) -> None:
    if SHA.match(ref):
        return
    path = _pointer(cache_root, owner, repo, ref)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(path), delete=False) as handle:
        handle.write(commit + "\n")
    os.replace(handle.name, path)


def cached_action_folder(cache_root: str, name: str, ref: str) -> str | None:
    """``<pitstop home>/actions/<owner>/<repo>/<commit>[/<path>]`` when it holds an action, the
    commit being the one ``ref`` named when it was last fetched."""
    parts = name.split("/")
    if len(parts) < 2 or not ref:
        return None
    commit = known_commit(cache_root, parts[0], parts[1], ref)
    if commit is None:
        return None
    folder = os.path.join(action_root(cache_root, parts[0], parts[1], commit), *parts[2:])
    for file in ("action.yml", "action.yaml"):
        if os.path.isfile(os.path.join(folder, file)):
            return folder
    return None


def _step_uses(steps: Iterable[Step]) -> Iterator[str]:
    for step in steps:
        if isinstance(step.uses, str) and "${{" not in step.uses:
            yield step.uses.strip()


def _workflow_uses(root: str, workflow: Workflow, jobs: Iterable[str], seen: set[str]) -> list[str]:
    """The ``uses:`` of the steps of ``jobs``, through local reusable workflows."""
    found: list[str] = []
    for job_id in jobs:
        job = workflow.jobs[job_id]
        found.extend(_step_uses(job.steps))
        called = job.uses or ""
        if called.startswith("./") and called not in seen:
            seen.add(called)
            loaded = load_file(os.path.join(root, called[2:].split("@")[0]), "workflow")
            if loaded.workflow is not None:
                found.extend(_workflow_uses(root, loaded.workflow, loaded.workflow.jobs, seen))
    return found


def _action_uses(folder: str) -> list[str]:
    """The ``uses:`` of a composite action's steps; nothing for other actions or none at all."""
    for name in ("action.yml", "action.yaml"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            loaded = load_file(path, "action")
            if loaded.action is not None and (loaded.action.using or "").lower() == "composite":
                return list(_step_uses(loaded.action.steps))
            return []
    return []


def fetch_actions(
    root: str,
    targets: Iterable[tuple[Workflow, Iterable[str]]],
    cache_root: str,
    note: Callable[[str], None],
    api_url: str | None = None,
    token: str | None = None,
) -> FetchReport:
    """Fetch every remote action the selected jobs use that the cache does not hold yet."""
    api_url = api_url or os.environ.get("GITHUB_API_URL") or API_URL
    token = token if token is not None else os.environ.get("GITHUB_TOKEN", "")
    report = FetchReport()
    seen_workflows: set[str] = set()
    queue: list[str] = []
    for workflow, jobs in targets:
        queue.extend(_workflow_uses(root, workflow, jobs, seen_workflows))
    done: set[str] = set()
    while queue:
        uses = queue.pop(0)
        if uses in done:
            continue
        done.add(uses)
        if uses.startswith("./"):
            queue.extend(_action_uses(os.path.join(root, uses[2:])))
            continue
        found = remote_action(uses)
        if found is None:
            continue
        name, ref = found
        owner, repo, *sub = name.split("/")
        key = action_key(name, ref)
        if key in report.failed:
            continue
        if key not in report.commits:
            try:
                report.commits[key] = _fetch_one(api_url, token, cache_root, owner, repo, ref, note)
            except FetchError as error:
                report.failed[key] = str(error)
                note(f"could not fetch {owner}/{repo}@{ref}: {error}")
                continue
        folder = action_root(cache_root, owner, repo, report.commits[key])
        queue.extend(_action_uses(os.path.join(folder, *sub)))
    return report


def _fetch_one(
    api_url: str,
    token: str,
    cache_root: str,
    owner: str,
    repo: str,
    ref: str,
    note: Callable[[str], None],
) -> str:
    """The commit of ``owner/repo@ref``, its files in the cache when this returns."""
    if not (NAME.match(owner) and NAME.match(repo)) or not _safe_ref(ref):
        raise FetchError("not a valid owner/repo@ref")
    try:
        commit = resolve(api_url, token, owner, repo, ref)
    except Unreachable as error:
        commit = known_commit(cache_root, owner, repo, ref) or ""
        if not commit:
            raise
        folder = action_root(cache_root, owner, repo, commit)
        if os.path.isdir(folder):
            note(f"{owner}/{repo}@{ref}: the API did not answer ({error}); using {commit[:12]}, "
                 "what it named before")  # fmt: skip
            return commit
        raise
    _remember(cache_root, owner, repo, ref, commit)
    folder = action_root(cache_root, owner, repo, commit)
    if not os.path.isdir(folder):
        files = download(api_url, token, owner, repo, commit, folder)
        note(f"fetched {owner}/{repo}@{ref} ({commit[:12]}, {files} files) into {folder}")
    return commit


def _headers(token: str, accept: str) -> dict[str, str]:
    headers = {"Accept": accept, "User-Agent": "pitstop"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def resolve(api_url: str, token: str, owner: str, repo: str, ref: str) -> str:
    """The commit ``ref`` names in ``owner/repo`` now (a full SHA is its own)."""
    if SHA.match(ref):
        return ref
    import httpx

    url = f"{api_url.rstrip('/')}/repos/{owner}/{repo}/commits/{quote(ref, safe='/')}"
    try:
        response = httpx.get(url, headers=_headers(token, "application/vnd.github.sha"), timeout=30)
    except httpx.HTTPError as error:
        raise Unreachable(f"{url}: {error or type(error).__name__}") from None
    commit = response.text.strip()
    if response.status_code != 200 or not SHA.match(commit):
        hint = " (a private repository needs GITHUB_TOKEN)" if not token else ""
        raise FetchError(f"HTTP {response.status_code} from {url}{hint}")
    return commit


def download(api_url: str, token: str, owner: str, repo: str, ref: str, folder: str) -> int:
    """Download and unpack one repository at ``ref`` into ``folder``; the number of files."""
    if not (NAME.match(owner) and NAME.match(repo)) or not _safe_ref(ref):
        raise FetchError("not a valid owner/repo@ref")
    import httpx

    url = f"{api_url.rstrip('/')}/repos/{owner}/{repo}/tarball/{quote(ref, safe='/')}"
    headers = _headers(token, "application/vnd.github+json")
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=parent) as work:
        archive = os.path.join(work, "archive.tar.gz")
        try:
            with httpx.stream(
                "GET", url, headers=headers, follow_redirects=True, timeout=60
            ) as response:
                if response.status_code != 200:
                    hint = " (a private repository needs GITHUB_TOKEN)" if not token else ""
                    raise FetchError(f"HTTP {response.status_code} from {url}{hint}")
                with open(archive, "wb") as handle:
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
        except httpx.HTTPError as error:
            raise Unreachable(f"{url}: {error or type(error).__name__}") from None
        unpacked = os.path.join(work, "unpacked")
        files = _unpack(archive, unpacked)
        try:
            os.rename(unpacked, folder)
        except OSError:
            if not os.path.isdir(folder):  # another run put it there first: keep that one
                raise
    return files


def _safe_ref(ref: str) -> bool:
    parts = ref.split("/")
    return all(p and p not in (".", "..") and NAME.match(p) for p in parts)


def _unpack(archive: str, into: str) -> int:
    """Unpack a GitHub tarball without its top folder; refuse members that would land outside."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = [m for m in (_stripped(m) for m in tar.getmembers()) if m is not None]
            os.makedirs(into)
            extract: Any = tar.extractall
            if hasattr(tarfile, "data_filter"):
                extract(into, members=members, filter="data")
            else:  # pragma: no cover - Python before 3.10.12 / 3.11.4
                extract(into, members=members)
    except (tarfile.TarError, OSError, EOFError) as error:
        shutil.rmtree(into, ignore_errors=True)
        raise FetchError(f"the archive could not be unpacked: {error}") from None
    return sum(1 for m in members if m.isfile())


def _stripped(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    _, _, rest = member.name.partition("/")
    if not rest.strip("/"):
        return None  # the top folder itself
    name = posixpath.normpath(rest)
    if name.startswith(("/", "../")) or name == "..":
        raise FetchError(f"the archive has a member outside its folder: {member.name}")
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        return None
    if member.islnk():
        _, _, target = member.linkname.partition("/")
        member.linkname = posixpath.normpath(target)
    elif member.issym():
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), member.linkname))
        if member.linkname.startswith("/") or resolved.startswith("../") or resolved == "..":
            raise FetchError(f"the archive has a link outside its folder: {member.name}")
    member.name = name
    return member
