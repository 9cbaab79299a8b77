"""The file commands a step writes to: ``GITHUB_ENV``, ``GITHUB_OUTPUT``, ``GITHUB_STATE``,
``GITHUB_PATH`` and ``GITHUB_STEP_SUMMARY``, parsed as the runner parses them.

Source: actions/runner ``src/Runner.Worker/FileCommandManager.cs``. A line is ``NAME=value`` when
its first ``=`` comes before any ``<<``, otherwise ``NAME<<DELIMITER`` followed by lines up to one
that is exactly the delimiter; the value is the text between, without the newline before the
delimiter. Lines end at ``\\n``; empty lines are skipped. The runner creates fresh, empty files for
each step.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass

# GitHub refuses a step summary larger than this, with an error.
SUMMARY_LIMIT = 1024 * 1024

FILE_VARIABLES = {
    "GITHUB_ENV": "set_env_",
    "GITHUB_OUTPUT": "set_output_",
    "GITHUB_STATE": "save_state_",
    "GITHUB_PATH": "add_path_",
    "GITHUB_STEP_SUMMARY": "step_summary_",
}


class FileCommandError(Exception):
    """A file command the runner would refuse; the step fails with this message."""


def parse_key_values(text: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs in a ``GITHUB_ENV``/``GITHUB_OUTPUT``/``GITHUB_STATE`` file."""
    pairs: list[tuple[str, str]] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the text ended with a newline
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        equals = line.find("=")
        heredoc = line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = line[:equals], line[equals + 1 :]
            if not name:
                raise FileCommandError(f"Invalid format '{line}'. Name must not be empty")
            pairs.append((name, value))
        elif heredoc >= 0:
            name, delimiter = line[:heredoc], line[heredoc + 2 :]
            if not name or not delimiter:
                raise FileCommandError(
                    f"Invalid format '{line}'. Name must not be empty and delimiter must not be "
                    "empty"
                )
            body: list[str] = []
            while True:
                if i >= len(lines):
                    raise FileCommandError(
                        f"Invalid value. Matching delimiter not found '{delimiter}'"
                    )
                candidate = lines[i]
                i += 1
                if candidate == delimiter:
                    break
                body.append(candidate)
            pairs.append((name, "\n".join(body)))
        else:
            raise FileCommandError(f"Invalid format '{line}'")
    return pairs


def parse_path_file(text: str) -> list[str]:
    """Folders added by ``GITHUB_PATH``, one per non-empty line, in the order written."""
    return [line for line in text.split("\n") if line]


@dataclass(frozen=True)
class StepFiles:
    """The five files of one step: created empty before it runs, read after it ends."""

    paths: dict[str, str]  # variable name -> file path

    @classmethod
    def create(cls, folder: str) -> StepFiles:
        os.makedirs(folder, exist_ok=True)
        suffix = uuid.uuid4().hex
        paths = {}
        for variable, prefix in FILE_VARIABLES.items():
            path = os.path.join(folder, prefix + suffix)
            with open(path, "w", encoding="utf-8"):
                pass
            paths[variable] = path
        return cls(paths)

    def read(self, variable: str) -> str:
        try:
            with open(self.paths[variable], encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except FileNotFoundError:
            return ""

    def size(self, variable: str) -> int:
        try:
            return os.path.getsize(self.paths[variable])
        except OSError:
            return 0

    def remove(self) -> None:
        for path in self.paths.values():
            with contextlib.suppress(OSError):
                os.remove(path)
