"""A dotted path into JSON, as the probes write it (``checks.0.db``, ``items.-1.qty``): keys of
objects, indexes of arrays (negative from the end)."""

from __future__ import annotations

from typing import Any

MISSING = object()  # the path leads nowhere


def dig(data: Any, path: list[str]) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif (
            isinstance(data, list)
            and part.lstrip("-").isdigit()
            and -len(data) <= int(part) < len(data)
        ):
            data = data[int(part)]
        else:
            return MISSING
    return data
