"""What the local git repository says: the branch, the default branch, the commit, what changed."""

from __future__ import annotations

import os
import re
import subprocess

from pitstop.errors import PitstopError


def git(*args: str, cwd: str = ".") -> str | None:
    """Run git; its stdout without the trailing newline, or ``None`` when git fails."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.rstrip("\n") if done.returncode == 0 else None


def is_repository(cwd: str = ".") -> bool:
    return git("rev-parse", "--is-inside-work-tree", cwd=cwd) == "true"


def current_branch(cwd: str = ".") -> str | None:
    return git("symbolic-ref", "--quiet", "--short", "HEAD", cwd=cwd)


def head_sha(cwd: str = ".") -> str | None:
    return git("rev-parse", "HEAD", cwd=cwd)


def remote_default_branch(cwd: str = ".") -> str | None:
    """``origin``'s default branch, when the clone knows it (``refs/remotes/origin/HEAD``)."""
    remote_head = git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", cwd=cwd)
    return remote_head.rsplit("/", 1)[-1] if remote_head else None


def default_branch(cwd: str = ".") -> str:
    """``origin``'s default branch when known, else ``main`` or ``master`` if present."""
    remote = remote_default_branch(cwd)
    if remote:
        return remote
    for name in ("main", "master"):
        if git("rev-parse", "--verify", "--quiet", f"refs/heads/{name}", cwd=cwd):
            return name
    return current_branch(cwd) or "main"


def repository_slug(cwd: str = ".") -> tuple[str, str] | None:
    """(owner, name) from the ``origin`` remote's URL, when it names one."""
    url = git("remote", "get-url", "origin", cwd=cwd)
    if not url:
        return None
    found = re.search(r"[:/]([^/:]+)/([^/]+?)(?:\.git)?/?\Z", url)
    return (found.group(1), found.group(2)) if found else None


def changed_files(since: str | None, base_branch: str | None = None, cwd: str = ".") -> list[str]:
    """Files changed since ``since`` (or the merge base with ``base_branch``, by default the
    default branch), uncommitted and untracked files included, relative to ``cwd``. A caller
    that names ``base_branch`` has found the repository already."""
    if base_branch is None and not is_repository(cwd):
        raise PitstopError(f"{cwd}: not a git repository, so changed files are unknown")
    if since is None:
        base = base_branch or default_branch(cwd)
        since = git("merge-base", "HEAD", base, cwd=cwd) or "HEAD"
    elif git("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}", cwd=cwd) is None:
        raise PitstopError(f"unknown revision '{since}'")
    files: set[str] = set()
    diff = git("diff", "--name-only", "--no-renames", "--relative", since, cwd=cwd)
    if diff is None and since == "HEAD":
        diff = ""  # a repository without commits yet
    if diff is None:
        raise PitstopError(f"git diff against '{since}' failed")
    files.update(line for line in diff.splitlines() if line)
    untracked = git("ls-files", "--others", "--exclude-standard", cwd=cwd) or ""
    files.update(line for line in untracked.splitlines() if line)
    return sorted(files)


def comparison_base(against: str | None, cwd: str = ".") -> tuple[str, str]:
    """(commit, what it is) that a change is measured against: the merge base of HEAD with
    ``against``, or by default with the branch a pull request targets (``GITHUB_BASE_REF``)
    or the default branch, preferring ``origin``'s copy. Raises PitstopError when there is no
    such commit here (a shallow clone: ``fetch-depth: 0`` fetches the history it needs)."""
    if not is_repository(cwd):
        raise PitstopError(f"{os.path.abspath(cwd)}: not a git repository, so no change to measure")
    if against is None:
        named = os.environ.get("GITHUB_BASE_REF") or remote_default_branch(cwd)
        candidates = [f"origin/{b}" for b in ([named] if named else ["main", "master"])]
        candidates += [b.removeprefix("origin/") for b in candidates]
    else:
        candidates = [against]
    for name in candidates:
        if git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", cwd=cwd) is None:
            continue
        base = git("merge-base", "HEAD", name, cwd=cwd)
        if base is None:
            raise PitstopError(
                f"HEAD and {name} share no commit in this clone (a shallow checkout? "
                "actions/checkout with fetch-depth: 0 fetches the history)"
            )
        return base, f"merge base with {name}"
    raise PitstopError(
        f"no revision {' or '.join(repr(c) for c in candidates)} in this clone "
        "(actions/checkout fetches one commit unless given fetch-depth: 0; "
        "or name the base with --diff-against)"
    )


