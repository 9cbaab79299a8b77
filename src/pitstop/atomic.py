"""Writing a file so that a reader sees the old contents or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile


def write_text(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, line endings as given) to ``path`` through a temporary file in the
    same folder, flushed to disk and renamed over it; an existing file keeps its mode."""
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
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
