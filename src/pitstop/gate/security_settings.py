"""The security gate's settings, ``[tool.pitstop.gate.security]`` (or ``[gate.security]`` in
``.pitstop.toml``): ``fail-on``, ``default-severity``, ``max`` budgets and the ``allow`` list
(``gate.allowlist``). Options on the command line win over them."""

from __future__ import annotations

from dataclasses import dataclass, field

from pitstop.config import Settings
from pitstop.errors import PitstopError
from pitstop.gate.security import Budget, parse_budget
from pitstop.gate.security_model import SEVERITIES

KEYS = ("fail-on", "default-severity", "max", "allow")


@dataclass
class SecuritySettings:
    fail_on: str = "high"
    default_severity: str = "high"
    budgets: list[Budget] = field(default_factory=list)


def security_settings(settings: Settings) -> SecuritySettings:
    if settings.path is None:
        return SecuritySettings()
    gate = settings.section("gate")
    for name in gate:
        if name not in ("security", "env"):
            raise settings.error(
                f"unknown table [gate.{name}] (pitstop reads [gate.security] and [gate.env])",
                name,
            )
    table = gate.get("security", {})
    if not isinstance(table, dict):
        raise settings.error("[gate.security] must be a table", "security")
    for key in table:
        if key not in KEYS:
            raise settings.error(
                f"unknown key '{key}' in [gate.security] (keys: {', '.join(KEYS)})", key
            )
    chosen = SecuritySettings()
    for key, choices in (("fail-on", (*SEVERITIES, "none")), ("default-severity", SEVERITIES)):
        if key in table:
            if table[key] not in choices:
                raise settings.error(f"{key} must be one of {', '.join(choices)}", key)
            setattr(chosen, key.replace("-", "_"), table[key])
    budgets = table.get("max", {})
    if not isinstance(budgets, dict):
        raise settings.error('max must be a table: max = { high = 5, "high+" = 4 }', "max")
    for name, most in budgets.items():
        if not isinstance(most, int) or isinstance(most, bool) or most < 0:
            raise settings.error(f"max.{name} must be a whole number", "max")
        try:
            chosen.budgets.append(parse_budget(f"{name}={most}"))
        except PitstopError as error:
            raise settings.error(error.message.replace("--max", "max"), "max") from None
    return chosen
