"""What Python ``actions/setup-python`` is asked for: the ``python-version`` input or the file
``python-version-file`` names, read as the action reads it (setup-python's ``src/utils.ts``):

- a ``.toml`` file: ``project.requires-python`` when the file has a ``[project]`` table, else
  Poetry's ``tool.poetry.dependencies.python``; a range such as ``>=3.9,<4`` (commas join the
  parts, as the action turns them into one semver range);
- ``Pipfile``: ``[requires]``'s ``python_version`` or ``python_full_version``;
- ``.tool-versions`` (asdf): the first version on its ``python`` line;
- any other file (``.python-version``): one version a line, ``#`` comments and blank lines left
  out, and pyenv's ``3.13/envs/name`` read as 3.13.

The action's own tests (``__tests__/utils.test.ts``) pin these readings down.

Several versions (the input's lines, or the file's): the action installs each and the last
one is the default (its README, "Specifying multiple Python/PyPy version"), so the last is the
one a step's ``python`` runs. A range is met by the newest interpreter on this machine inside it,
as the action picks the newest release inside it (``version_range``).
"""

from __future__ import annotations

import os
import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


def requested(value: str) -> list[str]:
    """The versions of a ``python-version`` input, one a line."""
    return [line.strip() for line in value.splitlines() if line.strip()]


def from_file(path: str) -> list[str]:
    """The versions ``path`` asks for, or [] when it names none. Raises OSError when it cannot
    be read and ValueError when a TOML file does not parse."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    name = os.path.basename(path)
    if name.endswith(".toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
        keys: tuple[str, ...] = ("project", "requires-python")
        if "project" not in data:
            keys = ("tool", "poetry", "dependencies", "python")
        value: object = data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return [" ".join(p.strip() for p in value.split(","))] if isinstance(value, str) else []
    if name == "Pipfile":
        try:
            required = tomllib.loads(text).get("requires", {})
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
        version = required.get("python_version") or required.get("python_full_version")
        return [version] if isinstance(version, str) else []
    if name == ".tool-versions":
        for line in text.splitlines():
            words = line.split()
            if words[:1] == ["python"] and len(words) > 1:
                return [words[1].removeprefix("v")]
        return []
    lines = (line.strip() for line in re.split(r"\r\n|\r|\n", text))
    # pyenv's `3.13/envs/virtualenv` names the Python of a virtualenv
    return [line.split("/", 1)[0] for line in lines if line and not line.startswith("#")]
