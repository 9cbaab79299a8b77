"""Replaces every secret and ``::add-mask::`` value with ``***`` before text leaves the runner.

As the runner's SecretMasker does (actions/runner ``Worker.cs``, ``SecretMasker``), each secret is
masked as written, line by line when it spans several lines, and in the encodings a step is likely
to print it in: base64, JSON string escaping and URL escaping.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse

MASK = "***"


def _variants(value: str) -> set[str]:
    found = {value}
    found.update(line for line in re.split(r"[\r\n]+", value) if line.strip())
    raw = value.encode("utf-8")
    found.add(base64.b64encode(raw).decode("ascii").rstrip("="))
    found.add(json.dumps(value)[1:-1])
    found.add(urllib.parse.quote(value, safe=""))
    return {v for v in found if v.strip()}


class Masker:
    """A growing set of values to hide; thread-safe, since jobs log in parallel."""

    def __init__(self, values: list[str] | None = None) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()
        for value in values or []:
            self.add(value)

    def add(self, value: str) -> None:
        if not value or not value.strip():
            return
        with self._lock:
            new = _variants(value) - self._values
            if not new:
                return
            self._values |= new
            ordered = sorted(self._values, key=len, reverse=True)  # longest first
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    @property
    def values(self) -> frozenset[str]:
        return frozenset(self._values)

    def mask(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub(MASK, text)
