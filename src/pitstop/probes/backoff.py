"""How long to wait between two attempts: constant, linear or exponential from ``--interval``,
capped by ``--max-interval``, with a random ``--jitter`` (a fraction of the delay) so that many
waiters do not knock in step."""

from __future__ import annotations

import random
from dataclasses import dataclass

KINDS = ("constant", "linear", "exponential")


@dataclass(frozen=True)
class Backoff:
    interval: float
    kind: str = "constant"
    cap: float | None = None
    jitter: float = 0.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """The pause after the ``attempt``-th failed attempt (1 for the first)."""
        if self.kind == "linear":
            base = self.interval * attempt
        elif self.kind == "exponential":
            base = self.interval * 2 ** min(attempt - 1, 60)
        else:
            base = self.interval
        if self.cap is not None:
            base = min(base, self.cap)
        if self.jitter:
            base *= 1 + (rng or random).uniform(-self.jitter, self.jitter)
        return max(base, 0.0)
