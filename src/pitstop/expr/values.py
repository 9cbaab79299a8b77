"""The values expressions work on, and the runner's rules for coercing and comparing them.

Values are plain JSON-like Python data: ``None``, ``bool``, ``float`` (``int`` is accepted),
``str``, ``list`` and ``dict``. The rules follow ``ExpressionUtility`` and ``EvaluationResult`` in
actions/runner (src/Sdk/DTExpressions2/Expressions2/Sdk/).
"""

from __future__ import annotations

import enum
import math
import re
from typing import Any, TypeAlias

Value: TypeAlias = Any
"""A JSON-like value: None, bool, int/float, str, list or dict."""


class Kind(enum.Enum):
    NULL = "Null"
    BOOLEAN = "Boolean"
    NUMBER = "Number"
    STRING = "String"
    ARRAY = "Array"
    OBJECT = "Object"


class FilteredArray(list[Any]):
    """The array a ``*`` filter yields; further property access maps over its items."""


def kind_of(value: Value) -> Kind:
    if value is None:
        return Kind.NULL
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, (int, float)):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.STRING
    if isinstance(value, list):
        return Kind.ARRAY
    if isinstance(value, dict):
        return Kind.OBJECT
    raise TypeError(f"not an expression value: {type(value).__name__}")


def is_primitive(value: Value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_INT32 = 2**31


def parse_number(text: str) -> float:
    """A string as a number, as the runner's ``ParseNumber`` reads it (NaN when it is none)."""
    s = text.strip()
    if not s:
        return 0.0
    if _DECIMAL.match(s):
        return float(s)
    if _HEX.match(s):
        digits = s[2:].lstrip("0") or "0"
        if len(digits) > 8:
            return math.nan  # beyond Int32
        n = int(digits, 16)
        return float(n - 2**32 if n >= _INT32 else n)  # Int32 hex parsing wraps
    if _OCTAL.match(s):
        n = int(s[2:], 8)
        return float(n) if n < _INT32 else math.nan
    if s in ("Infinity", "+Infinity"):
        return math.inf
    if s == "-Infinity":
        return -math.inf
    return math.nan


def to_number(value: Value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return parse_number(value)
    return math.nan


def format_number(number: float) -> str:
    """Format like .NET's ``G15``: 15 significant digits, no trailing zeros, ``0`` for -0."""
    if number != number:
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    return f"{number:.15g}".replace("e", "E")


def to_string(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(float(value))
    if isinstance(value, str):
        return value
    return "Array" if isinstance(value, list) else "Object"


def truthy(value: Value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return not (value == 0 or value != value)
    if isinstance(value, str):
        return value != ""
    return True


DOTLESS_I = "\u0131"


def fold_case(text: str) -> str:
    """Upper-case for case-insensitive comparison; the dotless i stays, as in the runner."""
    if DOTLESS_I not in text:
        return text.upper()
    return DOTLESS_I.join(part.upper() for part in text.split(DOTLESS_I))


def _coerce(left: Value, right: Value) -> tuple[Kind, Value, Kind, Value]:
    """Bring two values to a common kind, like JavaScript's abstract equality without objects."""
    lk, rk = kind_of(left), kind_of(right)
    while lk is not rk:
        if lk is Kind.NUMBER and rk is Kind.STRING:
            right, rk = parse_number(right), Kind.NUMBER
        elif lk is Kind.STRING and rk is Kind.NUMBER:
            left, lk = parse_number(left), Kind.NUMBER
        elif lk in (Kind.NULL, Kind.BOOLEAN):
            left, lk = to_number(left), Kind.NUMBER
        elif rk in (Kind.NULL, Kind.BOOLEAN):
            right, rk = to_number(right), Kind.NUMBER
        else:
            break
    return lk, left, rk, right


def equals(left: Value, right: Value) -> bool:
    lk, lv, rk, rv = _coerce(left, right)
    if lk is not rk:
        return False
    if lk is Kind.NULL:
        return True
    if lk is Kind.NUMBER:
        return bool(lv == rv)  # NaN compares unequal to everything
    if lk is Kind.STRING:
        return fold_case(lv) == fold_case(rv)
    if lk is Kind.BOOLEAN:
        return bool(lv == rv)
    return lv is rv  # arrays and objects: the same instance only


def greater_than(left: Value, right: Value) -> bool:
    lk, lv, rk, rv = _coerce(left, right)
    if lk is not rk:
        return False
    if lk is Kind.NUMBER:
        return bool(lv > rv)
    if lk is Kind.STRING:
        return fold_case(lv) > fold_case(rv)
    if lk is Kind.BOOLEAN:
        return bool(lv and not rv)
    return False


def less_than(left: Value, right: Value) -> bool:
    lk, lv, rk, rv = _coerce(left, right)
    if lk is not rk:
        return False
    if lk is Kind.NUMBER:
        return bool(lv < rv)
    if lk is Kind.STRING:
        return fold_case(lv) < fold_case(rv)
    if lk is Kind.BOOLEAN:
        return bool(not lv and rv)
    return False


def lookup(obj: dict[str, Value], key: str) -> tuple[bool, Value]:
    """Case-insensitive property access: ``(found, value)``."""
    if key in obj:
        return True, obj[key]
    folded = key.casefold()
    for name, value in obj.items():
        if name.casefold() == folded:
            return True, value
    return False, None


def to_json(value: Value, indent: int = 0) -> str:
    """Serialise like the runner's ``toJSON``: two-space indentation, numbers as ``G15``."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{_json_string(k)}: {to_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [pad + to_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    if isinstance(value, str):
        return _json_string(value)
    if value is None or isinstance(value, bool):
        return to_string(value) if value is not None else "null"
    return format_number(float(value))


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
_JSON_ESCAPES["\f"] = "\\f"


def _json_string(text: str) -> str:
    out = []
    for c in text:
        if c in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[c])
        elif ord(c) < 0x20:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'
