"""Baselines: the findings a team has accepted for now, saved so that an audit reports only what
is new. A finding is known by its fingerprint: the rule, the file (relative to the audited
folder), the message, and which occurrence of those three it is. Lines can move and the finding
stays known; a second identical finding in the same file is new. SARIF output uses the same
fingerprints."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from pitstop.atomic import write_text
from pitstop.audit.findings import Finding
from pitstop.errors import PitstopError, Span

VERSION = 1


def fingerprints(findings: Iterable[Finding], root: str) -> list[tuple[Finding, str]]:
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for finding in findings:
        relative = os.path.relpath(finding.span.path, root).replace(os.sep, "/")
        key = (finding.rule, relative, finding.message)
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode()).hexdigest()[:32]
        out.append((finding, digest))
    return out


def write_baseline(path: str, findings: Iterable[Finding], root: str) -> int:
    """Save the findings' fingerprints to ``path`` (atomically); how many were saved."""
    entries = [
        {
            "fingerprint": digest,
            "rule": finding.rule,
            "path": os.path.relpath(finding.span.path, root).replace(os.sep, "/"),
            "message": finding.message,
        }
        for finding, digest in fingerprints(findings, root)
    ]
    data = {"version": VERSION, "tool": "pitstop", "findings": entries}
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return len(entries)


@dataclass(frozen=True)
class Split:
    new: list[Finding]
    known: list[Finding]


def apply_baseline(path: str, findings: list[Finding], root: str) -> Split:
    """The findings not in the baseline at ``path``, and those that are."""
    known = read_baseline(path)
    new: list[Finding] = []
    old: list[Finding] = []
    for finding, digest in fingerprints(findings, root):
        (old if digest in known else new).append(finding)
    return Split(new, old)


def read_baseline(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise PitstopError(f"{path}: cannot read the baseline: {error.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = Span(path, error.lineno, error.colno, error.lineno, error.colno, 0, 0)
        raise PitstopError(f"the baseline is not JSON: {error.msg}", where) from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        where = Span(path, 1, 1, 1, 1, 0, 0)
        raise PitstopError(
            'not a pitstop baseline (expected {"findings": [{"fingerprint": …}]}); write '
            "one with --write-baseline",
            where,
        )
    return {e["fingerprint"] for e in entries}
