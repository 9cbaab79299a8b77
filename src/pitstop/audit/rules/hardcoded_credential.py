"""hardcoded-credential: a literal password, token or key written into a workflow."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, YamlDocument

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
    for doc in repo.documents.values():
        if doc.root is not None:
            yield from _under(doc, doc.root)


def _under(doc: YamlDocument, node: Node) -> Iterator[tuple[YamlDocument, MappingNode]]:
    if isinstance(node, MappingNode):
        for key, value in node.items():
            if key.raw in ("env", "with", "credentials") and isinstance(value, MappingNode):
                yield doc, value
            yield from _under(doc, value)
    elif isinstance(node, SequenceNode):
        for item in node.items:
            yield from _under(doc, item)


def check(repo: Repo, out: Check) -> None:
    for doc, mapping in _maps(repo):
        for key, value in mapping.items():
            if not isinstance(value, ScalarNode) or not isinstance(value.value, str):
                continue
            text = value.value
            literal = "${{" not in text
            token = TOKENS.search(text)
            url = URL_PASSWORD.search(text)
            named = bool(NAME.search(key.raw)) and not NOT_A_VALUE.search(key.raw)
            if not (token or url or named):
                continue
            out.checked += 1
            if token:
                out.flag(span(doc, value), f"'{key.raw}' holds what looks like a live credential")
            elif url and "${{" not in url.group("password"):
                out.flag(
                    span(doc, value),
                    f"'{key.raw}' is a connection string with a literal password; build it from "
                    "${{ secrets.… }}",
                )
            elif named and literal and text.strip().lower() not in HARMLESS:
                out.flag(
                    span(doc, value),
                    f"'{key.raw}' is a literal value; use ${{{{ secrets.{_secret(key.raw)} }}}}",
                    confidence="medium",
                )
    out.figure = f"{out.checked - out.failed} of {out.checked} credentials come from secrets"


def _secret(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name).upper()


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
)
