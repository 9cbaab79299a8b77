"""hyperfine's JSON (``hyperfine --export-json``): ``results``, one per command, with
``mean``, ``stddev``, ``median``, ``min`` and ``max`` in seconds and every run's time in
``times`` (hyperfine's README, "Export results")."""

from __future__ import annotations

from typing import Any

from pitstop.gate.bench_model import STATS, Benchmark, BenchReport


def looks_like(data: Any) -> bool:
    results = data.get("results") if isinstance(data, dict) else None
    return (
        isinstance(results, list)
        and bool(results)
        and all(isinstance(r, dict) and "command" in r and "mean" in r for r in results)
    )


def read(data: dict[str, Any], path: str) -> BenchReport:
    found: dict[str, Benchmark] = {}
    for result in data["results"]:
        name = str(result["command"])
        found[name] = Benchmark(
            name,
            {k: float(result[k]) for k in STATS if isinstance(result.get(k), (int, float))},
            [float(t) for t in result.get("times") or []],
        )
    return BenchReport(path, "hyperfine JSON", found)
