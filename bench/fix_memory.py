"""``pitstop fix --dry-run`` against ``pitstop audit`` on the same repository: peak memory and
wall time, the audit being the baseline, run in the same process.

    python bench/fix_memory.py [--files 1200] [--rounds 2] [--corpus DIR]

Writes the corpus of bench/validate_workflows.py (the bundled example's workflows and generated
ones) into a temporary repository, or reads ``--corpus DIR`` (a repository of your own, its
``.github/workflows``), then runs each command as a user does and takes its peak resident set
from wait4. Fix audits the repository, tries every safe fix (each checked by parsing the text it
makes), and audits again until nothing is left to apply. The goal: fix's peak at most 2x
audit's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_vs_zizmor import corpus_root
from timing import timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--corpus", type=Path, help="a repository to fix instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root, count, size = corpus_root(args.corpus, Path(scratch), args.files)
        print(f"{count} workflow files, {size / 1e6:.1f} MB, {os.cpu_count()} CPUs")
        os.environ["PITSTOP_HOME"] = str(Path(scratch) / "home")  # fix's pin cache: not yours
        pitstop = [sys.executable, "-m", "pitstop"]
        runs: dict[str, tuple[list[float], int]] = {}
        for _ in range(args.rounds):  # alternated, so a busy moment costs both alike
            for label, argv in (
                ("pitstop audit (baseline)", [*pitstop, "audit", str(root), "--format", "json"]),
                ("pitstop fix --dry-run", [*pitstop, "fix", "--dry-run", str(root)]),
            ):
                took, peak, _ = timed(argv, (0, 1))
                times, top = runs.get(label, ([], 0))
                runs[label] = ([*times, took], max(top, peak))
        for label, (times, peak) in runs.items():
            print(
                f"{label:<26} best {min(times):7.2f} s  median {statistics.median(times):7.2f} s"
                f"  peak {peak / 1024:6.0f} MB"
            )
    (audit_times, audit_peak), (fix_times, fix_peak) = runs.values()
    print(
        f"memory fix / audit: {fix_peak / audit_peak:.2f}x (peak resident set; goal 2.0x or less)"
    )
    print(f"time fix / audit: {min(fix_times) / min(audit_times):.2f}x")


if __name__ == "__main__":
    main()
