"""pytest-benchmark's JSON (``--benchmark-json`` or a saved run, ``--benchmark-autosave``):
``benchmarks``, each with ``fullname`` and ``stats`` (``min``, ``max``, ``mean``, ``median``,
``stddev``, ``iqr``… in seconds) and, with ``--benchmark-save-data``, its timings in
``stats.data`` (pytest-benchmark's docs, "Usage")."""

from __future__ import annotations

from typing import Any

from pitstop.gate.bench_model import STATS, Benchmark, BenchReport


def looks_like(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("benchmarks"), list)
        and "machine_info" in data
    )


def read(data: dict[str, Any], path: str) -> BenchReport:
    found: dict[str, Benchmark] = {}
    for bench in data["benchmarks"]:
        stats = bench["stats"]
        name = str(bench.get("fullname") or bench["name"])
        found[name] = Benchmark(
            name,
            {k: float(stats[k]) for k in STATS if isinstance(stats.get(k), (int, float))},
            [float(t) for t in stats.get("data") or []],
        )
    return BenchReport(path, "pytest-benchmark JSON", found)
