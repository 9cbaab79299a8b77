"""Durations as every pitstop option takes them: ``10`` or ``10s`` (seconds), ``500ms``, ``2m``,
``1.5h``, ``90d``, ``2w``."""

from __future__ import annotations

import re

from pitstop.errors import PitstopError

UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")


def parse_duration(text: str) -> float:
    """Seconds; a bad duration raises PitstopError saying what is accepted."""
    found = _DURATION.match(text)
    if found is None:
        raise PitstopError(
            f"{text!r} is not a duration: a number with an optional unit, "
            "ms, s (the default), m, h, d or w (500ms, 10, 2m, 90d)"
        )
    return float(found.group(1)) * UNITS[found.group(2) or "s"]


def shown(seconds: float) -> str:
    """A duration as people read it: the largest unit it is a whole number of, else seconds."""
    for unit in ("w", "d", "h", "m", "s"):
        if seconds >= UNITS[unit] and seconds % UNITS[unit] == 0:
            return f"{int(seconds // UNITS[unit])}{unit}"
    return f"{seconds:g}s"
