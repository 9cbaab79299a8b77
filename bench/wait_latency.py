"""``pitstop wait``'s readiness latency: the time from a target becoming ready to the waiter
returning, beside the loop pipelines write by hand.

    python bench/wait_latency.py [--trials 50] [--interval 0.2]

Each trial starts a waiter on a TCP port nothing listens on, opens the port at a random moment
0.4 to 0.8 s later, and measures from the moment the port listens to the moment the waiter's
process has exited. The waiters, alternated: ``pitstop wait tcp://127.0.0.1:PORT --interval I``
and the baseline, bash's ``until (exec 3<>/dev/tcp/127.0.0.1/PORT); do sleep I; done`` (the
wait-for-it loop). Prints the median and p95 latency of each and their ratio. The goal is a
median and p95 of at most the interval + 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def trial(argv_for: object, rng: random.Random) -> float:
    port = free_port()
    argv = argv_for(port)  # type: ignore[operator]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.4, 0.8))
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    ready = time.perf_counter()
    # a blocking waitpid: Popen.wait(timeout) polls every 50 ms, which the latency would show
    _, status = os.waitpid(process.pid, 0)
    done = time.perf_counter()
    process.returncode = os.waitstatus_to_exitcode(status)
    listener.close()
    if process.returncode != 0:
        raise SystemExit(f"{argv[0]} exited {process.returncode}")
    return done - ready


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.2)
    args = parser.parse_args()
    rng = random.Random(7)
    interval = args.interval

    def ours(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "pitstop",
            "wait",
            f"tcp://127.0.0.1:{port}",
            "--interval",
            f"{interval}s",
            "--timeout",
            "30s",
        ]

    def loop(port: int) -> list[str]:
        script = f"until (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null; do sleep {interval}; done"
        return ["bash", "-c", script]

    base: list[float] = []
    mine: list[float] = []
    for _ in range(args.trials):  # alternated, so a busy moment costs both alike
        base.append(trial(loop, rng))
        mine.append(trial(ours, rng))
    print(f"{args.trials} trials, interval {interval * 1000:.0f} ms")
    for label, samples in (("bash until-loop (baseline)", base), ("pitstop wait", mine)):
        print(
            f"{label:<28} median {statistics.median(samples) * 1000:6.1f} ms  "
            f"p95 {p95(samples) * 1000:6.1f} ms  max {max(samples) * 1000:6.1f} ms"
        )
    ratio = statistics.median(mine) / statistics.median(base)
    print(f"ratio pitstop / bash loop (median): {ratio:.2f}x")
    goal = (interval + 0.020) * 1000
    print(f"goal: median and p95 at most {goal:.0f} ms (the interval + 20 ms)")


if __name__ == "__main__":
    main()
