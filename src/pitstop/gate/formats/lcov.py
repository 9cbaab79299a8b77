"""LCOV tracefiles (``geninfo``'s format: lcov's geninfo(1), "FILES"; coverage.py ``coverage
lcov``, Vitest/istanbul ``lcov``): records of ``SF:`` a file, ``DA:line,hits`` its lines,
``BRDA:line,block,branch,taken`` its branches (``-`` never taken), ended by ``end_of_record``."""

from __future__ import annotations

from pitstop.errors import PitstopError, Span
from pitstop.gate.coverage_model import FileCoverage, Report


def looks_like(text: str) -> bool:
    lines = text.lstrip().splitlines()[:50]
    return any(line.startswith("SF:") for line in lines) and "end_of_record" in text


def read(text: str, path: str) -> Report:
    report = Report(path)
    file: FileCoverage | None = None
    branches: dict[int, list[int]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("SF:"):
            file = report.file(line[3:])
            branches = {}
        elif line == "end_of_record":
            if file is not None:
                for at, taken in branches.items():
                    file.add_branches(at, sum(1 for t in taken if t > 0), len(taken))
            file = None
        elif line.startswith(("DA:", "BRDA:")):
            if file is None:
                raise PitstopError(
                    f"'{line[:5]}' outside a file's record (no SF: before it)",
                    Span(path, number, 1, number, 1, 0, 0),
                )
            fields = line.split(":", 1)[1].split(",")
            try:
                if line.startswith("DA:"):
                    file.add_line(int(fields[0]), int(fields[1]))
                else:
                    hits = 0 if fields[3] == "-" else int(fields[3])
                    branches.setdefault(int(fields[0]), []).append(hits)
            except (ValueError, IndexError):
                raise PitstopError(
                    f"malformed LCOV line: {line[:60]}", Span(path, number, 1, number, 1, 0, 0)
                ) from None
    return report
