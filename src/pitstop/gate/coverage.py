"""``pitstop gate coverage``: coverage reports merged, their files found in the repository, and
the figures held against a minimum and a ratchet that only goes up."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache

from pitstop.atomic import write_text
from pitstop.errors import PitstopError, Span
from pitstop.gate.coverage_model import FileCoverage, Report, percent
from pitstop.gate.formats import read_report
from pitstop.git import git
from pitstop.workflow.repository import SKIP_DIRS


@dataclass
class Coverage:
    files: dict[str, FileCoverage]  # by path in the repository (or as reported, when not found)
    reports: list[Report]
    outside: list[str] = field(default_factory=list)  # reported files not in the repository

    @property
    def lines(self) -> tuple[int, int]:
        return sum(f.covered for f in self.files.values()), sum(
            len(f.lines) for f in self.files.values()
        )

    @property
    def branches(self) -> tuple[int, int]:
        return sum(f.branches_taken for f in self.files.values()), sum(
            f.branches_total for f in self.files.values()
        )

    def worst(self, count: int = 10) -> list[FileCoverage]:
        ranked = [f for f in self.files.values() if f.lines]
        ranked.sort(key=lambda f: (f.covered / len(f.lines), -len(f.lines), f.path))
        return ranked[:count]


def load(paths: list[str], root: str) -> Coverage:
    """The reports at ``paths`` merged, each file under its path in the repository at ``root``
    (or at the top of the git repository ``root`` is in).
    Raises PitstopError when a report cannot be read, or when none of a report's files is in
    the repository (a report from another checkout would otherwise read as 0%)."""
    reports = [read_report(path) for path in paths]
    files: dict[str, FileCoverage] = {}
    outside: list[str] = []
    top = git("rev-parse", "--show-toplevel", cwd=root)
    for report in reports:
        found = 0
        for name, file in report.files.items():
            mapped = repository_path(name, root, report.sources)
            if mapped is None and top and os.path.abspath(top) != os.path.abspath(root):
                # run from a folder of the repository: its files are found from the top too
                mapped = repository_path(name, top, report.sources)
            if mapped is None:
                outside.append(name)
                mapped = name
            else:
                found += 1
            files.setdefault(mapped, FileCoverage(mapped)).merge(file)
        if report.files and not found:
            first = next(iter(report.files))
            raise PitstopError(
                f"none of the {len(report.files)} files this {report.format} report names is in "
                f"the repository at {root} (the first: {first}); run the gate where the code is, "
                "or from the folder the report's paths are relative to",
                Span.file_start(report.path),
            )
    return Coverage(files, reports, outside)


def repository_path(name: str, root: str, sources: list[str]) -> str | None:
    """Where a reported file is in the repository, relative to ``root`` with ``/``: as written,
    joined to one of the report's source roots, or, for an absolute path from another machine
    (``/home/runner/work/app/app/src/x.py``), its longest tail that is a file here."""
    root = os.path.abspath(root)
    candidates = [name] + [os.path.join(source, name) for source in sources]
    for candidate in candidates:
        full = candidate if os.path.isabs(candidate) else os.path.join(root, candidate)
        full = os.path.normpath(full)
        if full.startswith(root + os.sep) and os.path.isfile(full):
            return os.path.relpath(full, root).replace(os.sep, "/")
    for candidate in candidates:
        parts = candidate.replace("\\", "/").split("/")
        for start in range(1, len(parts)):
            tail = os.path.join(root, *parts[start:])
            if os.path.isfile(tail):
                return os.path.relpath(tail, root).replace(os.sep, "/")
    # a path relative to a source root the report does not name (JaCoCo's `com/x/A.java` under
    # src/main/java): the one file of the repository that ends with it
    ending = "/" + name.replace("\\", "/").lstrip("/")
    found = [f for f in _files(root) if ("/" + f).endswith(ending)]
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=4)
def _files(root: str) -> tuple[str, ...]:
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        found += [n if rel == "." else f"{rel}/{n}" for n in names]
    return tuple(found)


@dataclass
class Verdict:
    passed: bool
    reasons: list[str]  # why it failed, one a limit
    notes: list[str]  # what the reader should know (a baseline written, files left outside)


def judge(
    coverage: Coverage,
    min_line: float | None,
    min_branch: float | None,
    ratchet: str | None,
    slack: float,
    update: bool,
) -> Verdict:
    """Hold the figures against the limits. The ratchet's baseline only goes up: a drop of more
    than ``slack`` percentage points fails, a rise is written back only with ``update``."""
    line = percent(*coverage.lines)
    branch = percent(*coverage.branches)
    reasons: list[str] = []
    notes: list[str] = []
    if min_line is not None and (line is None or line < min_line):
        reasons.append(f"line coverage {_shown(line)} is below the minimum {min_line:g}%")
    if min_branch is not None:
        if branch is None:
            reasons.append("no branch coverage in the reports (run coverage with branches on)")
        elif branch < min_branch:
            reasons.append(f"branch coverage {_shown(branch)} is below the minimum {min_branch:g}%")
    if ratchet is not None:
        baseline = _baseline(ratchet)
        for kind, now in (("line", line), ("branch", branch)):
            before = baseline.get(kind)
            if before is None or now is None:
                continue
            if now < before - slack:
                reasons.append(
                    f"{kind} coverage {_shown(now)} fell from the baseline {before:.2f}% "
                    f"(by {before - now:.2f} points; {slack:g} allowed)"
                )
        if update and not reasons:
            raised = {
                k: round(max(v, baseline.get(k, 0.0)), 2)
                for k, v in (("line", line), ("branch", branch))
                if v is not None
            }
            if raised != baseline:
                write_text(ratchet, json.dumps(raised, indent=2, sort_keys=True) + "\n")
                notes.append(f"baseline {ratchet} raised to {_figures(raised)}")
        elif not baseline:
            notes.append(f"no baseline in {ratchet} yet: --update writes one")
    if coverage.outside:
        notes.append(
            f"{len(coverage.outside)} reported file(s) are not in this repository and count as "
            f"reported (first: {coverage.outside[0]})"
        )
    return Verdict(not reasons, reasons, notes)


def _baseline(path: str) -> dict[str, float]:
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as error:
        raise PitstopError(
            f"the ratchet baseline is not valid JSON: {error.msg}",
            Span(path, error.lineno, error.colno, error.lineno, error.colno, error.pos, error.pos),
        ) from None
    except OSError as error:
        raise PitstopError(f"cannot read: {error.strerror}", Span.file_start(path)) from None
    if not isinstance(data, dict):
        raise PitstopError(
            'the ratchet baseline must be {"line": …, "branch": …}', Span.file_start(path)
        )
    return {
        k: float(v)
        for k, v in data.items()
        if k in ("line", "branch") and isinstance(v, (int, float))
    }


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"


def _figures(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}%" for k, v in sorted(values.items()))
