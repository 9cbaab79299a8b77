"""A small trading API on 127.0.0.1 for the smoke tests and the smoke benchmark: health, a login
that hands out a token, orders behind it, a flaky endpoint that answers 503 twice, a 404, a 422
on bad input, a slow endpoint; and a WebSocket echo server (the ``websockets`` library, a
WebSocket implementation that is not pitstop's)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "eyJhbGciOiJIUzI1NiJ9.smoke"


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one write per response: no 40 ms delayed-ACK stall
    flaky_calls = 0
    lock = threading.Lock()

    def _send(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        path = urlsplit(self.path)
        if path.path == "/health":
            self._send(
                200,
                {"status": "up", "version": "1.4.2", "checks": [{"db": True}]},
                {"X-Version": "1.4.2"},
            )
        elif path.path == "/orders":
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(401, {"error": "unauthorized"})
                return
            symbol = parse_qs(path.query).get("symbol", ["AAPL"])[0]
            self._send(
                200, {"items": [{"symbol": symbol, "qty": 10}, {"symbol": symbol, "qty": 5}]}
            )
        elif path.path == "/flaky":
            with Api.lock:
                Api.flaky_calls += 1
                calls = Api.flaky_calls
            if calls % 3:
                self._send(503, {"status": "warming up"})
            else:
                self._send(200, {"status": "ready", "calls": calls})
        elif path.path == "/slow":
            time.sleep(0.2)
            self._send(200, {"status": "slow"})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        body = self._body()
        if self.path == "/login":
            data = json.loads(body or b"{}")
            if data.get("user") == "trader" and data.get("password") == "paper":
                self._send(200, {"token": TOKEN, "expires_in": 3600})
            else:
                self._send(401, {"error": "bad credentials"})
        elif self.path == "/orders":
            data = json.loads(body or b"{}")
            if not isinstance(data.get("qty"), int) or data["qty"] <= 0:
                self._send(422, {"error": "qty must be a positive integer", "field": "qty"})
            else:
                self._send(201, {"id": 7, **data})
        elif self.path == "/form":
            fields = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            self._send(200, {"received": fields})
        else:
            self._send(404, {"error": "not found"})

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def api() -> Iterator[str]:
    Api.flaky_calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def echo_websocket() -> Iterator[str]:
    """ws://127.0.0.1:PORT: answers ``ping`` with ``pong`` and echoes anything else as JSON."""
    from websockets.sync.server import ServerConnection, serve

    def handler(connection: ServerConnection) -> None:
        for message in connection:
            connection.send("pong" if message == "ping" else json.dumps({"echo": message}))

    server = serve(handler, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}"
    finally:
        server.shutdown()
