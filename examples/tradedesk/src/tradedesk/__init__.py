"""tradedesk: a small limit order book with an HTTP API."""

__version__ = "1.4.0"
