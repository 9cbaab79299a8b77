"""Coverage as the gates count it: per file, the lines that can run with their hits, and per
line the branches taken of those there are. Reports from several tools merge file by file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileCoverage:
    path: str  # as the report names it
    lines: dict[int, int] = field(default_factory=dict)  # line -> hits
    branches: dict[int, tuple[int, int]] = field(default_factory=dict)  # line -> (taken, total)

    def add_line(self, line: int, hits: int) -> None:
        self.lines[line] = self.lines.get(line, 0) + max(hits, 0)

    def add_branches(self, line: int, taken: int, total: int) -> None:
        old = self.branches.get(line, (0, 0))
        self.branches[line] = (max(old[0], taken), max(old[1], total))

    def merge(self, other: FileCoverage) -> None:
        for line, hits in other.lines.items():
            self.add_line(line, hits)
        for line, (taken, total) in other.branches.items():
            self.add_branches(line, taken, total)

    @property
    def covered(self) -> int:
        return sum(map(bool, self.lines.values()))  # hits are never negative

    @property
    def branches_taken(self) -> int:
        return sum(min(taken, total) for taken, total in self.branches.values())

    @property
    def branches_total(self) -> int:
        return sum(total for _, total in self.branches.values())


@dataclass
class Report:
    path: str  # the report's own file
    files: dict[str, FileCoverage] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # source roots the report names
    format: str = ""

    def file(self, name: str) -> FileCoverage:
        found = self.files.get(name)
        if found is None:
            found = self.files[name] = FileCoverage(name)
        return found


def percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole
