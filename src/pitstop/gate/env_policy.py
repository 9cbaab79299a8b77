"""``pitstop gate env``: an environment's variables held against its policy, without ever
printing a value (only its name and the rule it broke).

    [tool.pitstop.gate.env.staging]            # [gate.env.staging] in .pitstop.toml
    required = ["ALPACA_PAPER_API_KEY"]        # must be set, not empty
    forbidden = ["ALPACA_LIVE_API_KEY"]        # must not be set (names or globs: "*_LIVE_*")
    values = { DRY_RUN = "true" }              # must hold exactly this
    deny = { "*" = "^sk_live_" }               # names (globs) whose values must not match

The variables are the process's (what the job's ``env:`` and secrets gave it), with those of
``--env-file`` files (``KEY=value`` lines, ``export`` and quotes allowed) where the process has
none of that name, as dotenv loaders do."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from pitstop.config import Settings
from pitstop.errors import PitstopError, Span
from pitstop.gate.verdict import Verdict

KEYS = ("required", "forbidden", "values", "deny")


@dataclass
class EnvPolicy:
    name: str
    required: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    deny: dict[str, re.Pattern[str]] = field(default_factory=dict)


def env_policy(settings: Settings, name: str) -> EnvPolicy:
    if settings.path is None:
        raise PitstopError(
            f"no policy for {name}: pitstop reads [tool.pitstop.gate.env.{name}] in "
            "pyproject.toml or [gate.env.{name}] in .pitstop.toml"
        )
    policies = settings.section("gate").get("env", {})
    if not isinstance(policies, dict) or name not in policies:
        known = ", ".join(sorted(policies)) if isinstance(policies, dict) else ""
        raise settings.error(
            f"no policy for the environment {name!r} (policies: {known or 'none'})", "env"
        )
    table = policies[name]
    if not isinstance(table, dict):
        raise settings.error(f"[gate.env.{name}] must be a table", name)
    for key in table:
        if key not in KEYS:
            raise settings.error(
                f"unknown key '{key}' in [gate.env.{name}] (keys: {', '.join(KEYS)})", key
            )
    policy = EnvPolicy(name)
    for key in ("required", "forbidden"):
        listed = table.get(key, [])
        if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            raise settings.error(f"{key} must be a list of variable names", key)
        setattr(policy, key, listed)
    for key in ("values", "deny"):
        mapping = table.get(key, {})
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise settings.error(f"{key} must map variable names to strings", key)
    policy.values = dict(table.get("values", {}))
    for glob, pattern in table.get("deny", {}).items():
        try:
            policy.deny[glob] = re.compile(pattern)
        except re.error as error:
            raise settings.error(
                f"deny.{glob}: {pattern!r} is not a regular expression: {error}", "deny"
            ) from None
    return policy


def read_env_file(path: str) -> dict[str, str]:
    """The variables of a dotenv file; a line that is not ``KEY=value`` is an error, placed."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise PitstopError(f"cannot read: {error}", Span.file_start(path)) from None
    found: dict[str, str] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, equals, value = line.partition("=")
        key = key.strip()
        if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", key):
            column = len(raw) - len(raw.lstrip()) + 1
            raise PitstopError("expected KEY=value", Span(path, number, column, number, column))
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        found[key] = value
    return found


def judge(policy: EnvPolicy, variables: dict[str, str]) -> Verdict:
    """Each rule of ``policy`` against ``variables``; the details name variables, never values."""
    verdict = Verdict()
    for name in policy.required:
        present = bool(variables.get(name))
        verdict.check(
            f"{name} is set",
            present,
            f"{name} is set" if present else f"{name} is not set (required)",
        )
    for glob in policy.forbidden:
        names = sorted(n for n in variables if fnmatch.fnmatchcase(n, glob))
        verdict.check(
            f"{glob} is not set",
            not names,
            f"{', '.join(names)} is set, which {policy.name} forbids ({glob})"
            if names
            else f"no {glob}",
        )
    for name, expected in policy.values.items():
        if name not in variables:
            verdict.check(
                f"{name} = {expected}",
                False,
                f"{name} is not set; {policy.name} needs it to be {expected!r}",
            )
        else:
            same = variables[name] == expected
            verdict.check(
                f"{name} = {expected}",
                same,
                f"{name} is {expected!r}"
                if same
                else f"{name} is not {expected!r} (its value is not shown)",
            )
    for glob, pattern in policy.deny.items():
        names = sorted(
            n for n, v in variables.items() if fnmatch.fnmatchcase(n, glob) and pattern.search(v)
        )
        verdict.check(
            f"no {glob} value matches {pattern.pattern}",
            not names,
            f"the value of {', '.join(names)} matches {pattern.pattern!r} ({policy.name} denies it)"
            if names
            else f"no {glob} value matches {pattern.pattern!r}",
        )
    if not verdict.checks:
        raise PitstopError(f"the policy for {policy.name} has no rules (keys: {', '.join(KEYS)})")
    return verdict
