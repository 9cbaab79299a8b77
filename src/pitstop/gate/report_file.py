"""A report file as the gates read it: its text (or its JSON), or an error naming it when it
cannot be read, is binary, is not UTF-8, is empty or is not valid JSON (placed)."""

from __future__ import annotations

import json
from typing import Any

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


def report_json(path: str, kind: str) -> Any:
    """The parsed JSON of ``path``; a syntax error is placed at its line and column."""
    text = report_text(path, kind)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        line, column = error.lineno, error.colno
        raise PitstopError(
            f"not valid JSON: {error.msg}", Span(path, line, column, line, column)
        ) from None
