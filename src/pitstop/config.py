"""Project settings: ``[tool.pitstop]`` in ``pyproject.toml``, or ``.pitstop.toml`` whose tables
stand at the top level (``[audit]``). ``.pitstop.toml`` wins when both exist. Errors carry
``file:line:col``."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from pitstop.errors import PitstopError, Span

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")
SECTIONS = ("audit", "gate")  # the tables pitstop reads


@dataclass(frozen=True)
class Settings:
    """The ``[tool.pitstop]`` table and the file it came from (None: no settings file)."""

    table: dict[str, Any]
    path: str | None
    text: str = ""

    def section(self, name: str) -> dict[str, Any]:
        value = self.table.get(name, {})
        if not isinstance(value, dict):
            raise self.error(f"[{name}] must be a table", name)
        return value

    def error(self, message: str, key: str) -> PitstopError:
        """An error about ``key``, placed at the first line that names it."""
        path = self.path or "pyproject.toml"
        for number, line in enumerate(self.text.splitlines(), start=1):
            column = line.find(key)
            if column >= 0 and not line.lstrip().startswith("#"):
                return PitstopError(message, Span(path, number, column + 1, number, column + 1))
        return PitstopError(message, Span.file_start(path))


def load_settings(root: str = ".") -> Settings:
    own = os.path.join(root, ".pitstop.toml")
    if os.path.isfile(own):
        text, data = read_toml(own)
        return _known(Settings(data, own, text), "")
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        text, data = read_toml(pyproject)
        tool = data.get("tool", {})
        table = tool.get("pitstop", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise PitstopError("[tool.pitstop] must be a table", Span.file_start(pyproject))
        return _known(Settings(table, pyproject, text), "tool.pitstop.")
    return Settings({}, None)


def _known(settings: Settings, prefix: str) -> Settings:
    """Settings whose every table pitstop reads: a misplaced one is an error, not ignored."""
    for name in settings.table:
        if name not in SECTIONS:
            known = ", ".join(f"[{prefix}{s}]" for s in SECTIONS)
            raise settings.error(f"unknown table [{prefix}{name}] (pitstop reads {known})", name)
    return settings


def read_toml(path: str) -> tuple[str, dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise PitstopError(f"cannot read: {error}", Span.file_start(path)) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _WHERE.search(message)
        if where is None and message.endswith("(at end of document)"):
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
            message = message.removesuffix("(at end of document)").strip() + " at end of file"
            raise PitstopError(message, Span(path, line, column, line, column)) from None
        if where is None:
            raise PitstopError(message, Span.file_start(path)) from None
        line, column = int(where.group(1)), int(where.group(2))
        message = message[: where.start()].strip()
        raise PitstopError(message, Span(path, line, column, line, column)) from None
