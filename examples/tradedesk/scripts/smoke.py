"""Smoke test a running tradedesk: health, place two crossing orders, see the trade."""

from __future__ import annotations

import json
import sys
import urllib.request


def call(base: str, method: str, path: str, body: object | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def main(base: str) -> int:
    health = call(base, "GET", "/healthz")
    assert isinstance(health, dict) and health["status"] == "ok", health
    call(base, "POST", "/orders", {"id": "smoke-s", "side": "sell", "price": "10", "quantity": 1})
    result = call(
        base, "POST", "/orders", {"id": "smoke-b", "side": "buy", "price": "10", "quantity": 1}
    )
    assert isinstance(result, dict) and len(result["trades"]) == 1, result
    print(f"smoke test passed against {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"))
