"""A smoke run as people and tools read it: a table with each request's status, duration and
verdict and the suite's p50 and p95, in text, JSON, JUnit XML or Markdown."""

from __future__ import annotations

import datetime
import json
import statistics
import xml.etree.ElementTree as ET

from pitstop.probes.smoke import Result


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def headline(results: list[Result]) -> str:
    failed = sum(1 for r in results if not r.passed)
    durations = [r.duration for r in results]
    return (
        f"{len(results) - failed} of {len(results)} requests passed; "
        f"p50 {percentile(durations, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(durations, 0.95) * 1000:.0f} ms"
    )


def _target(result: Result) -> str:
    request = result.request
    return f"WS {request.path}" if request.websocket else f"{request.method} {request.path}"


def text(results: list[Result]) -> str:
    rows = [["", "request", "", "status", "ms", "tries"]]
    for r in results:
        rows.append(
            [
                "ok" if r.passed else "FAIL",
                r.request.name,
                _target(r),
                "" if r.status is None else str(r.status),
                f"{r.duration * 1000:.0f}",
                str(r.attempts),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    for r in results:
        out += [f"  {r.request.name}: {failure}" for failure in r.failures]
    out.append(f"pitstop smoke: {headline(results)}")
    return "\n".join(out)


def as_json(results: list[Result]) -> str:
    durations = [r.duration for r in results]
    return json.dumps(
        {
            "passed": all(r.passed for r in results),
            "headline": headline(results),
            "p50_ms": round(percentile(durations, 0.5) * 1000, 1),
            "p95_ms": round(percentile(durations, 0.95) * 1000, 1),
            "requests": [
                {
                    "name": r.request.name,
                    "target": _target(r),
                    "passed": r.passed,
                    "status": r.status,
                    "duration_ms": round(r.duration * 1000, 1),
                    "attempts": r.attempts,
                    "failures": r.failures,
                }
                for r in results
            ],
        },
        indent=2,
    )


def markdown(results: list[Result]) -> str:
    mark = "✅" if all(r.passed for r in results) else "❌"
    out = [
        f"### {mark} smoke: {headline(results)}",
        "",
        "| | request | status | ms | tries |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        out.append(
            f"| {'✅' if r.passed else '❌'} | {r.request.name} (`{_target(r)}`) | "
            f"{'' if r.status is None else r.status} | {r.duration * 1000:.0f} | "
            f"{r.attempts} |"
        )
    failures = [f"- **{r.request.name}**: {f}" for r in results for f in r.failures]
    return "\n".join(out + (["", *failures] if failures else [])) + "\n"


def junit(results: list[Result], suite_name: str) -> str:
    failed = sum(1 for r in results if not r.passed)
    total = sum(r.duration for r in results)
    suites = ET.Element(
        "testsuites",
        name="pitstop smoke",
        tests=str(len(results)),
        failures=str(failed),
        time=f"{total:.3f}",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=suite_name,
        tests=str(len(results)),
        failures=str(failed),
        errors="0",
        skipped="0",
        time=f"{total:.3f}",
        timestamp=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
    )
    for r in results:
        case = ET.SubElement(
            suite, "testcase", classname=suite_name, name=r.request.name, time=f"{r.duration:.3f}"
        )
        if not r.passed:
            message = "; ".join(r.failures)
            ET.SubElement(case, "failure", message=message, type="assert").text = "\n".join(
                r.failures
            )
    ET.SubElement(
        suite, "system-out"
    ).text = f"p50 {statistics.median([r.duration for r in results]) * 1000:.1f} ms"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
