"""hardcoded-credential: a literal password, token or key written into a workflow."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from pitstop.audit.findings import Fix
from pitstop.audit.repo import EXAMPLE_SETTINGS, Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix
from pitstop.workflow.yaml import MappingNode, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

NAME = re.compile(
    r"(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential|pwd)",
    re.IGNORECASE,
)
NOT_A_VALUE = re.compile(
    r"([_-]FILES?|[_-]PATH|[_-]URL|[_-]URI|[_-]ENDPOINT|[_-]LENGTH|[_-]ID|[_-]NAME|[_-]USER"
    r"|[_-]STRATEGY|[_-]MODE|[_-]TYPE|[_-]POLICY|[_-]FORMAT|[_-]VERSION|[_-]TITLE|[_-]SUMMARY"
    r"|[_-]LABEL|[_-]MESSAGE|[_-]DESCRIPTION|[_-]TEXT|[_-]HEADER|[_-]LIFETIME|[_-]TTL"
    r"|[_-]EXPIRY|[_-]EXPIRES|[_-]DURATION|[_-]TIMEOUT|[_-]SCOPES?)$",
    re.I,
)
URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^\s:/@]*:(?P<password>[^\s@/]+)@", re.I)
TOKENS = re.compile(
    r"(ghp_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|gh[ousr]_[A-Za-z0-9]{30,}"
    r"|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----)"
)
HARMLESS = frozenset(
    {"", "true", "false", "none", "null", "trust", "md5", "scram-sha-256", "password"}
    | {"yes", "no", "on", "off", "0", "1", "required", "optional", "disabled", "enabled"}
)
# Values that stand for something else: a variable's name or names (setup-java's
# server-password takes one; cibuildwheel's CIBW_ENVIRONMENT_PASS_* takes a list), a shell
# variable, a placeholder.
NAMES_ONLY = re.compile(r"[A-Z][A-Z0-9_]*([\s,]+[A-Z][A-Z0-9_]*)*\Z")
# A value that says it is not a secret ("ci-release-not-a-real-secret", "dummy-token").
SAYS_FAKE = re.compile(
    r"not[-_ ]?a[-_ ]?(real[-_ ]?)?(secret|password|token|key)|\b(fake|dummy|placeholder|"
    r"example|redacted)\b|^[\[{]\s*[\]}]$",
    re.IGNORECASE,
)
REFERENCE = re.compile(r"\A\$\{?[A-Za-z_][A-Za-z0-9_]*\}?\Z|\A<[^>]*>\Z|\A\*+\Z|\Ax{3,}\Z", re.I)
# Not a secret's value: a URL without a password in it, `KEY=ENV_NAME` mappings, `foo`, an
# identifier (`urn:pulumi:token-type:…`), a mapping of a name to a
# file (`MYSECRET=./test/secret.txt`) or, line by line, of names to a vault's paths (k6's
# `repo_secrets: client-id=azure-trusted-signing:client-id`), a sentence ("As provided by
# GitHub Actions"), a duration (`access_token_lifetime: 14400s`).
# JSON given as a value (codeql-action's registry list of public URLs): a secret only where a
# key says so and holds a literal.
JSON_SECRET = re.compile(r'"[\w-]*(password|token|secret|key)"\s*:\s*"(?!\$\{\{)[^"]+"', re.I)
NOT_SECRET_TEXT = re.compile(
    # a URL with no user part (auth's `id_token_audience: https://iam.googleapis.com/…`)
    r"\A[a-z][a-z0-9+.-]*://[^\s@]+\Z|"
    # `KEY=ENV_NAME` lines: a build secret taken from an environment variable by name
    # (docker/build-push-action's `secret-envs`), or test values (`MYSECRET=foo`, `KEY=`)
    r"\A(\s*[\w-]+=([A-Z][A-Z0-9_]*|foo|bar|baz)?\s*)+\Z|"
    # the metasyntactic words of test fixtures
    r"\A(foo|bar|baz|qux|foobar)\Z|"
    r"\Aurn:|\A[A-Za-z_][A-Za-z0-9_]*=(\.{0,2}/|~/)\S*\Z|\A[A-Za-z][a-z]*( [A-Za-z][a-z,.]*){2,}\Z"
    r"|\A(\s*[\w-]+=[\w./-]+:[\w./-]+\s*)+\Z|\A\d+(ms|s|m|h|d)\Z"
)
SWITCH_KEY = re.compile(r"(ALLOW_EMPTY|RANDOM_ROOT|EMPTY)_PASSWORD|PASSWORD_(REQUIRED|AUTH)", re.I)
LOCAL_HOST = re.compile(r"@(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)(:\d+)?(/|\Z)", re.I)


def entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def random_looking(text: str) -> bool:
    """A value shaped like a generated key: long, mixed letters and digits, high entropy."""
    if len(text) < 16 or any(c.isspace() for c in text):
        return False
    classes = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    return classes >= 2 and any(c.isdigit() for c in text) and entropy(text) >= 3.5


def _maps(repo: Repo) -> Iterator[tuple[YamlDocument, MappingNode]]:
    """Every env, with, service/container env and credentials mapping in the repository."""
    for doc, _, value in repo.entries("env", "with", "credentials"):
        if isinstance(value, MappingNode):
            yield doc, value


def _service_literals(repo: Repo) -> dict[str, set[str]]:
    """By file: the literal values of the service containers' env, the throwaway passwords of
    databases that live as long as the job."""
    found: dict[str, set[str]] = {}
    for workflow, job in repo.jobs():
        for service in job.services.values():
            for value in service.env.values():
                if isinstance(value, str) and "${{" not in value:
                    found.setdefault(workflow.path, set()).add(value)
    return found


def _service_maps(repo: Repo) -> set[int]:
    found = set()
    for _workflow, job in repo.jobs():
        for service in job.services.values():
            env = service.node.get("env") if isinstance(service.node, MappingNode) else None
            if env is not None:
                found.add(id(env))
    return found


def _owners(repo: Repo) -> dict[int, str]:
    """The ``with:`` mappings of steps, by id, and the action each belongs to."""
    owners = {}
    for place in repo.steps():
        inputs = place.step.node.get("with")
        if inputs is not None and place.step.uses:
            owners[id(inputs)] = place.step.uses
    return owners


def check(repo: Repo, out: Check) -> None:
    found = list(_candidates(repo))
    names = _secret_names(found)
    for candidate in found:
        doc, key, value, kind, literal = candidate[:5]
        out.checked += 1
        if kind == "ok":
            continue
        tier = candidate.tier
        if kind == "token":
            message = f"'{key.raw}' holds what looks like a live credential"
        elif kind == "url":
            message = (
                f"'{key.raw}' is a connection string with a literal password; build it from "
                "${{ secrets.… }}"
            )
        else:
            message = f"'{key.raw}' is a literal value; use ${{{{ secrets.{names[literal]} }}}}"
        if tier == "low" and candidate.local:
            message += " (a throwaway password of a database on localhost)"
        elif tier == "low":
            message += " (a throwaway password of a service container of this workflow)"
        out.flag(
            span(doc, value),
            message,
            confidence="high" if kind != "named" or tier != "medium" else "medium",
            severity=tier,
            fix=Fix(
                f"moved the literal into ${{{{ secrets.{names[literal]} }}}}"
                + (
                    " (pull requests from forks get no secrets: the service will not start "
                    "for them)"
                    if tier == "low"
                    else ""
                ),
                "unsafe",  # the secret must exist before the next run
                partial(_to_secret, doc, value, literal, candidate.at, names[literal]),
            ),
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} credentials come from secrets"


class Candidate(NamedTuple):
    doc: YamlDocument
    key: ScalarNode
    value: ScalarNode
    kind: str  # token, url, named (flagged) or ok
    literal: str
    tier: str = "high"  # the finding's severity
    at: int = -1  # where the literal starts inside the value's text, when it is part of it
    owner: str = ""  # the action whose input this is
    local: bool = False  # low for a connection string to localhost, not to a service's password


def _candidates(repo: Repo) -> Iterator[Candidate]:
    """Every credential-like value, kind ``token``, ``url`` or ``named`` when it is flagged,
    ``ok`` when it comes from a secret or is harmless, with its tier: high for what looks like
    a real credential, low for a service container's throwaway password, medium otherwise."""
    services = _service_literals(repo)
    service_maps = _service_maps(repo)
    published = _example_values(repo)
    owners = _owners(repo)
    for doc, mapping in _maps(repo):
        throwaway = services.get(doc.path, set())
        owner = owners.get(id(mapping), "")
        for key, value in mapping.items():
            if not isinstance(value, ScalarNode) or not isinstance(value.value, str):
                continue
            text = value.value
            token = TOKENS.search(text)
            url = URL_PASSWORD.search(text)
            named = bool(NAME.search(key.raw)) and not NOT_A_VALUE.search(key.raw)
            stripped = text.strip()
            if token:
                yield Candidate(doc, key, value, "token", token.group(0), owner=owner)
            elif url and "${{" not in url.group("password"):
                password = url.group("password")
                local = password not in throwaway and LOCAL_HOST.search(text) is not None
                low = local or password in throwaway
                if not low and password in published:
                    yield Candidate(doc, key, value, "ok", text)  # the example settings' own
                    continue
                tier = "low" if low else "high" if random_looking(password) else "medium"
                at = _offset(doc, value, text, url.start("password"))
                yield Candidate(doc, key, value, "url", password, tier, at, owner, local)
            elif (
                named
                and "${{" not in text
                and stripped.lower() not in HARMLESS
                and not NAMES_ONLY.match(stripped)
                and not REFERENCE.match(stripped)
                and not SAYS_FAKE.search(stripped.replace("_", "-"))
                and not SWITCH_KEY.search(key.raw)
                and not NOT_SECRET_TEXT.search(stripped)
                and not (stripped.startswith(("[", "{")) and not JSON_SECRET.search(stripped))
            ):
                if id(mapping) in service_maps or text in throwaway:
                    tier = "low"
                elif stripped in published:
                    yield Candidate(doc, key, value, "ok", text)  # the example settings' own
                    continue
                else:
                    tier = "high" if random_looking(stripped) else "medium"
                yield Candidate(doc, key, value, "named", text, tier, owner=owner)
            elif token or url or named:
                yield Candidate(doc, key, value, "ok", text)


