"""A limit order book with price-time priority."""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Side = Literal["buy", "sell"]


@dataclass
class Order:
    id: str
    side: Side
    price: Decimal
    quantity: int

    def __post_init__(self) -> None:
        if self.side not in ("buy", "sell"):
            raise ValueError(f"side must be 'buy' or 'sell', not {self.side!r}")
        if self.price <= 0:
            raise ValueError("price must be positive")
        if self.quantity <= 0:
            raise ValueError("quantity must be positive")


@dataclass(frozen=True)
class Trade:
    buy_order: str
    sell_order: str
    price: Decimal
    quantity: int


@dataclass
class OrderBook:
    _bids: list[tuple[Decimal, int, Order]] = field(default_factory=list)
    _asks: list[tuple[Decimal, int, Order]] = field(default_factory=list)
    _live: dict[str, Order] = field(default_factory=dict)
    _sequence: itertools.count[int] = field(default_factory=itertools.count)

    def submit(self, order: Order) -> list[Trade]:
        """Match ``order`` against the other side; rest what is left. Returns the trades made."""
        if order.id in self._live:
            raise ValueError(f"order {order.id} already exists")
        trades: list[Trade] = []
        book = self._asks if order.side == "buy" else self._bids
        while order.quantity and book:
            key, _, resting = book[0]
            best = key if order.side == "buy" else -key
            if resting.id not in self._live:
                heapq.heappop(book)  # cancelled
                continue
            crosses = order.price >= best if order.side == "buy" else order.price <= best
            if not crosses:
                break
            size = min(order.quantity, resting.quantity)
            buy, sell = (order, resting) if order.side == "buy" else (resting, order)
            trades.append(Trade(buy.id, sell.id, resting.price, size))
            order.quantity -= size
            resting.quantity -= size
            if not resting.quantity:
                heapq.heappop(book)
                del self._live[resting.id]
        if order.quantity:
            self._rest(order)
        return trades

    def cancel(self, order_id: str) -> bool:
        return self._live.pop(order_id, None) is not None

    def depth(self, levels: int = 5) -> dict[str, list[tuple[str, int]]]:
        """Aggregated quantity per price, best first, for each side."""
        return {
            "bids": self._levels(self._bids, levels, sign=-1),
            "asks": self._levels(self._asks, levels, sign=1),
        }

    def _rest(self, order: Order) -> None:
        key = order.price if order.side == "sell" else -order.price
        heap = self._asks if order.side == "sell" else self._bids
        heapq.heappush(heap, (key, next(self._sequence), order))
        self._live[order.id] = order

    def _levels(
        self, heap: list[tuple[Decimal, int, Order]], levels: int, sign: int
    ) -> list[tuple[str, int]]:
        totals: dict[Decimal, int] = {}
        for key, _, order in heap:
            if order.id in self._live:
                totals[key * sign] = totals.get(key * sign, 0) + order.quantity
        ordered = sorted(totals.items(), reverse=sign < 0)
        return [(str(price), qty) for price, qty in ordered[:levels]]
