"""The book's depth, cached in Redis for the read-heavy dashboard."""

from __future__ import annotations

import json

import redis


def cache_depth(
    client: "redis.Redis[bytes]", depth: dict[str, list[tuple[str, int]]], ttl: int = 5
) -> None:
    client.set("tradedesk:depth", json.dumps(depth), ex=ttl)


def cached_depth(client: "redis.Redis[bytes]") -> dict[str, list[list[object]]] | None:
    raw = client.get("tradedesk:depth")
    return None if raw is None else json.loads(raw)
