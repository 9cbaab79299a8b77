"""hardcoded-credential: a literal password, token or key written into a workflow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix
from pitstop.workflow.yaml import MappingNode, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

NAME = re.compile(
    r"(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential|pwd)",
    re.IGNORECASE,
)
NOT_A_VALUE = re.compile(r"(_FILE|_PATH|_URL|_URI|_ENDPOINT|_LENGTH|_ID|_NAME|_USER)$", re.I)
URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^\s:/@]+:(?P<password>[^\s@/]+)@", re.I)
TOKENS = re.compile(
    r"(ghp_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|gh[ousr]_[A-Za-z0-9]{30,}"
    r"|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----)"
)
HARMLESS = frozenset({"", "true", "false", "none", "null", "trust", "md5", "scram-sha-256"})


def _maps(repo: Repo) -> Iterator[tuple[YamlDocument, MappingNode]]:
    """Every env, with, service/container env and credentials mapping in the repository."""
    for doc, _, value in repo.entries("env", "with", "credentials"):
        if isinstance(value, MappingNode):
            yield doc, value


def check(repo: Repo, out: Check) -> None:
    found = list(_candidates(repo))
    names = _secret_names(found)
    for doc, key, value, kind, literal in found:
        out.checked += 1
        if kind == "token":
            message = f"'{key.raw}' holds what looks like a live credential"
        elif kind == "url":
            message = (
                f"'{key.raw}' is a connection string with a literal password; build it from "
                "${{ secrets.… }}"
            )
        elif kind == "named":
            message = f"'{key.raw}' is a literal value; use ${{{{ secrets.{_secret(key.raw)} }}}}"
        else:
            continue
        out.flag(
            span(doc, value),
            message,
            confidence="medium" if kind == "named" else "high",
            fix=Fix(
                f"moved the literal into ${{{{ secrets.{names[literal]} }}}}",
                "unsafe",  # the secret must exist before the next run
                partial(_to_secret, doc, value, literal, names[literal]),
            ),
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} credentials come from secrets"


Candidate = tuple[YamlDocument, ScalarNode, ScalarNode, str, str]


def _candidates(repo: Repo) -> Iterator[Candidate]:
    """Every credential-like value: (doc, key, value, kind, the literal), kind ``token``,
    ``url`` or ``named`` when it is flagged, ``ok`` when it comes from a secret or is harmless."""
    for doc, mapping in _maps(repo):
        for key, value in mapping.items():
            if not isinstance(value, ScalarNode) or not isinstance(value.value, str):
                continue
            text = value.value
            token = TOKENS.search(text)
            url = URL_PASSWORD.search(text)
            named = bool(NAME.search(key.raw)) and not NOT_A_VALUE.search(key.raw)
            if token:
                yield doc, key, value, "token", token.group(0)
            elif url and "${{" not in url.group("password"):
                yield doc, key, value, "url", url.group("password")
            elif named and "${{" not in text and text.strip().lower() not in HARMLESS:
                yield doc, key, value, "named", text
            elif token or url or named:
                yield doc, key, value, "ok", text


def _secret_names(found: list[Candidate]) -> dict[str, str]:
    """One secret per literal value, named after the first key that holds it whole (so the
    password in DATABASE_URL becomes the same secret as POSTGRES_PASSWORD)."""
    names: dict[str, str] = {}
    for _doc, key, _value, kind, literal in found:
        if kind in ("named", "token") and literal not in names:
            names[literal] = _secret(key.raw)
    for _doc, key, _value, kind, literal in found:
        if kind == "url" and literal not in names:
            stem = re.sub(r"_?(URL|URI|DSN|CONNECTION(_STRING)?)$", "", _secret(key.raw))
            names[literal] = f"{stem or 'DATABASE'}_PASSWORD"
    return names


def _to_secret(
    doc: YamlDocument, node: ScalarNode, literal: str, name: str, context: FixContext
) -> None:
    if doc.path.endswith(("action.yml", "action.yaml")):
        raise CannotFix("a composite action cannot read secrets; pass the value in as an input")
    patch = context.patch(doc)
    expression = f"${{{{ secrets.{name} }}}}"
    if node.value == literal:
        patch.replace_scalar(node, expression)
    else:
        at = doc.text.find(literal, node.start.offset, node.end.offset)
        if at < 0:
            raise CannotFix("the literal is not written as it reads")
        patch.replace_fragment(node, at, at + len(literal), expression)
    context.todo.append(
        f"create the secret {name} (gh secret set {name}); for pitstop run, pass "
        f"--secret {name}=… or put it in a --secret-file"
    )


def _secret(name: str) -> str:
    """A name GitHub accepts for a secret: letters, digits and _, not GITHUB_…, no leading
    digit."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
    if cleaned.startswith("GITHUB_"):
        cleaned = "GH_" + cleaned[len("GITHUB_") :]
    return "S_" + cleaned if cleaned[:1].isdigit() else cleaned


RULE = Rule(
    id="hardcoded-credential",
    category="security",
    severity="high",
    summary="A password, token or key is written into a workflow.",
    docs=Docs(
        what="Flags literal values of env, `with:`, service and container env and credentials "
        "whose name says password, secret, token or key; connection strings with a password "
        "in them; and values shaped like real tokens (ghp_, AKIA, xox…, private key blocks).",
        why="Everything in a workflow file is readable by everyone who can read the "
        "repository, forever, in its git history. Even a test database password teaches "
        "people to paste real ones next to it, and a token in the file is a token leaked.",
        example="env:\n  POSTGRES_PASSWORD: tradedesk-test\n"
        "  DATABASE_URL: postgresql://app:tradedesk-test@localhost/app",
        instead="env:\n  POSTGRES_PASSWORD: ${{ secrets.POSTGRES_PASSWORD }}\n"
        "  DATABASE_URL: postgresql://app:${{ secrets.POSTGRES_PASSWORD }}@localhost/app",
    ),
    check=check,
    fixable="unsafe",
)
