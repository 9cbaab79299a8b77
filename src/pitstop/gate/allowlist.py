"""Accepted security findings: a short, dated list, each entry saying why.

    [[tool.pitstop.gate.security.allow]]       # pyproject.toml
    id = "GHSA-xxxx-xxxx-xxxx"                   # the finding's id or any alias (CVE, PYSEC…)
    reason = "not reachable: we never parse untrusted YAML"
    expires = 2027-03-01                         # a TOML date, or "2027-03-01"
    package = "pyyaml"                           # optional: only on this package
    path = "src/legacy/**"                       # optional: only findings in these files

The same entries can stand as ``[[gate.security.allow]]`` in ``.pitstop.toml`` or as
``[[allow]]`` in ``.pitstop/allow.toml``; the entries of both are read. An entry without a
reason or an expiry date is a settings error placed at its ``file:line:col``; an expired entry
fails the gate; an entry that matches nothing is reported as stale."""

from __future__ import annotations

import datetime
import fnmatch
import os
import re
from dataclasses import dataclass
from typing import Any

from pitstop.config import Settings, read_toml
from pitstop.errors import PitstopError, Span
from pitstop.gate.security_model import SecurityFinding, normal_package

KEYS = ("id", "reason", "expires", "package", "path")
OWN_FILE = os.path.join(".pitstop", "allow.toml")


@dataclass
class Allowance:
    id: str
    reason: str
    expires: datetime.date
    span: Span
    package: str = ""
    path: str = ""
    matched: int = 0

    def covers(self, finding: SecurityFinding) -> bool:
        if self.id.upper() not in finding.ids():
            return False
        if self.package and normal_package(self.package) != normal_package(finding.package):
            return False
        return not self.path or fnmatch.fnmatch(finding.file, self.path)

    def expired(self, today: datetime.date) -> bool:
        return self.expires < today


def load_allowances(settings: Settings, root: str) -> list[Allowance]:
    """The entries of the project's settings and of ``.pitstop/allow.toml``."""
    found: list[Allowance] = []
    if settings.path is not None:
        security = settings.section("gate").get("security", {})
        if not isinstance(security, dict):
            raise settings.error("[gate.security] must be a table", "security")
        own = os.path.basename(settings.path) == ".pitstop.toml"
        header = (
            r"gate\s*\.\s*security\s*\.\s*allow"
            if own
            else (r"tool\s*\.\s*pitstop\s*\.\s*gate\s*\.\s*security\s*\.\s*allow")
        )
        found += _entries(security.get("allow", []), settings.text, settings.path, header)
    own_file = os.path.join(root, OWN_FILE)
    if os.path.isfile(own_file):
        text, data = read_toml(own_file)
        unknown = [key for key in data if key != "allow"]
        if unknown:
            raise _placed(
                f"unknown key '{unknown[0]}' (the file holds [[allow]] entries)",
                text,
                own_file,
                unknown[0],
            )
        found += _entries(data.get("allow", []), text, own_file, r"allow")
    return found


def _entries(entries: Any, text: str, path: str, header: str) -> list[Allowance]:
    path = os.path.normpath(path)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _placed("allow must be a list of tables ([[…allow]] entries)", text, path, "allow")
    headers = [m.start() for m in re.finditer(rf"^[ \t]*\[\[\s*{header}\s*\]\]", text, re.M)]
    found = []
    for number, entry in enumerate(entries):
        at = headers[number] if number < len(headers) else _line_offset(text, "allow")
        span = _span(text, path, at)

        def error(
            message: str, key: str | None = None, at: int = at, span: Span = span
        ) -> PitstopError:
            if key is not None:
                place = re.compile(rf"^[ \t]*{re.escape(key)}\s*=", re.M).search(text, at)
                if place is not None:
                    return PitstopError(message, _span(text, path, place.start()))
            return PitstopError(message, span)

        unknown = [key for key in entry if key not in KEYS]
        if unknown:
            keys = ", ".join(KEYS)
            raise error(
                f"unknown key '{unknown[0]}' in an allowlist entry (keys: {keys})", unknown[0]
            )
        ident = entry.get("id")
        if not isinstance(ident, str) or not ident.strip():
            raise error("an allowlist entry needs an id: the finding's id or one of its aliases")
        for key in ("reason", "expires"):
            if key not in entry or entry[key] in ("", None):
                what = (
                    "why it is accepted" if key == "reason" else "the date it must be reviewed by"
                )
                raise error(f"the allowlist entry for {ident} has no {key}: say {what}")
        reason = entry["reason"]
        if not isinstance(reason, str) or not reason.strip():
            raise error(f"the allowlist entry for {ident} needs a reason in words", "reason")
        expires = _date(entry["expires"])
        if expires is None:
            raise error(f"expires of {ident} must be a date (2027-03-01)", "expires")
        for key in ("package", "path"):
            if not isinstance(entry.get(key, ""), str):
                raise error(f"{key} of {ident} must be a string", key)
        found.append(
            Allowance(
                ident.strip(),
                reason.strip(),
                expires,
                span,
                str(entry.get("package", "")),
                str(entry.get("path", "")),
            )
        )
    return found


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _span(text: str, path: str, offset: int) -> Span:
    """The place of the line starting at ``offset``, past its indentation."""
    line = text.count("\n", 0, offset) + 1
    indent = len(text[offset : offset + 200]) - len(text[offset : offset + 200].lstrip(" \t"))
    column = offset - (text.rfind("\n", 0, offset) + 1) + indent + 1
    return Span(path, line, column, line, column)


def _line_offset(text: str, key: str) -> int:
    found = re.search(rf"^[ \t]*{re.escape(key)}\b", text, re.M)
    return found.start() if found else 0


def _placed(message: str, text: str, path: str, key: str) -> PitstopError:
    return PitstopError(message, _span(text, path, _line_offset(text, key)))
