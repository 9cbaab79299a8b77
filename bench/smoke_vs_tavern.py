"""``pitstop smoke`` beside tavern (PyPI) on the same requests against the same local server.

    python bench/smoke_vs_tavern.py [--requests 500] [--rounds 3]

Starts a threaded HTTP server on 127.0.0.1 in this process (a JSON health endpoint), writes the
same ``--requests`` GETs, each asserting status 200 and ``status: up`` in the JSON, as a pitstop
smoke suite and as a tavern test (one test, one stage per request, run by pytest), and times
each as a pipeline runs it, from process start to exit: tavern (the baseline), pitstop smoke
sequentially, and pitstop smoke with ``--concurrency 8``; ``--latency-ms`` makes each answer
take that long, as a deployed service's would. Rounds alternate. Prints the best and
median wall time of each and the ratios tavern / pitstop. The goal is pitstop at least 3x
faster sequentially, and more with concurrency.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import timed


class Health(BaseHTTPRequestHandler):
    latency = 0.0  # seconds each answer takes, as a real service's work and network would
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one write per response: no 40 ms delayed-ACK stall

    def do_GET(self) -> None:
        if self.latency:
            time.sleep(self.latency)
        raw = json.dumps({"status": "up", "version": "1.4.2"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


def describe(label: str, samples: list[float]) -> None:
    print(f"{label:<36} best {min(samples):6.2f} s  median {statistics.median(samples):6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="How long the server takes per answer (0: as fast as it can).",
    )
    args = parser.parse_args()
    Health.latency = args.latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        suite = ["requests:"]
        stages = ["test_name: smoke", "strict:", "  - json:off", "stages:"]
        for n in range(args.requests):
            suite += [
                f"  - name: health {n}",
                "    get: /health",
                "    expect: {status: 200, json: {status: up}}",
            ]
            stages += [
                f"  - name: health {n}",
                "    request:",
                f"      url: {base}/health",
                "      method: GET",
                "    response:",
                "      status_code: 200",
                "      json:",
                "        status: up",
            ]
        (root / "smoke.yml").write_text("\n".join(suite) + "\n")
        (root / "test_smoke.tavern.yaml").write_text("\n".join(stages) + "\n")
        tavern = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "test_smoke.tavern.yaml",
        ]
        ours = [
            sys.executable,
            "-m",
            "pitstop",
            "smoke",
            "smoke.yml",
            "--base-url",
            base,
            "--format",
            "json",
        ]
        base_times: list[float] = []
        sequential: list[float] = []
        concurrent: list[float] = []
        for _ in range(args.rounds):  # alternated, so a busy moment costs all alike
            base_times.append(timed(tavern, (0,), root)[0])
            took, _, out = timed(ours, (0,), root)
            sequential.append(took)
            passed = json.loads(out)["headline"]
            concurrent.append(timed([*ours, "--concurrency", "8"], (0,), root)[0])
    server.shutdown()
    print(
        f"{args.requests} requests against {base} answering in {args.latency_ms:g} ms "
        f"+ its own time; pitstop: {passed}"
    )
    describe("tavern via pytest (baseline)", base_times)
    describe("pitstop smoke", sequential)
    describe("pitstop smoke --concurrency 8", concurrent)
    print(
        f"ratio tavern / pitstop (sequential): {min(base_times) / min(sequential):.1f}x "
        "(goal: 3x or more)"
    )
    print(f"ratio tavern / pitstop (--concurrency 8): {min(base_times) / min(concurrent):.1f}x")


if __name__ == "__main__":
    main()