SETTING = re.compile(r"^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*(.*?)\s*$", re.MULTILINE)


def _example_values(repo: Repo) -> set[str]:
    """The values the repository publishes as example settings (`.env.example` and the like),
    and the passwords in their connection strings: a placeholder every reader already has
    (hoppscotch's `DATA_ENCRYPTION_KEY`), not a credential. A service's or a local database's
    throwaway password stays a low finding even so: the seeds' plans move those to secrets."""
    values: set[str] = set()
    for path in repo.files:
        if not EXAMPLE_SETTINGS.search(path):
            continue
        for found in SETTING.finditer(repo.read(path) or ""):
            value = found.group(1).strip("\"'")
            if value:
                values.add(value)
                url = URL_PASSWORD.search(value)
                if url:
                    values.add(url.group("password"))
    return values


def _offset(doc: YamlDocument, node: ScalarNode, value: str, index: int) -> int:
    """Where character ``index`` of a plain or quoted one-line scalar's value is in the text,
    or -1 when the text does not read as its value there."""
    source = doc.text[node.start.offset : node.end.offset]
    for skip in (0, 1):  # plain, or after the opening quote
        if source[skip : skip + len(value)] == value:
            return node.start.offset + skip + index
    return -1


def _secret_names(found: list[Candidate]) -> dict[str, str]:
    """One secret per literal value, and one value per secret: named after the first key that
    holds it whole (so the password in DATABASE_URL becomes the same secret as
    POSTGRES_PASSWORD), an action's input after the action, a connection string's password
    after the string; a name already taken by another value gets a number."""
    names: dict[str, str] = {}
    taken: set[str] = set()

    def give(literal: str, name: str) -> None:
        if literal in names:
            return
        chosen, number = name, 2
        while chosen in taken:
            chosen, number = f"{name}_{number}", number + 1
        names[literal] = chosen
        taken.add(chosen)

    for c in found:
        if c.kind in ("named", "token"):
            give(c.literal, _secret(_owned(c.owner, c.key.raw)))
    for c in found:
        if c.kind == "url":
            stem = re.sub(r"_?(URL|URI|DSN|CONNECTION(_STRING)?)$", "", _secret(c.key.raw))
            give(c.literal, f"{stem or 'DATABASE'}_PASSWORD")
    return names


