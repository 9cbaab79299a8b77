"""The HTTP API: POST /orders, DELETE /orders/<id>, GET /book, GET /healthz."""

from __future__ import annotations

import json
import os
import threading
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tradedesk import __version__
from tradedesk.orderbook import Order, OrderBook


class Desk:
    def __init__(self) -> None:
        self.book = OrderBook()
        self.lock = threading.Lock()


def make_handler(desk: Desk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet by default
            return

        def reply(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self.reply(200, {"status": "ok", "version": __version__})
            elif self.path == "/book":
                with desk.lock:
                    self.reply(200, desk.book.depth())
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self) -> None:
            if self.path != "/orders":
                self.reply(404, {"error": "not found"})
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(length) or b"{}")
                order = Order(
                    id=str(payload["id"]),
                    side=payload["side"],
                    price=Decimal(str(payload["price"])),
                    quantity=int(payload["quantity"]),
                )
            except (KeyError, ValueError, InvalidOperation, json.JSONDecodeError) as exc:
                self.reply(400, {"error": f"invalid order: {exc}"})
                return
            with desk.lock:
                try:
                    trades = desk.book.submit(order)
                except ValueError as exc:
                    self.reply(409, {"error": str(exc)})
                    return
            self.reply(
                201,
                {
                    "trades": [
                        {
                            "buy": t.buy_order,
                            "sell": t.sell_order,
                            "price": str(t.price),
                            "quantity": t.quantity,
                        }
                        for t in trades
                    ]
                },
            )

        def do_DELETE(self) -> None:
            prefix = "/orders/"
            if not self.path.startswith(prefix):
                self.reply(404, {"error": "not found"})
                return
            with desk.lock:
                found = desk.book.cancel(self.path[len(prefix) :])
            self.reply(200 if found else 404, {"cancelled": found})

    return Handler


def make_server(host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(Desk()))


def main() -> None:
    port = int(os.environ.get("PORT", "8080"))
    server = make_server("127.0.0.1", port)
    print(f"tradedesk {__version__} listening on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
