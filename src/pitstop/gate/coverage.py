"""``pitstop gate coverage``: coverage reports merged, their files found in the repository, and
the figures held against a minimum and a ratchet that only goes up."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field

from pitstop.atomic import write_text
from pitstop.errors import PitstopError, Span
from pitstop.folders import SKIP_DIRS
from pitstop.gate.coverage_model import FileCoverage, Report, percent
from pitstop.gate.formats import read_report
from pitstop.gate.verdict import Verdict
from pitstop.git import added_lines, comparison_base, git


@dataclass
class Coverage:
    files: dict[str, FileCoverage]  # by path in the repository (or as reported, when not found)
    reports: list[Report]
    outside: list[str] = field(default_factory=list)  # reported files not in the repository
    located: dict[str, str] = field(default_factory=dict)  # absolute path -> key in files

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
    located: dict[str, str] = {}
    top = git("rev-parse", "--show-toplevel", cwd=root)
    bases = {place: os.path.realpath(place) for place in (root, top) if place}
    here, above = Tree(root), Tree(top) if top else None
    for report in reports:
        found = 0
        for name, file in report.files.items():
            mapped, base = here.find(name, report.sources), root
            if mapped is None and above and above.root != here.root:
                # run from a folder of the repository: its files are found from the top too
                mapped, base = above.find(name, report.sources), str(top)
            if mapped is None:
                outside.append(name)
                mapped = name
            else:
                found += 1
                located[os.path.join(bases[base], mapped)] = mapped
            if mapped in files:
                files[mapped].merge(file)
            else:
                file.path = mapped
                files[mapped] = file
        if report.files and not found:
            first = next(iter(report.files))
            raise PitstopError(
                f"none of the {len(report.files)} files this {report.format} report names is in "
                f"the repository at {root} (the first: {first}); run the gate where the code is, "
                "or from the folder the report's paths are relative to",
                Span.file_start(report.path),
            )
    return Coverage(files, reports, outside, located)


@dataclass
class DiffCoverage:
    """Coverage of the lines a change adds that the reports measure (as diff-cover counts it:
    a changed line no report measures, a comment or a blank, is not counted)."""

    base: str  # what the change is measured against, for people
    changed: dict[str, set[int]]  # file -> changed lines the reports measure
    uncovered: dict[str, set[int]]  # file -> those never run
    unmeasured_files: int  # changed files no report names

    @property
    def lines(self) -> tuple[int, int]:
        total = sum(len(lines) for lines in self.changed.values())
        return total - sum(len(lines) for lines in self.uncovered.values()), total


def load_measured(
    paths: list[str], root: str, with_diff: bool, against: str | None
) -> tuple[Coverage, DiffCoverage | None]:
    """The reports loaded and, when asked, the change since the merge base with ``against``
    held against them; git works in a thread while the reports are read."""
    if not with_diff:
        return load(paths, root), None
    found: list[Change | Exception] = []

    def measure_change() -> None:
        try:
            found.append(change_since(against, root))
        except Exception as error:  # raised again below, in the caller's thread
            found.append(error)

    worker = threading.Thread(target=measure_change)
    worker.start()
    try:
        coverage = load(paths, root)
    finally:
        worker.join()
    if isinstance(found[0], Exception):
        raise found[0]
    return coverage, diff_coverage(coverage, found[0])


@dataclass
class Change:
    base: str  # what the change is measured against, for people
    added: dict[str, set[int]]  # absolute path -> the lines the change adds


def change_since(against: str | None, root: str) -> Change:
    """The change from the merge base with ``against`` (by default the branch a pull request
    targets, else the default branch) to the working tree."""
    base, described = comparison_base(against, root)
    top = os.path.realpath(git("rev-parse", "--show-toplevel", cwd=root) or root)
    added = added_lines(base, root)
    return Change(f"{described} ({base[:10]})", {os.path.join(top, n): a for n, a in added.items()})


def diff_coverage(coverage: Coverage, change: Change) -> DiffCoverage:
    """The lines ``change`` adds, held against ``coverage``."""
    changed: dict[str, set[int]] = {}
    uncovered: dict[str, set[int]] = {}
    unmeasured = 0
    for path, added in change.added.items():
        key = coverage.located.get(path)
        if key is None:
            unmeasured += 1
            continue
        file = coverage.files[key]
        measured = added & file.lines.keys()
        if measured:
            changed[key] = measured
            missed = {line for line in measured if file.lines[line] == 0}
            if missed:
                uncovered[key] = missed
    return DiffCoverage(change.base, changed, uncovered, unmeasured)


class Tree:
    """The repository's files as the gate looks them up: each folder listed once, however
    many of a large report's files are in it."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self._listed: dict[str, frozenset[str]] = {}
        self._all: tuple[str, ...] | None = None

    def is_file(self, full: str) -> bool:
        folder, name = os.path.split(full)
        listed = self._listed.get(folder)
        if listed is None:
            try:
                with os.scandir(folder) as entries:
                    listed = frozenset(e.name for e in entries if e.is_file())
            except OSError:
                listed = frozenset()
            self._listed[folder] = listed
        return name in listed

    def find(self, name: str, sources: list[str]) -> str | None:
        root = self.root
        candidates = [name] + [os.path.join(source, name) for source in sources]
        for candidate in candidates:
            full = os.path.normpath(os.path.join(root, candidate))
            if full.startswith(root + os.sep) and self.is_file(full):
                return full[len(root) + 1 :].replace(os.sep, "/")
        for candidate in candidates:
            parts = candidate.replace("\\", "/").split("/")
            for start in range(1, len(parts)):
                tail = os.path.join(root, *parts[start:])
                if self.is_file(tail):
                    return os.path.relpath(tail, root).replace(os.sep, "/")
        # a path relative to a source root the report does not name (JaCoCo's `com/x/A.java`
        # under src/main/java): the one file of the repository that ends with it
        ending = "/" + name.replace("\\", "/").lstrip("/")
        found = [f for f in self.files() if ("/" + f).endswith(ending)]
        return found[0] if len(found) == 1 else None

    def files(self) -> tuple[str, ...]:
        if self._all is None:
            found: list[str] = []
            for folder, dirs, names in os.walk(self.root):
                dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
                rel = os.path.relpath(folder, self.root).replace(os.sep, "/")
                found += [n if rel == "." else f"{rel}/{n}" for n in names]
            self._all = tuple(found)
        return self._all


