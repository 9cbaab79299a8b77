"""Writing a file so that a reader sees the old contents or the new, never half of either; and
several files so that either every one changes or none does."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping


def write_text(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, line endings as given) to ``path`` through a temporary file in the
    same folder, flushed to disk and renamed over it; an existing file keeps its mode."""
    write_texts({path: text})


def write_texts(texts: Mapping[str, str]) -> None:
    """Write each text to its path, all or none: every new text goes to a temporary file beside
    its target first (where a full disk or a missing folder shows), and only when all are on
    disk are they renamed over their targets (a rename within a folder needs no space). Should
    a rename still fail, the files already replaced get their old contents back from hard links
    taken before the first rename."""
    staged: list[tuple[str, str]] = []
    kept: dict[str, str] = {}
    try:
        for path, text in texts.items():
            staged.append((_stage(path, text), path))
        for _, path in staged:
            kept[path] = _keep(path)
    except BaseException:
        _remove([*(temporary for temporary, _ in staged), *(old for old in kept.values() if old)])
        raise
    done: list[str] = []
    try:
        for temporary, path in staged:
            os.replace(temporary, path)
            done.append(path)
    except BaseException:
        for path in done:  # back to what it was, or gone again when it was new
            if kept[path]:
                os.replace(kept[path], path)
            else:
                _remove([path])
        _remove(temporary for temporary, _ in staged)
        raise
    finally:
        _remove(old for old in kept.values() if old)


def _keep(path: str) -> str:
    """A hard link to ``path``'s current contents, or a copy where the file system has no hard
    links ("" when there is no file yet)."""
    if not os.path.isfile(path):
        return ""
    folder = os.path.dirname(os.path.abspath(path))
    handle, old = tempfile.mkstemp(prefix=".pitstop-old-", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        os.unlink(old)
        os.link(path, old)
    except OSError:
        shutil.copy2(path, old)
    return old


def _remove(paths: Iterable[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _stage(path: str, text: str) -> str:
    """A temporary file beside ``path`` holding ``text``, on disk, with the mode ``path`` has."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".pitstop-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(temporary, 0o666 & ~mask)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary
