import os
from decimal import Decimal

import pytest

from tradedesk.orderbook import Order, OrderBook

pytestmark = pytest.mark.integration


@pytest.fixture
def conn():  # type: ignore[no-untyped-def]
    psycopg = pytest.importorskip("psycopg")
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.fail("DATABASE_URL is not set: integration tests need Postgres")
    with psycopg.connect(url) as connection:
        yield connection
        connection.rollback()


def test_trades_are_stored(conn) -> None:  # type: ignore[no-untyped-def]
    from tradedesk.store import save_order, save_trade, traded_volume

    book = OrderBook()
    sell = Order("it-s", "sell", Decimal("10"), 2)
    buy = Order("it-b", "buy", Decimal("10"), 2)
    save_order(conn, sell)
    save_order(conn, buy)
    book.submit(sell)
    for trade in book.submit(buy):
        save_trade(conn, trade)
    quantity, notional = traded_volume(conn)
    assert quantity == 2
    assert notional == Decimal("20")


def test_depth_is_cached_in_redis() -> None:
    redis = pytest.importorskip("redis")
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: integration tests need Redis")
    from tradedesk.cache import cache_depth, cached_depth

    client = redis.Redis.from_url(url)
    cache_depth(client, {"bids": [("10", 1)], "asks": []})
    assert cached_depth(client) == {"bids": [["10", 1]], "asks": []}