def _owned(owner: str, key: str) -> str:
    """An action input's secret name: the action's name, then the input (``token`` of
    codecov/codecov-action is CODECOV_ACTION_TOKEN)."""
    if not owner or owner.startswith(("./", "$/", "docker://")):
        return key
    repository = owner.partition("@")[0].split("/")
    name = repository[1] if len(repository) > 1 else repository[0]
    return f"{name}_{key}"


def _to_secret(
    doc: YamlDocument,
    node: ScalarNode,
    literal: str,
    at: int,
    name: str,
    context: FixContext,
) -> None:
    if doc.path.endswith(("action.yml", "action.yaml")):
        raise CannotFix("a composite action cannot read secrets; pass the value in as an input")
    patch = context.patch(doc)
    expression = f"${{{{ secrets.{name} }}}}"
    if node.value == literal:
        patch.replace_scalar(node, expression)
    else:
        if at < 0:
            raise CannotFix("the literal is not written as it reads")
        patch.edit_scalar(
            node,
            at,
            at + len(literal),
            expression,
            _replace_at(str(node.value), doc.text, node, at, literal, expression),
        )
    context.todo.append(
        f"create the secret {name} (gh secret set {name}); for pitstop run, pass "
        f"--secret {name}=… or put it in a --secret-file"
    )


def _replace_at(
    value: str, text: str, node: ScalarNode, at: int, literal: str, expression: str
) -> str:
    """The scalar's value with the literal at text offset ``at`` replaced: the same index in
    the value, since ``_offset`` found the value written as it reads."""
    source = text[node.start.offset : node.end.offset]
    skip = 0 if source.startswith(value) else 1
    index = at - node.start.offset - skip
    if value[index : index + len(literal)] != literal:
        raise CannotFix("the literal is not written as it reads")
    return value[:index] + expression + value[index + len(literal) :]


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
        "in them; and values shaped like real tokens (ghp_, AKIA, xox…, private key blocks). "
        "Tiers: token formats and random-looking values (long, mixed, high entropy) are high; "
        "the throwaway passwords of this workflow's service containers (in their env, or a "
        "connection string to localhost or with the same password) are low; other literals "
        "are medium. Variable names (`server-password: MAVEN_PASSWORD`), switches "
        "(`MYSQL_ALLOW_EMPTY_PASSWORD: yes`), shell variables, placeholders, and values the "
        "repository publishes in its example settings (`.env.example`) are not findings, "
        "token formats and throwaway passwords (still low) aside. The fix replaces exactly the "
        "secret part (the password inside a URL) and never gives one secret name to two "
        "values.",
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
