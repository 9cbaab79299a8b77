"""Time a second run of a project's workflow with fresh environments (the default) against
``--reuse-envs``, both after a warm first run.

    python3 bench/envs_speed.py [--project examples/tradedesk] [--workflow ci.yml] [--rounds 2]

The project is copied into a temporary git repository, with pitstop's home in a temporary folder
too. A first run in each mode warms what may be warmed (pip's download and wheel cache, the seed
environments, workspaces; the kept environments with ``--reuse-envs``); then the modes alternate
for ROUNDS rounds. The baseline is ``--reuse-envs``: environments kept with everything installed.
The goal is the default at most 1.5x the baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIT = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def prepare(project: Path, target: Path) -> None:
    shutil.copytree(
        project,
        target,
        ignore=shutil.ignore_patterns(
            ".pitstop", "*.egg-info", "__pycache__", ".coverage", "*_cache"
        ),
    )
    env = {**os.environ, **GIT}
    for argv in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-qm", "bench"],
    ):
        subprocess.run(argv, cwd=target, env=env, check=True)


def timed_run(repo: Path, home: Path, workflow: str, extra: list[str], args: list[str]) -> float:
    env = {**os.environ, **GIT, "PITSTOP_HOME": str(home)}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pitstop", "run", "--plain", *args, workflow, *extra],
        cwd=repo, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"the run failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT / "examples" / "tradedesk")
    parser.add_argument("--workflow", default="ci.yml")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--services", default="wheel", help="passed to pitstop run --services")
    options = parser.parse_args()
    extra = ["--services", options.services]
    with tempfile.TemporaryDirectory(prefix="pitstop-bench-envs-") as folder:
        scratch = Path(folder)
        repo, home = scratch / "repo", scratch / "home"
        prepare(options.project, repo)
        for mode in ([], ["--reuse-envs"]):  # warm
            timed_run(repo, home, options.workflow, extra, mode)
        fresh: list[float] = []
        reuse: list[float] = []
        for _ in range(options.rounds):
            fresh.append(timed_run(repo, home, options.workflow, extra, []))
            reuse.append(timed_run(repo, home, options.workflow, extra, ["--reuse-envs"]))
        print(f"{options.project.name} {options.workflow}, second runs, {options.rounds} rounds")
        for label, times in (("--reuse-envs (baseline)", reuse), ("fresh (default)", fresh)):
            listed = ", ".join(f"{t:.2f}" for t in times)
            print(f"{label + ':':<25} best {min(times):.2f} s, all {listed}")
        print(f"ratio fresh / reuse: {min(fresh) / min(reuse):.2f}x")


if __name__ == "__main__":
    main()
