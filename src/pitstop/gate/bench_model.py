"""Benchmark results as the bench gate compares them: per benchmark, its summary statistics
in seconds and, where the tool saved them, its raw timings."""

from __future__ import annotations

from dataclasses import dataclass, field

STATS = ("min", "max", "mean", "median", "stddev", "iqr")


@dataclass
class Benchmark:
    name: str
    stats: dict[str, float]  # statistic -> seconds
    samples: list[float] = field(default_factory=list)  # seconds, when saved


@dataclass
class BenchReport:
    path: str
    format: str
    benchmarks: dict[str, Benchmark]
    raw: object = None  # the parsed file, written back by --update
