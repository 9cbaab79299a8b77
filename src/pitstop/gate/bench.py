"""``pitstop gate bench``: today's benchmark results against a baseline, per benchmark, on one
statistic. A benchmark regressed when its statistic grew by more than the allowed percentage,
as pytest-benchmark's ``--benchmark-compare-fail=STAT:N%`` decides it
(``current / baseline * 100 - 100 > N``), and, where both runs saved their timings, when a
one-sided Mann-Whitney U test says the new timings are slower at the chosen significance, so
noise alone does not fail the gate (scipy, the ``stats`` extra)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from pitstop.errors import PitstopError, Span
from pitstop.gate.bench_model import BenchReport
from pitstop.gate.verdict import Verdict

MIN_SAMPLES = 3  # fewer timings than this on either side: the statistic alone decides


@dataclass
class Comparison:
    name: str
    baseline: float
    current: float
    change: float  # percent: current / baseline * 100 - 100 (inf from a zero baseline)
    p_value: float | None  # one-sided Mann-Whitney U: the current timings are slower
    regressed: bool


@dataclass
class BenchComparison:
    stat: str
    max_regression: float
    compared: list[Comparison]
    added: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def compare(
    current: BenchReport,
    baseline: BenchReport,
    stat: str,
    max_regression: float,
    alpha: float,
) -> BenchComparison:
    test = _mann_whitney()
    result = BenchComparison(stat, max_regression, [])
    untested = 0
    for name, now in current.benchmarks.items():
        before = baseline.benchmarks.get(name)
        if before is None:
            result.added.append(name)
            continue
        for report, bench in ((current, now), (baseline, before)):
            if stat not in bench.stats:
                raise PitstopError(
                    f"{report.format} gives no {stat} for {name}", Span.file_start(report.path)
                )
        a, b = now.stats[stat], before.stats[stat]
        change = (a / b * 100 - 100) if b else math.inf
        grew = change > max_regression
        p_value = None
        if len(now.samples) >= MIN_SAMPLES and len(before.samples) >= MIN_SAMPLES:
            if test is None:
                untested += 1
            else:
                p_value = test(now.samples, before.samples)
        regressed = grew and (p_value is None or p_value < alpha)
        result.compared.append(Comparison(name, b, a, change, p_value, regressed))
    result.gone = [name for name in baseline.benchmarks if name not in current.benchmarks]
    if untested:
        result.notes.append(
            f"{untested} benchmark(s) saved their timings, but scipy is not installed "
            "(pip install 'pitstop[stats]'): the statistic alone decided"
        )
    return result


def _mann_whitney() -> Callable[[list[float], list[float]], float] | None:
    try:
        from scipy.stats import mannwhitneyu  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return None

    def greater(current: list[float], baseline: list[float]) -> float:
        return float(mannwhitneyu(current, baseline, alternative="greater").pvalue)

    return greater


def judge(found: BenchComparison, alpha: float) -> Verdict:
    verdict = Verdict(notes=list(found.notes))
    limit = f"{found.stat} at most {found.max_regression:+g}%"
    for c in found.compared:
        shown = (
            f"{c.name}: {found.stat} {seconds(c.baseline)} -> {seconds(c.current)} "
            f"({c.change:+.1f}%)"
        )
        if c.p_value is not None:
            shown += f", p = {c.p_value:.3g}"
        if c.regressed:
            shown += f": slower by more than {found.max_regression:g}%"
        elif c.change > found.max_regression:
            shown += f": within noise (Mann-Whitney p >= {alpha:g})"
        verdict.check(f"{c.name}: {limit}", not c.regressed, shown)
    if found.added:
        verdict.notes.append(f"new, without a baseline: {', '.join(found.added)}")
    if found.gone:
        verdict.notes.append(f"in the baseline, not run now: {', '.join(found.gone)}")
    return verdict


def seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"
