"""What the bench gate shows: its headline, a table of every benchmark compared, and the
figures in the JSON."""

from __future__ import annotations

from typing import Any

from pitstop.gate import output
from pitstop.gate.bench import BenchComparison, seconds
from pitstop.gate.verdict import Verdict


def shown_outcome(
    found: BenchComparison, verdict: Verdict, current: str, baseline: str
) -> output.Outcome:
    regressed = [c for c in found.compared if c.regressed]
    headline = (
        f"{len(regressed)} of {len(found.compared)} benchmark(s) slower than the baseline by "
        f"more than {found.max_regression:g}% on {found.stat}"
    )
    rows = [["benchmark", "baseline", "now", "change", "p", "verdict"]]
    for c in sorted(found.compared, key=lambda c: -c.change):
        rows.append(
            [
                c.name,
                seconds(c.baseline),
                seconds(c.current),
                f"{c.change:+.1f}%",
                "" if c.p_value is None else f"{c.p_value:.3g}",
                "slower" if c.regressed else "ok",
            ]
        )
    figures: dict[str, Any] = {
        "stat": found.stat,
        "max_regression": found.max_regression,
        "current": current,
        "baseline": baseline,
        "benchmarks": [
            {
                "name": c.name,
                "baseline": c.baseline,
                "current": c.current,
                "change": c.change,
                "p_value": c.p_value,
                "regressed": c.regressed,
            }
            for c in found.compared
        ],
        "added": found.added,
        "gone": found.gone,
    }
    return output.Outcome(
        "bench",
        verdict.passed,
        headline,
        figures,
        verdict.checks,
        verdict.notes,
        [output.Table("benchmarks, most slowed first", rows)],
    )
