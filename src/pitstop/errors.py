"""The one way user-facing errors travel: a sentence and, when known, the place it is about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A region of a file: 1-based line and column of its start and end, 0-based byte offsets."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    @classmethod
    def file_start(cls, path: str) -> Span:
        """The start of a file, for problems about the file as a whole."""
        return cls(path, 1, 1, 1, 1)


class PitstopError(Exception):
    """An error the user can act on; rendered as ``file:line:col: message``."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span

    def __str__(self) -> str:
        return f"{self.span}: {self.message}" if self.span else self.message
