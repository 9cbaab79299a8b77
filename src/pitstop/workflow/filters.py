"""GitHub's filter patterns for branches, tags and paths, and the trigger decisions built on them.

Pattern syntax (docs: "Workflow syntax for GitHub Actions", filter pattern cheat sheet): ``*``
matches any characters but ``/``; ``**`` any characters; ``?`` makes the preceding character
optional; ``+`` repeats it one or more times; ``[...]`` is a character class; ``\\`` escapes; a
leading ``!`` negates. In a list, patterns apply in order and the last one that matches decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@functools.lru_cache(maxsize=2048)
@functools.lru_cache(maxsize=8192)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression for one filter pattern (without its leading ``!``)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                if pattern.startswith("**/", i):
                    out.append("(?:.*/)?")  # zero or more whole folders
                    i += 3
                else:
                    out.append(".*")
                    i += 2
            else:
                out.append("[^/]*")
                i += 1
        elif c in "?+":
            out.append(c if out else re.escape(c))  # a quantifier on the previous atom
            i += 1
        elif c == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1 : close].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = close + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(patterns: Sequence[str], value: str) -> bool:
    """Whether ``value`` is selected by the ordered list ``patterns`` (``!`` excludes)."""
    selected = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        body = pattern[1:] if negated else pattern
        if compile_pattern(body).match(value):
            selected = not negated
    return selected


def escape_pattern(name: str) -> str:
    """``name`` as a filter pattern that matches it alone: its special characters escaped
    (`C++` is `C\\+\\+`), and a leading `!` too."""
    escaped = re.sub(r"([*?+\[\]\\])", r"\\\1", name)
    return "\\" + escaped if escaped.startswith("!") else escaped


def names_workflow(patterns: Sequence[str], name: str) -> bool:
    """Whether a ``workflow_run`` trigger's ``workflows:`` names the workflow ``name``. GitHub
    reads each entry as a filter pattern (`CI*` names "CI Linux"; a `+` must be escaped:
    actions/runner#3763, where `C++` fails to parse and the trigger names nothing; GitHub's
    docs pull request github/docs#37022). GitHub compares them without case: its error for that
    `C++` quotes it as "c++". A pattern that cannot be read names nothing."""
    for pattern in patterns:
        try:
            if compile_pattern(pattern.lower()).match(name.lower()):
                return True
        except re.error:
            continue
    return False


@dataclass(frozen=True)
class Decision:
    """Whether an event starts a workflow, and the sentence that says why."""

    runs: bool
    reason: str


def ref_filter(
    kind: str, include: Sequence[str] | None, ignore: Sequence[str] | None, name: str
) -> Decision:
    """Apply ``branches``/``branches-ignore`` (or ``tags``/``tags-ignore``) to a ref name."""
    key = {"branch": "branches", "tag": "tags"}.get(kind, kind + "s")
    if include is not None:
        if matches(include, name):
            return Decision(True, f"{kind} '{name}' matches {key}: {_show(include)}")
        return Decision(False, f"{kind} '{name}' does not match {key}: {_show(include)}")
    if ignore is not None:
        if matches(ignore, name):
            return Decision(False, f"{kind} '{name}' matches {key}-ignore: {_show(ignore)}")
        return Decision(True, f"{kind} '{name}' is not in {key}-ignore: {_show(ignore)}")
    return Decision(True, f"no {kind} filter")


def path_filter(
    include: Sequence[str] | None, ignore: Sequence[str] | None, changed: Iterable[str]
) -> Decision:
    """Apply ``paths`` / ``paths-ignore`` to the changed files.

    ``paths``: runs when at least one changed file matches. ``paths-ignore``: runs unless every
    changed file matches.
    """
    files = list(changed)
    if include is not None:
        hits = [f for f in files if matches(include, f)]
        if hits:
            more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
            return Decision(True, f"'{hits[0]}'{more} matches paths: {_show(include)}")
        return Decision(False, f"none of the {_count(files)} matches paths: {_show(include)}")
    if ignore is not None:
        kept = [f for f in files if not matches(ignore, f)]
        if kept:
            return Decision(True, f"'{kept[0]}' is not in paths-ignore: {_show(ignore)}")
        if not files:
            return Decision(False, f"no file changed outside paths-ignore: {_show(ignore)}")
        return Decision(
            False, f"every one of the {_count(files)} matches paths-ignore: {_show(ignore)}"
        )
    return Decision(True, "no path filter")


def _count(files: list[str]) -> str:
    return "1 changed file" if len(files) == 1 else f"{len(files)} changed files"


def _show(patterns: Sequence[str]) -> str:
    return "[" + ", ".join(patterns) + "]"
