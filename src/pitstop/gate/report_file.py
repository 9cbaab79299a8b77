"""A report file as the gates read it: its text, or an error naming it when it cannot be read,
is binary, is not UTF-8 or is empty."""

from __future__ import annotations

from pitstop.errors import PitstopError, Span


def report_text(path: str, kind: str) -> str:
    """The text of ``path``, a ``kind`` ("coverage report", "scanner report")."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise PitstopError(f"cannot read: {error.strerror}", Span.file_start(path)) from None
    if b"\0" in data[:8192]:
        raise PitstopError(f"not a {kind}: a binary file", Span.file_start(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PitstopError(f"not a {kind}: not UTF-8 text", Span.file_start(path)) from None
    if not text.strip():
        raise PitstopError(f"not a {kind}: the file is empty", Span.file_start(path))
    return text
