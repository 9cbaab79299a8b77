"""The frame of every SARIF 2.1.0 log pitstop writes (the audit's, each gate's): the schema,
the version and one run whose tool is pitstop."""

from __future__ import annotations

from typing import Any

from pitstop import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif_log(rules: list[dict[str, Any]], **run: Any) -> dict[str, Any]:
    """A log of one run by pitstop with ``rules``; ``run`` adds the run's other members
    (``results``, ``invocations``, ``originalUriBaseIds``…)."""
    driver = {
        "name": "pitstop",
        "version": __version__,
        "informationUri": "https://pypi.org/project/pitstop/",
        "rules": rules,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, **run}]}
