"""``pitstop audit`` against ``zizmor --offline`` on the same corpus of workflows, in one run.

    python bench/audit_vs_zizmor.py [--files 1200] [--rounds 3] [--corpus DIR]

Writes the corpus of bench/validate_workflows.py (the bundled example's workflows and generated
ones, about 5 KB each) into a temporary repository, then times each tool as a user runs it: a
command on the folder, JSON on standard output, from process start to exit. zizmor (the baseline,
Rust, `pip install zizmor`) runs its offline audits; pitstop runs all its rules and the scorecard.
Rounds alternate the two. Prints the best and median wall time and the peak memory of each,
the ratio of the best times, pitstop / zizmor (the goal is 1.0 or less), and of the peaks.
``--corpus DIR`` times both on a repository of your own instead (its ``.github/workflows``),
read where it is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import timed
from validate_workflows import corpus

from pitstop.audit.registry import all_rules


def zizmor_program() -> str:
    found = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    if not os.access(found, os.X_OK):
        raise SystemExit("zizmor is not installed: pip install zizmor (or pitstop's test extra)")
    return found


def write_corpus(root: Path, count: int) -> int:
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    size = 0
    for index, text in enumerate(corpus(count)):
        (folder / f"w{index:04d}.yml").write_text(text)
        size += len(text)
    return size


def corpus_root(corpus: Path | None, scratch: Path, count: int) -> tuple[Path, int, int]:
    """The repository to measure, its number of workflow files and their size in bytes: the
    user's ``corpus`` read where it is, or ``count`` generated files written into ``scratch``."""
    if corpus is None:
        return scratch, count, write_corpus(scratch, count)
    root = corpus.resolve()
    files = list((root / ".github" / "workflows").glob("*.y*ml"))
    return root, len(files), sum(f.stat().st_size for f in files)


def describe(label: str, samples: list[float], peak: int, findings: int) -> None:
    print(
        f"{label:<34} best {min(samples):6.2f} s  median {statistics.median(samples):6.2f} s  "
        f"peak {peak / 1024:6.0f} MB  {findings:>6} findings"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="a repository to audit instead")
    args = parser.parse_args()
    zizmor = zizmor_program()
    version = subprocess.run([zizmor, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as scratch:
        root, count, size = corpus_root(args.corpus, Path(scratch), args.files)
        print(f"{count} workflow files, {size / 1e6:.1f} MB, {version}, {os.cpu_count()} CPUs")
        base: list[float] = []
        ours: list[float] = []
        base_peak = our_peak = 0
        for _ in range(args.rounds):  # alternated, so a busy moment costs both alike
            took, peak, base_out = timed(
                [zizmor, "--offline", "--format", "json", str(root)], (0, *range(10, 15))
            )
            base.append(took)
            base_peak = max(base_peak, peak)
            took, peak, our_out = timed(
                [sys.executable, "-m", "pitstop", "audit", str(root), "--format", "json"], (0, 1)
            )
            ours.append(took)
            our_peak = max(our_peak, peak)
        describe("zizmor --offline (baseline)", base, base_peak, len(json.loads(base_out)))
        rules = len(all_rules())
        found = len(json.loads(our_out)["findings"])
        describe(f"pitstop audit ({rules} rules)", ours, our_peak, found)
    ratio = min(ours) / min(base)
    print(f"ratio pitstop / zizmor: {ratio:.2f}x (goal: 1.0x or less)")
    print(f"memory pitstop / zizmor: {our_peak / base_peak:.2f}x (peak resident set)")


if __name__ == "__main__":
    main()
