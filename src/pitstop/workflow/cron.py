"""POSIX cron as ``on.schedule`` takes it (docs: "Events that trigger workflows", schedule).

Five fields (minute, hour, day of month, month, day of week), each ``*``, a value, a range
``a-b``, a step ``x/n`` and lists joined by ``,``. Months take JAN-DEC, days of the week SUN-SAT.
"""

from __future__ import annotations

from collections.abc import Sequence

_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()),
    ("day of week", 0, 6, "SUN MON TUE WED THU FRI SAT".split()),
)


def cron_error(expression: str) -> str | None:
    """Why ``expression`` is not a cron schedule GitHub accepts, or ``None`` when it is one."""
    fields = expression.split()
    if len(fields) != 5:
        return f"expected 5 fields (minute hour day month weekday), found {len(fields)}"
    for text, (name, low, high, names) in zip(fields, _FIELDS, strict=True):
        for part in text.split(","):
            problem = _part_error(part, low, high, names)
            if problem:
                return f"{name} field '{text}': {problem}"
    return None


def _value(text: str, low: int, high: int, names: Sequence[str]) -> int | None:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + low
    if text.isdigit() and low <= int(text) <= high:
        return int(text)
    return None


def _part_error(part: str, low: int, high: int, names: Sequence[str]) -> str | None:
    base, slash, step = part.partition("/")
    if slash and (not step.isdigit() or int(step) == 0):
        return f"'{step}' is not a step (a whole number above 0)"
    if base == "*":
        return None
    first, dash, last = base.partition("-")
    start = _value(first, low, high, names)
    if start is None:
        return f"'{first}' is not between {low} and {high}"
    if dash:
        end = _value(last, low, high, names)
        if end is None:
            return f"'{last}' is not between {low} and {high}"
        if end < start:
            return f"the range '{base}' runs backwards"
    return None
