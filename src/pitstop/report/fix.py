"""What ``pitstop fix`` did, as text: the unified diff (``--dry-run``), the fixes made, those it
could not make and why, what the user must do by hand, and what remains."""

from __future__ import annotations

import difflib
import os
from typing import Any

import click

from pitstop.fix import FixResult, Outcome


def render_diff(result: FixResult, root: str) -> str:
    """A unified diff of every changed file, paths relative to ``root`` (``git apply`` reads it
    from there)."""
    out: list[str] = []
    for path in result.changed:
        name = os.path.relpath(path, root).replace(os.sep, "/")
        out += difflib.unified_diff(
            result.originals[path].splitlines(keepends=True),
            result.texts[path].splitlines(keepends=True),
            f"a/{name}",
            f"b/{name}",
        )
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
    return "".join(out)


def render_summary(
    result: FixResult, root: str, dry_run: bool, unsafe: bool, colour: bool = False
) -> str:
    def style(text: str, **how: Any) -> str:
        return click.style(text, **how) if colour else text

    def where(outcome: Outcome) -> str:
        span = outcome.finding.span
        return f"{os.path.relpath(span.path, root)}:{span.line}:{span.column}"

    verb = "would fix" if dry_run else "fixed"
    files = len(result.changed)
    count = len(result.applied)
    out = [
        style(
            f"{verb} {count} finding{'s' if count != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}" + (":" if count else ""),
            bold=True,
        )
    ]
    out += [
        f"  {where(o)}  {style(o.finding.rule, fg='magenta')}  {o.title}" for o in result.applied
    ]
    if result.refused:
        out.append(style(f"not fixed ({len(result.refused)}):", bold=True))
        out += [
            f"  {where(o)}  {style(o.finding.rule, fg='magenta')}  {o.title}"
            for o in result.refused
        ]
    if result.invalid:
        paths = sorted({p.span.path for p in result.invalid if p.span is not None})
        out.append(style(f"left as they are, not valid ({len(paths)}):", bold=True, fg="red"))
        out += [
            f"  {os.path.relpath(p.span.path, root)}:{p.span.line}:{p.span.column}  {p.message}"
            for p in result.invalid
            if p.span is not None
        ]
    if result.todo:
        out.append(style("to do by hand:", bold=True))
        out += [f"  - {item}" for item in result.todo]
    left = result.unsafe_left()
    if left and not unsafe:
        rules = sorted({f.rule for f in left})
        out.append(
            f"{len(left)} more finding{'s have' if len(left) != 1 else ' has'} an unsafe fix "
            f"({', '.join(rules)}): `pitstop fix --unsafe --dry-run` shows them"
        )
    remaining = result.remaining.findings if result.remaining else []
    out.append(f"{len(remaining)} finding{'s remain' if len(remaining) != 1 else ' remains'}")
    return "\n".join(out)
