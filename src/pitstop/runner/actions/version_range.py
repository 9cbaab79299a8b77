"""Version ranges as setup-python and setup-node read them, through the npm ``semver``
package both actions use (``semver.satisfies``): ``>=3.9 <4``, ``^20.1``, ``~1.2``, ``3.x``,
``18 - 20``, alternatives joined by ``||``. A bare version or prefix (``3.12``, ``20``) is
met by every release it begins."""

from __future__ import annotations

import re

_PART = re.compile(r"^(>=|<=|!=|==|~=|>|<|=|\^|~)?\s*v?(\d+(?:\.(?:\d+|[x*]))*)$", re.IGNORECASE)


def is_range(wanted: str) -> bool:
    """A range (``>=3.9 <4``, ``^3.10``) rather than one version or its prefix (``3.12``)."""
    return bool(re.search(r"[<>=!^~\s]", wanted.strip()))


def numbers(text: str) -> tuple[int, ...]:
    """`3.11.7` as (3, 11, 7)."""
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def satisfies(wanted: str, version: str) -> bool:
    """``version`` (``3.11.7``) lies in the range ``wanted``: parts separated by spaces must all
    hold, ``||`` separates alternatives. A part that cannot be read satisfies nothing."""
    have = numbers(version)
    return any(
        _all_hold(alternative.split(), have) for alternative in wanted.split("||") if alternative
    )


def _all_hold(parts: list[str], have: tuple[int, ...]) -> bool:
    if not parts:
        return False
    parts = _hyphen_ranges(parts)
    joined: list[str] = []
    for part in parts:  # ">= 3.9" written with a space: the operator joins its version
        if joined and re.fullmatch(r"(>=|<=|!=|==|~=|>|<|=|\^|~)", joined[-1]):
            joined[-1] += part
        else:
            joined.append(part)
    return all(_holds(part, have) for part in joined)


def _holds(part: str, have: tuple[int, ...]) -> bool:
    if part.lstrip("=") in ("*", "x", "X"):  # any version
        return True
    found = _PART.match(part)
    if not found:
        return False
    operator, text = found.group(1) or "", found.group(2)
    want = numbers(text.split(".x")[0].split(".*")[0].split(".X")[0])
    size = len(want)
    head = have[:size]
    if operator in ("", "=", "=="):  # 3.12, ==3.12.*, 3.x: the numbers given
        return head == want
    if operator == "!=":
        return head != want
    if operator in (">=", ">", "<=", "<"):  # compared on the numbers given: `<3.12` is 3.11.x
        return {">=": head >= want, ">": head > want, "<=": head <= want, "<": head < want}[
            operator
        ]
    if operator == "^":  # semver caret: the same first non-zero number
        upper = want[:1] if want[:1] != (0,) else want[:2]
        return have >= want and have[: len(upper)] == upper
    # "~" (semver tilde: the same major and minor) and "~=" (PEP 440: all but the last number)
    keep = want[:2] if operator == "~" else want[: max(1, size - 1)]
    return have >= want and have[: len(keep)] == keep


def _hyphen_ranges(parts: list[str]) -> list[str]:
    """semver's hyphen range ``18 - 20``: at least 18, at most 20 (any 20.x)."""
    out: list[str] = []
    index = 0
    while index < len(parts):
        if index + 2 < len(parts) and parts[index + 1] == "-":
            out += [f">={parts[index]}", f"<={parts[index + 2]}"]
            index += 3
        else:
            out.append(parts[index])
            index += 1
    return out
