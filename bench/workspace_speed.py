"""Time making a job's workspace (``pitstop.runner.workspace``) against ``cp -r`` of the same tree.

    python3 bench/workspace_speed.py [--files 20000] [--megabytes 1024] [--rounds 3]

A committed repository of FILES files and MEGABYTES of text (one file in ten random bytes, the
rest words, as source trees are) is made in a temporary folder, with one uncommitted edit and
one untracked file. Then, in the same process:

- baseline: ``cp -r`` of the working tree (``.git`` left out, so the copy carries only what a
  workspace holds);
- cold: the first checkout of a slot, every file written from git's objects (alternates: the
  objects are borrowed, not copied);
- warm: every later checkout of the slot, after a job that wrote build output, edited a tracked
  file in place and committed, as the next job of a run or the next run gets it (a new .git,
  ``git reset --hard`` of only what differs, ``git clean -ffdx``, the local edits on top).

Ratios are against the baseline's best round; the goal is warm at most 0.2x.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pitstop.runner.workspace import (
    Request,
    claim_slot,
    find_source,
    make_checkout,
    release_slot,
)

GIT = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def make_repository(root: Path, files: int, megabytes: int) -> None:
    rng = random.Random(7)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(4000)
    ]
    size = max(1, megabytes * 1024 * 1024 // files)
    for index in range(files):
        folder = root / "src" / f"pkg{index % 200}" / f"mod{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 10 == 0:
            data = rng.randbytes(size)
        else:
            text = " ".join(rng.choices(words, k=size // 6 + 1)).encode()
            data = text[:size]
        (folder / f"f{index}.txt").write_bytes(data)
    env = {**os.environ, **GIT}
    for argv in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "config", "gc.auto", "0"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "bench"],
    ):
        subprocess.run(argv, cwd=root, env=env, check=True)
    (root / "src" / "pkg1" / "mod1" / "f1.txt").write_text("edited, not committed\n")
    (root / "untracked.txt").write_text("untracked\n")


def sync() -> None:
    if hasattr(os, "sync"):
        os.sync()


def time_cp(root: Path, scratch: Path) -> float:
    target = scratch / "copy"
    sync()
    started = time.perf_counter()
    target.mkdir()
    for entry in root.iterdir():
        if entry.name != ".git":
            subprocess.run(["cp", "-r", str(entry), str(target)], check=True)
    elapsed = time.perf_counter() - started
    shutil.rmtree(target)
    return elapsed


def time_checkout(root: Path, home: Path, dirty: bool) -> float:
    source = find_source(str(root))
    assert source is not None
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    request = Request(commit=commit, ref="refs/heads/main", depth=1, tags=False, local_changes=True)
    slot = claim_slot(str(home), str(root))
    sync()
    started = time.perf_counter()
    make_checkout(source, slot, slot.workspace, request)
    elapsed = time.perf_counter() - started
    if dirty:  # what a job leaves: build output, an in-place edit, a commit
        workspace = Path(slot.workspace)
        (workspace / "build").mkdir()
        (workspace / "build" / "out.bin").write_bytes(b"x" * 4096)
        with open(workspace / "src" / "pkg2" / "mod2" / "f2.txt", "a") as handle:
            handle.write("appended in place\n")
        env = {**os.environ, **GIT}
        subprocess.run(["git", "commit", "-qam", "job"], cwd=workspace, env=env, check=True)
    release_slot(slot)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--megabytes", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pitstop-bench-ws-") as folder:
        scratch = Path(folder)
        root = scratch / "repo"
        home = scratch / "home"
        root.mkdir()
        started = time.perf_counter()
        make_repository(root, options.files, options.megabytes)
        print(
            f"repository: {options.files} files, {options.megabytes} MB "
            f"(made and committed in {time.perf_counter() - started:.1f} s)"
        )
        copies = [time_cp(root, scratch) for _ in range(options.rounds)]
        cold = time_checkout(root, home, dirty=True)
        warm = [time_checkout(root, home, dirty=True) for _ in range(options.rounds)]
        base = min(copies)
        print(f"cp -r of the working tree (baseline): best {base:.3f} s of {options.rounds}")
        print(f"pitstop workspace, cold (first in its slot): {cold:.3f} s")
        print(
            f"pitstop workspace, warm (a slot reused): best {min(warm):.3f} s of {options.rounds}"
        )
        print(f"ratio cold / cp -r: {cold / base:.2f}x")
        print(f"ratio warm / cp -r: {min(warm) / base:.2f}x")


if __name__ == "__main__":
    main()
