"""How an action reads a boolean input it is given in `with:`: the words that mean true and
false, as the knowledge tables' actions take them (@actions/core's getBooleanInput reads
true/True/TRUE and false/False/FALSE; the actions pitstop knows also take yes/no, on/off, 1/0,
and an empty value as false)."""

from __future__ import annotations

FALSE = frozenset({"false", "no", "off", "0", ""})
TRUE = frozenset({"true", "yes", "on", "1"})


def input_text(value: object) -> str:
    """An input's value as the action compares it: YAML's booleans as `true`/`false`, text
    without surrounding quotes, lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip().strip("'\"").lower()
