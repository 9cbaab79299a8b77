"""Orders and trades kept in Postgres (schema in migrations/)."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from tradedesk.orderbook import Order, Trade


def save_order(conn: psycopg.Connection, order: Order) -> None:
    conn.execute(
        "INSERT INTO orders (id, side, price, quantity) VALUES (%s, %s, %s, %s)",
        (order.id, order.side, order.price, order.quantity),
    )


def save_trade(conn: psycopg.Connection, trade: Trade) -> None:
    conn.execute(
        "INSERT INTO trades (buy_order, sell_order, price, quantity) VALUES (%s, %s, %s, %s)",
        (trade.buy_order, trade.sell_order, trade.price, trade.quantity),
    )


def traded_volume(conn: psycopg.Connection) -> tuple[int, Decimal]:
    row = conn.execute(
        "SELECT COALESCE(SUM(quantity), 0), COALESCE(SUM(price * quantity), 0) FROM trades"
    ).fetchone()
    assert row is not None
    return int(row[0]), Decimal(row[1])
