"""One pull-request comment from pitstop's JSON reports: a table with a line per report (a run,
an audit, each gate) and, below it, each report's details folded. GitHub takes at most 65,536
characters in a comment body (the REST API refuses more: "body is too long (maximum is 65536
characters)"); the details are cut first, saying so. A hidden marker lets a later call find
and update the same comment instead of adding another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pitstop.errors import PitstopError, Span
from pitstop.gate.report_file import report_json

LIMIT = 65536
MARKER = "<!-- pitstop-summary{} -->"


@dataclass
class Part:
    kind: str  # run, audit, gate <name>
    passed: bool | None  # None: not a pass/fail thing (an audit's score)
    headline: str
    details: str  # Markdown


def marker(name: str = "") -> str:
    return MARKER.format(f":{name}" if name else "")


def read_part(path: str) -> Part:
    data = report_json(path, "pitstop report")
    if isinstance(data, dict) and "gate" in data and "checks" in data:
        return _gate(data)
    if isinstance(data, dict) and "scorecard" in data and "findings" in data:
        return _audit(data)
    if isinstance(data, dict) and "jobs" in data and "headline" in data:
        return _run(data)
    raise PitstopError(
        "not a pitstop report: give the JSON of pitstop run (its report.json), "
        "pitstop audit --format json, or a gate's --format json",
        Span.file_start(path),
    )


def _gate(data: dict[str, Any]) -> Part:
    lines = [f"- {'✅' if c['passed'] else '❌'} {c['detail']}" for c in data["checks"]]
    lines += [f"- {note}" for note in data.get("notes", [])]
    return Part(
        f"gate {data['gate']}", bool(data["passed"]), str(data["headline"]), "\n".join(lines)
    )


def _audit(data: dict[str, Any]) -> Part:
    card = data["scorecard"]
    findings = data["findings"]
    by_severity: dict[str, int] = {}
    for finding in findings:
        by_severity[finding["severity"]] = by_severity.get(finding["severity"], 0) + 1
    counts = ", ".join(
        f"{by_severity[s]} {s}" for s in ("high", "medium", "low") if s in by_severity
    )
    headline = f"score {card['overall']} / 10, {len(findings)} finding(s)" + (
        f" ({counts})" if counts else ""
    )
    rows = ["| category | score | findings |", "|---|---|---|"]
    rows += [
        f"| {r['category']} | {r['score'] if r['score'] is not None else 'n/a'} | {r['findings']} |"
        for r in card["categories"]
    ]
    worst = [
        f"- **{f['severity']}** `{f['rule']}` {f['path']}:{f['line']}: {f['message']}"
        for f in findings[:20]
    ]
    if len(findings) > 20:
        worst.append(f"- … and {len(findings) - 20} more")
    return Part("audit", None, headline, "\n".join([*rows, "", *worst]))


def _run(data: dict[str, Any]) -> Part:
    rows = ["| job | result |", "|---|---|"]
    rows += [f"| {job['name']} | {job.get('result', '')} |" for job in data["jobs"]]
    result = str(data.get("result", ""))
    return Part(
        f"run {data.get('id', '')}".strip(),
        result == "success",
        str(data["headline"]),
        "\n".join(rows),
    )


def compose(parts: list[Part], name: str = "", limit: int = LIMIT) -> str:
    """The comment body, within ``limit`` characters."""
    failed = [p for p in parts if p.passed is False]
    mark = "❌" if failed else "✅"
    title = f"## {mark} pitstop: " + (
        f"{len(failed)} of {len(parts)} failed"
        if failed
        else f"{len(parts)} report(s), none failed"
    )
    table = ["| | report | result |", "|---|---|---|"]
    for part in parts:
        icon = {True: "✅", False: "❌", None: "📋"}[part.passed]
        headline = part.headline.replace("|", "\\|")
        table.append(f"| {icon} | {part.kind} | {headline} |")
    head = "\n".join([marker(name), title, "", *table, ""]) + "\n"
    details = [
        f"<details><summary>{p.kind}</summary>\n\n{p.details}\n\n</details>\n" for p in parts
    ]
    body = head + "".join(details)
    if len(body) <= limit:
        return body
    note = (
        "\n_(cut to GitHub's 65,536 characters: the details of {} report(s) left out; "
        "the full reports are the job's files)_\n"
    )
    room = limit - len(head) - len(note.format(len(parts)))
    kept: list[str] = []
    for block in details:
        if len(block) > room:
            break
        kept.append(block)
        room -= len(block)
    return head + "".join(kept) + note.format(len(parts) - len(kept))