def added_lines(since: str, cwd: str = ".") -> dict[str, set[int]]:
    """The lines the working tree adds since the commit ``since``, per file relative to the top
    of the repository: committed, staged and unstaged changes (a renamed file's unchanged lines
    are not added), and untracked files whole."""
    diff = git(
        "-c", "core.quotePath=off", "diff", "--no-color", "--no-ext-diff", "-U0",
        "--find-renames", "--src-prefix=a/", "--dst-prefix=b/", since, "--", cwd=cwd,
    )  # fmt: skip
    if diff is None:
        raise PitstopError(f"git diff against {since} failed")
    added: dict[str, set[int]] = {}
    lines: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = _unquoted(line[4:])
            lines = None if target == "/dev/null" else added.setdefault(target[2:], set())
        elif line.startswith("@@ ") and lines is not None:
            hunk = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
            if hunk:
                start, count = int(hunk.group(1)), int(hunk.group(2) or "1")
                lines.update(range(start, start + count))
    top = git("rev-parse", "--show-toplevel", cwd=cwd) or cwd
    listed = git("-c", "core.quotePath=off", "ls-files", "--others", "--exclude-standard",
                 "--full-name", cwd=cwd) or ""  # fmt: skip
    for name in filter(None, listed.splitlines()):
        try:
            with open(os.path.join(top, name), "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        count = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        added[name] = set(range(1, count + 1))
    return {name: lines for name, lines in added.items() if lines}


def _unquoted(path: str) -> str:
    """A path as git prints it: quoted C-style when it holds a quote, backslash or control
    character (git's quote.c: ``\\t``-style escapes and octal bytes)."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    data, out, at = path[1:-1].encode(), bytearray(), 0
    while at < len(data):
        if data[at] != 0x5C or at + 1 >= len(data):
            out.append(data[at])
            at += 1
        elif data[at + 1 : at + 4].isdigit():
            out.append(int(data[at + 1 : at + 4], 8))
            at += 4
        else:
            out += _ESCAPES.get(data[at + 1 : at + 2], data[at + 1 : at + 2])
            at += 2
    return out.decode("utf-8", "surrogateescape")


_ESCAPES = {b"a": b"\a", b"b": b"\b", b"t": b"\t", b"n": b"\n", b"v": b"\v", b"f": b"\f",
            b"r": b"\r"}  # fmt: skip


def last_commit_files(cwd: str = ".") -> tuple[str, list[str]] | None:
    """(commit, files): the last commit that changed ``cwd``'s folder and the files it changed
    there against its parent (all of them for a first commit), relative to ``cwd``; None when
    no commit touched it."""
    commit = git("rev-list", "-1", "HEAD", "--", ".", cwd=cwd)
    if not commit:
        return None
    if git("rev-parse", "--verify", "--quiet", f"{commit}^1", cwd=cwd) is None:
        listed = git("ls-tree", "-r", "--name-only", commit, cwd=cwd) or ""
        return commit, sorted(n for n in listed.splitlines() if n)
    diff = git("diff", "--name-only", "--no-renames", "--relative", f"{commit}^1", commit, cwd=cwd)
    return commit, sorted(line for line in (diff or "").splitlines() if line)


_SKIP = frozenset({".git", ".pitstop"})  # never part of the tree


def tree_files(root: str) -> list[str]:
    """Relative paths of the files a checkout would hold: git's view when ``root`` is a repo."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return _walk(root)
    names = [n.decode("utf-8", "surrogateescape") for n in listed.split(b"\0") if n]
    return sorted(dict.fromkeys(n for n in names if n.split("/")[0] not in _SKIP))


def _walk(root: str) -> list[str]:
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP]
        for name in files:
            found.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(found)
