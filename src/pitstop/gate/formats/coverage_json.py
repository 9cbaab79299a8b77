"""coverage.py's JSON report (``coverage json``, coverage.readthedocs.io, "JSON reporting"):
``files`` by path, each with ``executed_lines`` and ``missing_lines``, and with ``--branch``
``executed_branches`` and ``missing_branches`` as ``[from, to]`` pairs."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pitstop.errors import PitstopError, Span
from pitstop.gate.coverage_model import Report


def looks_like(text: str) -> bool:
    head = text.lstrip()[:4096]
    return head.startswith("{") and '"files"' in text[:1_000_000] and '"meta"' in head


def read(text: str, path: str) -> Report:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise PitstopError(
            f"not valid JSON: {error.msg}",
            Span(path, error.lineno, error.colno, error.lineno, error.colno, error.pos, error.pos),
        ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or "format" not in (data.get("meta") or {}):
        raise PitstopError(
            "not a coverage.py JSON report (no meta.format or files)", Span.file_start(path)
        )
    report = Report(path)
    for name, body in files.items():
        if not isinstance(body, dict):
            continue
        file = report.file(name)
        for line in body.get("executed_lines") or []:
            file.add_line(int(line), 1)
        for line in body.get("missing_lines") or []:
            file.add_line(int(line), 0)
        taken = Counter(int(a) for a, _ in body.get("executed_branches") or [])
        missed = Counter(int(a) for a, _ in body.get("missing_branches") or [])
        for line in set(taken) | set(missed):
            file.add_branches(line, taken[line], taken[line] + missed[line])
    return report