def judge(
    coverage: Coverage,
    min_line: float | None,
    min_branch: float | None,
    ratchet: str | None,
    slack: float,
    update: bool,
    diff: DiffCoverage | None = None,
    min_diff: float | None = None,
) -> Verdict:
    """Hold the figures against the limits. The ratchet's baseline only goes up: a drop of more
    than ``slack`` percentage points fails, a rise is written back only with ``update``. The
    change's own lines are held against ``min_diff``; a change with no measured line passes."""
    line = percent(*coverage.lines)
    branch = percent(*coverage.branches)
    verdict = Verdict()
    notes = verdict.notes
    if diff is not None:
        covered, total = diff.lines
        if total == 0:
            notes.append(f"the change ({diff.base}) adds no line the reports measure")
        elif min_diff is not None:
            now = 100.0 * covered / total
            figure = f"changed-line coverage {_shown(now)} ({covered} of {total})"
            verdict.check(
                f"changed-line coverage >= {min_diff:g}%",
                now >= min_diff,
                figure if now >= min_diff else f"{figure} is below the minimum {min_diff:g}%",
            )
    if min_line is not None:
        ok = line is not None and line >= min_line
        verdict.check(
            f"line coverage >= {min_line:g}%",
            ok,
            f"line coverage {_shown(line)}"
            + ("" if ok else f" is below the minimum {min_line:g}%"),
        )
    if min_branch is not None:
        if branch is None:
            verdict.check(
                f"branch coverage >= {min_branch:g}%",
                False,
                "no branch coverage in the reports (run coverage with branches on)",
            )
        else:
            ok = branch >= min_branch
            verdict.check(
                f"branch coverage >= {min_branch:g}%",
                ok,
                f"branch coverage {_shown(branch)}"
                + ("" if ok else f" is below the minimum {min_branch:g}%"),
            )
    if ratchet is not None:
        baseline = _baseline(ratchet)
        for kind, value in (("line", line), ("branch", branch)):
            before = baseline.get(kind)
            if before is None or value is None:
                continue
            fell = value < before - slack
            verdict.check(
                f"{kind} coverage no lower than the baseline {before:.2f}% (less {slack:g})",
                not fell,
                f"{kind} coverage {_shown(value)} fell from the baseline {before:.2f}% "
                f"(by {before - value:.2f} points; {slack:g} allowed)"
                if fell
                else f"{kind} coverage {_shown(value)}",
            )
        if update and verdict.passed:
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
    return verdict


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


def runs(lines: set[int]) -> list[tuple[int, int]]:
    """Line numbers as runs of consecutive lines: {3, 4, 5, 9} is (3, 5), (9, 9)."""
    out: list[tuple[int, int]] = []
    for line in sorted(lines):
        if out and out[-1][1] == line - 1:
            out[-1] = (out[-1][0], line)
        else:
            out.append((line, line))
    return out


def spans(lines: set[int]) -> str:
    """Line numbers as people read them: ``3-5, 9``."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs(lines))
