"""A canary lab on 127.0.0.1: a baseline and a canary instance of a service whose error rate and
latency the test sets, each exposing ``/metrics`` (prometheus_client), steady load on both, and
a real Prometheus (Debian's ``prometheus``, which .ci/deps installs) scraping them every
second."""

from __future__ import annotations

import contextlib
import random
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.probes.servers import free_port


@dataclass
class Instance:
    track: str
    error_rate: float = 0.0
    latency: float = 0.005  # seconds
    port: int = 0
    server: ThreadingHTTPServer | None = field(default=None, repr=False)


def _serve(instance: Instance) -> None:
    from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

    registry = CollectorRegistry()
    requests = Counter("app_requests", "Requests served", ["code"], registry=registry)
    seconds = Histogram("app_request_seconds", "Time to answer", registry=registry)
    for code in ("200", "500"):
        requests.labels(code=code)  # both series exist from the start, at 0
    rng = random.Random(instance.track)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            if self.path == "/metrics":
                body = generate_latest(registry)
                status = 200
            else:
                took = max(0.0, rng.gauss(instance.latency, instance.latency * 0.1))
                time.sleep(took)
                status = 500 if rng.random() < instance.error_rate else 200
                requests.labels(code=str(status)).inc()
                seconds.observe(took)
                body = b"ok"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    instance.server, instance.port = server, server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()


def _load(instances: list[Instance], stop: threading.Event) -> None:
    """About 40 requests a second to each instance, until ``stop``."""
    while not stop.is_set():
        for instance in instances:
            # a 500 is an HTTPError: the instance counted it, nothing to do here
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{instance.port}/work", timeout=2).read()
        stop.wait(0.025)


CONFIG = """\
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ["127.0.0.1:{baseline}"]
        labels: {{track: baseline}}
      - targets: ["127.0.0.1:{canary}"]
        labels: {{track: canary}}
"""


@dataclass
class Lab:
    prometheus: str  # its URL
    baseline: Instance
    canary: Instance

    def query(self, promql: str) -> bytes:
        url = f"{self.prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()


@contextmanager
def prometheus_lab() -> Iterator[Lab]:
    program = shutil.which("prometheus")
    assert program, "prometheus is not installed"
    baseline, canary = Instance("baseline"), Instance("canary")
    for instance in (baseline, canary):
        _serve(instance)
    stop = threading.Event()
    threading.Thread(target=_load, args=([baseline, canary], stop), daemon=True).start()
    folder = tempfile.mkdtemp(prefix="pitstop-prometheus-")
    config = f"{folder}/prometheus.yml"
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(CONFIG.format(baseline=baseline.port, canary=canary.port))
    port = free_port()
    process = subprocess.Popen(
        [
            program,
            f"--config.file={config}",
            f"--storage.tsdb.path={folder}/data",
            f"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=1h",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lab = Lab(f"http://127.0.0.1:{port}", baseline, canary)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until a rate over both tracks has data
            try:
                if b'"track":"canary"' in lab.query('rate(app_requests_total{code="200"}[3s])'):
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("Prometheus did not scrape the instances within 60 s")
        yield lab
    finally:
        stop.set()
        process.terminate()
        process.wait(20)
        for instance in (baseline, canary):
            if instance.server is not None:
                instance.server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
