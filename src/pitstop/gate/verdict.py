"""What every gate decides: pass or fail, why (one reason per limit broken), and what the
reader should know besides."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Verdict:
    passed: bool
    reasons: list[str]  # why it failed, one a limit
    notes: list[str]  # what the reader should know (a baseline written, files left outside)
