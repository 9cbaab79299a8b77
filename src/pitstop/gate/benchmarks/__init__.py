"""Benchmark results by format, each read into one model (``gate.bench_model``) and detected
from the file's content: adding a format is adding a module here and a line in ``READERS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pitstop.errors import PitstopError, Span
from pitstop.gate.bench_model import BenchReport
from pitstop.gate.benchmarks import hyperfine, pytest_benchmark
from pitstop.gate.report_file import report_json

READERS: tuple[tuple[str, Callable[[Any], bool], Callable[[Any, str], BenchReport]], ...] = (
    ("pytest-benchmark JSON", pytest_benchmark.looks_like, pytest_benchmark.read),
    ("hyperfine JSON", hyperfine.looks_like, hyperfine.read),
)


def read_bench(path: str) -> BenchReport:
    parsed = report_json(path, "benchmark report")
    for name, looks_like, read in READERS:
        if looks_like(parsed):
            try:
                report = read(parsed, path)
            except (KeyError, TypeError, ValueError) as error:
                raise PitstopError(
                    f"a {name} report pitstop cannot read: {type(error).__name__} {error}",
                    Span.file_start(path),
                ) from None
            report.raw = parsed
            return report
    raise PitstopError(
        "not a benchmark report pitstop reads (pytest-benchmark JSON, hyperfine JSON)",
        Span.file_start(path),
    )
