import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tradedesk.api import make_server


@pytest.fixture
def base() -> Iterator[str]:
    server = make_server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def call(base: str, method: str, path: str, body: object | None = None) -> tuple[int, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health(base: str) -> None:
    status, body = call(base, "GET", "/healthz")
    assert status == 200 and isinstance(body, dict) and body["status"] == "ok"


def test_orders_match_over_http(base: str) -> None:
    assert (
        call(base, "POST", "/orders", {"id": "s", "side": "sell", "price": "5", "quantity": 2})[0]
        == 201
    )
    status, body = call(
        base, "POST", "/orders", {"id": "b", "side": "buy", "price": "6", "quantity": 1}
    )
    assert status == 201
    assert body == {"trades": [{"buy": "b", "sell": "s", "price": "5", "quantity": 1}]}
    assert call(base, "GET", "/book")[1] == {"bids": [], "asks": [["5", 1]]}


def test_bad_order_is_400(base: str) -> None:
    assert call(base, "POST", "/orders", {"side": "buy"})[0] == 400


def test_cancel(base: str) -> None:
    call(base, "POST", "/orders", {"id": "x", "side": "buy", "price": "1", "quantity": 1})
    assert call(base, "DELETE", "/orders/x") == (200, {"cancelled": True})
    assert call(base, "DELETE", "/orders/x") == (404, {"cancelled": False})


def test_unknown_path_is_404(base: str) -> None:
    assert call(base, "GET", "/nope")[0] == 404
