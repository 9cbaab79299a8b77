"""``pitstop gate coverage --diff-against`` against diff-cover on the same repository and report.

    python bench/gate_diff_coverage.py [--files 5000] [--changed 500] [--rounds 3]

Writes a git repository of ``--files`` Python modules (40 lines each) and a Cobertura report of
all of them (as coverage.py writes it: a `<source>` root, every other line run), commits it,
then changes ``--changed`` modules on a branch (lines added, edited and deleted). Times each tool
as a pipeline runs it, a command from process start to exit, on the same report and change:
diff-cover (the baseline, ``pip install diff-cover``, its JSON report) and ``pitstop gate
coverage REPORT --diff-against main --format json``. Rounds alternate the two. Prints the best
and median wall time and the peak memory of each, the changed lines each counted (they must
agree), and the ratio of the best times, pitstop / diff-cover (the goal is 0.5 or less).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import timed

LINES = 40


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@b", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


def module(index: int) -> list[str]:
    return [f"value_{index}_{line} = {line}" for line in range(1, LINES + 1)]


def build(repo: Path, files: int, changed: int, rng: random.Random) -> None:
    git(repo, "init", "-q", "-b", "main")
    for index in range(files):
        folder = repo / "src" / "app" / f"pkg{index // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{index:05d}.py").write_text("\n".join(module(index)) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    lengths: dict[int, int] = {}
    for index in rng.sample(range(files), changed):
        path = repo / "src" / "app" / f"pkg{index // 100:03d}" / f"m{index:05d}.py"
        lines = module(index)
        at = rng.randrange(len(lines))
        lines[at:at] = [f"added_{index}_{n} = {n}" for n in range(rng.randint(1, 8))]
        lines[rng.randrange(len(lines))] = f"edited_{index} = 0"
        del lines[rng.randrange(len(lines))]
        path.write_text("\n".join(lines) + "\n")
        lengths[index] = len(lines)
    git(repo, "commit", "-qam", "change")
    source = repo / "src"
    out = ['<?xml version="1.0" ?>', '<coverage version="7.6.1">', "<sources>",
           f"<source>{source}</source>", "</sources>", "<packages>"]  # fmt: skip
    for index in range(files):
        name = f"app/pkg{index // 100:03d}/m{index:05d}.py"
        out.append(f'<package name="app.pkg{index // 100:03d}"><classes>')
        out.append(f'<class name="m{index:05d}.py" filename="{name}"><methods/><lines>')
        for line in range(1, lengths.get(index, LINES) + 1):
            out.append(f'<line number="{line}" hits="{line % 2}"/>')
        out.append("</lines></class></classes></package>")
    out += ["</packages>", "</coverage>"]
    (repo / "coverage.xml").write_text("\n".join(out) + "\n")
    (repo / ".git" / "info" / "exclude").write_text("coverage.xml\n")


def describe(label: str, samples: list[float], peak: int, lines: int) -> None:
    print(
        f"{label:<36} best {min(samples):6.2f} s  median {statistics.median(samples):6.2f} s  "
        f"peak {peak / 1024:6.0f} MB  {lines:>6} changed lines"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--changed", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tool = shutil.which("diff-cover") or str(Path(sys.executable).parent / "diff-cover")
    if not os.access(tool, os.X_OK):
        raise SystemExit("diff-cover is not installed: pip install diff-cover (the test extra)")
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo"
        repo.mkdir()
        build(repo, args.files, args.changed, random.Random(1))
        size = (repo / "coverage.xml").stat().st_size
        print(f"{args.files} files in a {size / 1e6:.1f} MB Cobertura report, "
              f"{args.changed} changed, {os.cpu_count()} CPUs")  # fmt: skip
        report = Path(scratch) / "diff-cover.json"
        theirs = [tool, "coverage.xml", "--compare-branch=main", f"--format=json:{report}"]
        ours = [sys.executable, "-m", "pitstop", "gate", "coverage", "coverage.xml",
                "--diff-against", "main", "--format", "json"]  # fmt: skip
        base: list[float] = []
        mine: list[float] = []
        base_peak = our_peak = 0
        for _ in range(args.rounds):  # alternated, so a busy moment costs both alike
            took, peak, _ = timed(theirs, (0,), repo)
            base.append(took)
            base_peak = max(base_peak, peak)
            took, peak, out = timed(ours, (0, 1), repo)
            mine.append(took)
            our_peak = max(our_peak, peak)
        their_lines = json.loads(report.read_text())["total_num_lines"]
        our_lines = json.loads(out)["figures"]["diff"]["lines"][1]
        describe("diff-cover (baseline)", base, base_peak, their_lines)
        describe("pitstop gate coverage --diff-against", mine, our_peak, our_lines)
    if their_lines != our_lines:
        raise SystemExit(f"the tools disagree: diff-cover {their_lines}, pitstop {our_lines}")
    print(f"ratio pitstop / diff-cover: {min(mine) / min(base):.2f}x (goal: 0.5x or less)")
    print(f"memory pitstop / diff-cover: {our_peak / base_peak:.2f}x (peak resident set)")


if __name__ == "__main__":
    main()
