"""``[tool.pitstop.audit]``: rules to disable, severities to change, rule options, score targets.

[tool.pitstop.audit]
disable = ["long-inline-script", "zizmor/self-repository"]
with = ["zizmor"]  # other linters to run on every audit, as --with does
fail-on = "medium"
severity = { missing-timeout = "high" }
targets = { security = 9.5, overall = 9 }

[tool.pitstop.audit.rules.missing-timeout]
minutes = 30
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pitstop.audit.findings import CATEGORIES, SEVERITIES
from pitstop.config import Settings

DEFAULT_TARGET = 9.0
_KEYS = frozenset({"disable", "fail-on", "severity", "targets", "rules", "with"})


@dataclass(frozen=True)
class AuditConfig:
    disable: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    targets: Mapping[str, float] = field(default_factory=dict)
    fail_on: str | None = None
    linters: tuple[str, ...] = ()  # run with every audit, as --with names them

    def target(self, category: str) -> float:
        return self.targets.get(category, DEFAULT_TARGET)


def audit_config(settings: Settings, rules: Mapping[str, Mapping[str, Any]]) -> AuditConfig:
    """Read and check the audit table; ``rules`` maps each rule id to its default options."""
    table = settings.section("audit")
    for key in table:
        if key not in _KEYS:
            raise settings.error(
                f"unknown key '{key}' in the audit settings (known: {', '.join(sorted(_KEYS))})",
                key,
            )

    from pitstop.audit.linters import NAMES as known_linters

    def known_rule(rule: str, foreign: bool = True) -> str:
        """A pitstop rule, or (where ``foreign``) a linter's: ``zizmor/artipacked``."""
        linter, slash, own = rule.partition("/")
        if rule not in rules and not (foreign and slash and own and linter in known_linters):
            raise settings.error(f"unknown rule '{rule}'", rule)
        return rule

    disable = table.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(r, str) for r in disable):
        raise settings.error("disable must be a list of rule ids", "disable")
    severity = _table(settings, table, "severity")
    for rule, level in severity.items():
        known_rule(rule)
        if level not in SEVERITIES:
            raise settings.error(
                f"severity of '{rule}' must be one of {', '.join(SEVERITIES)}, not '{level}'",
                rule,
            )
    targets: dict[str, float] = {}
    for category, value in _table(settings, table, "targets").items():
        if category not in (*CATEGORIES, "overall"):
            raise settings.error(f"unknown category '{category}' in targets", category)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
            raise settings.error(f"target for '{category}' must be a number from 0 to 10", category)
        targets[category] = float(value)
    options: dict[str, dict[str, Any]] = {}
    for rule, given in _table(settings, table, "rules").items():
        known_rule(rule, foreign=False)
        if not isinstance(given, dict):
            raise settings.error(f"[rules.{rule}] must be a table", rule)
        for name in given:
            if name not in rules[rule]:
                known = ", ".join(sorted(rules[rule])) or "none"
                raise settings.error(
                    f"rule '{rule}' has no option '{name}' (options: {known})", name
                )
        options[rule] = {**rules[rule], **given}
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in (*SEVERITIES, "none"):
        raise settings.error("fail-on must be low, medium, high or none", "fail-on")
    chosen = table.get("with", [])
    if not isinstance(chosen, list) or not all(isinstance(n, str) for n in chosen):
        raise settings.error("with must be a list of linter names", "with")
    for name in chosen:
        if name not in known_linters:
            known = ", ".join(sorted(known_linters))
            raise settings.error(f"unknown linter '{name}' (known: {known})", name)
    return AuditConfig(
        disable=frozenset(known_rule(r) for r in disable),
        severity=severity,
        options=options,
        targets=targets,
        fail_on=fail_on,
        linters=tuple(chosen),
    )


def _table(settings: Settings, table: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise settings.error(f"{key} must be a table", key)
    return value
