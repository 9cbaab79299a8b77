"""Reading ``run:`` scripts the way a reviewer does: commands line by line, with what a loop or
``|| true`` does to them. Heuristics, not a shell parser; rules state their confidence."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pitstop.audit.locate import fragment_span

if TYPE_CHECKING:
    from pitstop.audit.repo import StepPlace
    from pitstop.errors import Span

_LOOP_START = re.compile(r"^\s*(while|until|for)\b")
_DONE = re.compile(r"(^|[;\s])done(\s|;|$)")
SOFT_FAIL = re.compile(r"\|\|\s*(true\b|exit\s+0\b|echo\b|:(\s|$))")


@dataclass(frozen=True)
class Command:
    text: str  # one command, stripped
    line: int  # 0-based line of the script it is on
    in_loop: bool
    offset: int  # where the command starts in the script


@lru_cache(maxsize=8192)
def commands(script: str) -> tuple[Command, ...]:
    """Each command of a script (lines split further at ``;``, ``&&`` and ``||``), whether it
    is inside a ``while``/``until``/``for`` loop, and where it is. Many rules read the same
    scripts: each is split once."""
    return tuple(_commands(script))


def _commands(script: str) -> Iterator[Command]:
    depth = 0
    position = 0
    joined = script.replace("\\\n", "  ")  # continuation lines read as one, offsets kept
    for number, line in enumerate(joined.split("\n")):
        code = _strip_comment(line)
        if _LOOP_START.match(code):
            depth += 1
        cursor = 0
        for part in _split(code):
            if part in (";", "&&", "||", "|"):
                cursor += len(part)
                continue
            text = part.strip()
            if text and text not in ("do", "done", "then", "fi", "else"):
                words = text.split()
                if words[0] in ("do", "then", "else"):
                    text = " ".join(words[1:])
                if text:
                    inside = depth > 0 and not _LOOP_START.match(text)  # a loop's own head
                    yield Command(text, number, inside, position + cursor + part.find(text))
            cursor += len(part)
        if _DONE.search(code):
            depth = max(0, depth - len(_DONE.findall(code)))
        position += len(line) + 1


SEPARATOR = re.compile(r"(;|&&|\|\||\|)")


def _split(code: str) -> list[str]:
    """A line's commands and the separators between them (`;`, `&&`, `||`, `|`), as
    ``re.split`` with the separators kept gives them, but not split inside quotes (reflex's
    `grep -vE 'pyright|ruff'` is one command)."""
    if "'" not in code and '"' not in code:
        return SEPARATOR.split(code)
    parts: list[str] = []
    start = 0
    for found in SEPARATOR.finditer(code):
        if found.start() < start or inside_quotes(code, found.start()):
            continue
        parts += [code[start : found.start()], found.group(0)]
        start = found.end()
    return [*parts, code[start:]]


def inside_quotes(text: str, position: int) -> bool:
    """Whether ``position`` of a line falls inside a quoted string."""
    quote = ""
    for index, char in enumerate(text[:position]):
        if quote:
            if char == quote and (quote == "'" or text[index - 1] != "\\"):
                quote = ""
        elif char in "'\"" and (index == 0 or text[index - 1] != "\\"):
            quote = char
    return bool(quote)


def located_commands(place: StepPlace) -> Iterator[tuple[Command, Span]]:
    """The commands of a step's ``run:`` script, each with its span in the file."""
    script = place.step.run
    node = place.step.node.get("run")
    if not script or node is None:
        return
    after = 0
    for command in commands(script):
        where = fragment_span(place.doc, node, command.text, after)
        after = where.end - node.start.offset
        yield command, where


# Programs that read or print text: a tool's name among their arguments runs nothing (reflex's
# `grep -vE 'pyright|ruff' || true` filters a list of outdated packages).
TEXT_TOOLS = frozenset("grep egrep fgrep rg sed awk echo printf jq yq cat test [ [[".split())


# Programs that make, move or remove files and run nothing else (`find`, which can `-exec`, and
# `xargs` are not among them).
FILE_TOOLS = frozenset("mkdir rm rmdir cp mv touch ls ln chmod chown cd tee head tail wc".split())


def runs_no_program(command: str) -> bool:
    """Whether the command's program only reads or prints text, or makes, moves or removes
    files (``TEXT_TOOLS``, ``FILE_TOOLS``): a test tool's name in it is a word or a path
    (`mkdir -p ./coverage/vitest`), not a run."""
    said = command.split(maxsplit=1)
    return bool(said) and (said[0] in TEXT_TOOLS or said[0] in FILE_TOOLS)


@lru_cache(maxsize=16384)
def words(command: str) -> tuple[str, ...]:
    """A command's words as the shell splits them (quotes removed, comments dropped)."""
    if not any(c in command for c in "'\"\\#"):
        return tuple(command.split())  # nothing for shlex to do
    try:
        return tuple(shlex.split(command, comments=True))
    except ValueError:
        return tuple(command.split())


def _strip_comment(line: str) -> str:
    if "#" not in line:
        return line
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line
