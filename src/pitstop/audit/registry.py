"""Every rule: each module under ``audit/rules/`` defines ``RULE``; a new rule is a new file."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from pitstop.audit.rule import Rule


@cache
def all_rules() -> dict[str, Rule]:
    """Rule id -> rule, ordered by category then id."""
    import pitstop.audit.rules as package

    found = []
    for module in pkgutil.iter_modules(package.__path__):
        loaded = importlib.import_module(f"{package.__name__}.{module.name}")
        rule: Rule = loaded.RULE
        found.append(rule)
    return {r.id: r for r in sorted(found, key=lambda r: (r.category, r.id))}
