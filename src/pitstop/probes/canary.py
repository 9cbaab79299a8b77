"""``pitstop canary``: a canary judged check after check, as Flagger, Argo Rollouts and Kayenta
judge one. Each check queries every metric for the canary (and, to compare, its baseline):

- a threshold holds when the value is inside ``min``/``max``;
- a comparison holds unless a one-sided Mann-Whitney U test finds the canary's samples over the
  window greater than the baseline's at ``alpha`` *and* the canary's median is more than
  ``max-increase`` above the baseline's (Kayenta's judge: significant and large);
- a metric without data makes the check inconclusive.

A check fails when a metric fails. The verdict is **rollback** as soon as
``consecutive-failure-limit`` checks in a row, or ``failure-limit`` in all, have failed;
**inconclusive** when ``inconclusive-limit`` checks in a row had no data; otherwise, after the
last check, **promote**."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from pitstop.errors import PitstopError
from pitstop.probes.canary_config import Canary, Metric
from pitstop.probes.metric_sources import instant, samples

PROMOTE, ROLLBACK, INCONCLUSIVE = "promote", "rollback", "inconclusive"


@dataclass
class Reading:
    metric: str
    value: float | None  # the canary's (a comparison: its median)
    baseline: float | None = None
    p_value: float | None = None
    state: str = "pass"  # pass, fail, no data
    said: str = ""


@dataclass
class CheckResult:
    number: int
    readings: list[Reading]

    @property
    def state(self) -> str:
        states = {r.state for r in self.readings}
        return "fail" if "fail" in states else "no data" if "no data" in states else "pass"


@dataclass
class Analysis:
    verdict: str
    reason: str
    checks: list[CheckResult] = field(default_factory=list)


async def analyse(
    canary: Canary, on_check: Callable[[CheckResult], None] = lambda _: None
) -> Analysis:
    judge = _mann_whitney() if any(m.compare for m in canary.metrics) else None
    failed = in_a_row = dry = 0
    done: list[CheckResult] = []
    async with httpx.AsyncClient(timeout=10) as client:
        for number in range(1, canary.checks + 1):
            if number > 1:
                await asyncio.sleep(canary.interval)
            check = CheckResult(number, [await _read(client, m, judge) for m in canary.metrics])
            done.append(check)
            on_check(check)
            state = check.state
            failed += state == "fail"
            in_a_row = in_a_row + 1 if state == "fail" else 0
            dry = dry + 1 if state == "no data" else 0
            if in_a_row >= canary.consecutive_failure_limit:
                return Analysis(ROLLBACK, f"{in_a_row} failed checks in a row", done)
            if canary.failure_limit is not None and failed >= canary.failure_limit:
                return Analysis(ROLLBACK, f"{failed} failed checks in all", done)
            if dry >= canary.inconclusive_limit:
                return Analysis(INCONCLUSIVE, f"{dry} checks in a row without data", done)
    if all(c.state == "no data" for c in done):
        return Analysis(INCONCLUSIVE, "no check had data", done)
    passed = sum(1 for c in done if c.state == "pass")
    return Analysis(PROMOTE, f"{passed} of {len(done)} checks passed; {failed} failed", done)


async def _read(
    client: httpx.AsyncClient,
    metric: Metric,
    judge: Callable[[list[float], list[float]], float] | None,
) -> Reading:
    if metric.compare:
        assert judge is not None and metric.baseline is not None
        now = await samples(client, metric, metric.query)
        before = await samples(client, metric, metric.baseline)
        if len(now) < 3 or len(before) < 3:
            return Reading(metric.name, None, state="no data", said="fewer than 3 samples")
        a, b = statistics.median(now), statistics.median(before)
        p_value = judge(now, before)
        rise = (a - b) / b if b else float("inf") if a > b else 0.0
        worse = p_value < metric.alpha and rise > metric.max_increase
        reading = Reading(metric.name, a, b, p_value, "fail" if worse else "pass")
        reading.said = f"median {a:.4g} vs baseline {b:.4g} ({rise:+.0%}), p = {p_value:.3g}"
        if worse:
            return reading
        value = a
    else:
        found = await instant(client, metric, metric.query)
        if found is None:
            return Reading(metric.name, None, state="no data", said="no data")
        value = found
        reading = Reading(metric.name, value, said=_within(value, metric))
    if metric.high is not None and value >= metric.high:
        reading.state, reading.said = "fail", f"{value:.4g}, not below {metric.high:g}"
    elif metric.low is not None and value <= metric.low:
        reading.state, reading.said = "fail", f"{value:.4g}, not above {metric.low:g}"
    return reading


def _within(value: float, metric: Metric) -> str:
    """A value that holds, beside its limits: ``0.012 < 0.05``."""
    low = f"{metric.low:g} < " if metric.low is not None else ""
    high = f" < {metric.high:g}" if metric.high is not None else ""
    return f"{low}{value:.4g}{high}"


def _mann_whitney() -> Callable[[list[float], list[float]], float]:
    try:
        from scipy.stats import mannwhitneyu  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise PitstopError(
            "compare: needs scipy for its Mann-Whitney U test: pip install 'pitstop[stats]'"
        ) from None

    def greater(canary: list[float], baseline: list[float]) -> float:
        return float(mannwhitneyu(canary, baseline, alternative="greater").pvalue)

    return greater
