"""``hashFiles(pattern, …)`` as the runner computes it.

The runner (src/Misc/expressionFunc/hashFiles/src/hashFiles.ts) globs with @actions/glob: patterns
are rooted at the workspace, ``!`` patterns exclude, later patterns win, dot files match, and a
pattern that matches a directory matches everything below it. Files are visited depth first in
byte order of their names; each file's SHA-256 digest is fed into one SHA-256, returned in hex.
No match gives ``''``. Only files inside the workspace count.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
from collections.abc import Iterator, Sequence

from pitstop.expr.values import Value, to_string

_FOLLOW_LINKS = "--follow-symbolic-links"


def hash_files(workspace: str, args: Sequence[Value]) -> str:
    patterns = [to_string(a) for a in args]
    follow = bool(patterns) and patterns[0] == _FOLLOW_LINKS
    if follow:
        patterns = patterns[1:]
    root = os.path.realpath(workspace)
    compiled = [_compile(root, line) for p in patterns for line in p.splitlines()]
    rules = [c for c in compiled if c is not None]
    total = hashlib.sha256()
    count = 0
    for path, parts in _walk(root, follow):
        if _selected(rules, parts):
            total.update(_file_digest(path))
            count += 1
    return total.hexdigest() if count else ""


def _compile(root: str, line: str) -> tuple[bool, tuple[str, ...]] | None:
    """A pattern line as (negated, segments relative to the workspace); None for blanks/comments."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    negated = False
    while text.startswith("!"):
        negated = not negated
        text = text[1:]
    absolute = os.path.normpath(os.path.join(root, text))
    relative = os.path.relpath(absolute, root) if absolute != root else ""
    if relative.startswith(".."):
        return negated, ("\0outside",)  # can never match a file in the workspace
    return negated, tuple(s for s in relative.split(os.sep) if s)


def _selected(rules: list[tuple[bool, tuple[str, ...]]], parts: tuple[str, ...]) -> bool:
    chosen = False
    for negated, segments in rules:
        if _matches_or_below(segments, parts):
            chosen = not negated
    return chosen


def _matches_or_below(segments: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    # Implicit descendants: a pattern also matches whatever lies below what it matches.
    return any(_match(segments, parts[:k]) for k in range(len(parts), 0, -1))


@functools.lru_cache(maxsize=4096)
def _match(segments: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    if not segments:
        return not parts
    head, rest = segments[0], segments[1:]
    if head == "**":
        return any(_match(rest, parts[k:]) for k in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _match(rest, parts[1:])


def _walk(
    directory: str, follow: bool, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Files below ``directory``, depth first, names in byte order, as (path, relative parts).

    A link to a file counts as that file; a link to a directory is entered only with ``follow``.
    """
    try:
        names = sorted(os.listdir(directory), key=os.fsencode)
    except OSError:
        return
    for name in names:
        path = os.path.join(directory, name)
        parts = (*prefix, name)
        if os.path.isdir(path):
            if follow or not os.path.islink(path):
                yield from _walk(path, follow, parts)
        elif os.path.isfile(path):
            yield path, parts


def _file_digest(path: str) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.digest()
