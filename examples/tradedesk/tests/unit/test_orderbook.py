from decimal import Decimal

import pytest

from tradedesk.orderbook import Order, OrderBook, Trade


def order(id: str, side: str, price: str, quantity: int) -> Order:
    return Order(id, side, Decimal(price), quantity)  # type: ignore[arg-type]


def test_crossing_orders_trade_at_the_resting_price() -> None:
    book = OrderBook()
    assert book.submit(order("s1", "sell", "10.5", 5)) == []
    trades = book.submit(order("b1", "buy", "11", 3))
    assert trades == [Trade("b1", "s1", Decimal("10.5"), 3)]
    assert book.depth() == {"bids": [], "asks": [("10.5", 2)]}


def test_price_then_time_priority() -> None:
    book = OrderBook()
    book.submit(order("s1", "sell", "10", 1))
    book.submit(order("s2", "sell", "9", 1))
    book.submit(order("s3", "sell", "9", 1))
    trades = book.submit(order("b1", "buy", "10", 3))
    assert [t.sell_order for t in trades] == ["s2", "s3", "s1"]


def test_unfilled_remainder_rests() -> None:
    book = OrderBook()
    book.submit(order("s1", "sell", "10", 1))
    book.submit(order("b1", "buy", "10", 4))
    assert book.depth()["bids"] == [("10", 3)]


def test_cancelled_orders_do_not_trade() -> None:
    book = OrderBook()
    book.submit(order("s1", "sell", "10", 1))
    assert book.cancel("s1")
    assert not book.cancel("s1")
    assert book.submit(order("b1", "buy", "10", 1)) == []


@pytest.mark.parametrize(
    ("side", "price", "quantity"), [("hold", "1", 1), ("buy", "0", 1), ("buy", "1", 0)]
)
def test_invalid_orders_are_rejected(side: str, price: str, quantity: int) -> None:
    with pytest.raises(ValueError):
        order("x", side, price, quantity)


def test_duplicate_ids_are_rejected() -> None:
    book = OrderBook()
    book.submit(order("a", "buy", "1", 1))
    with pytest.raises(ValueError, match="already exists"):
        book.submit(order("a", "buy", "1", 1))
