"""What ``pitstop wait`` waits for, written as one word each:

- ``http://host/path`` or ``https://…``: a response with a 2xx status; the fragment, which is
  never sent, adds expectations: ``#status=204``, ``#status=200-399``, ``#body=REGEX``,
  ``#json=PATH=VALUE`` (``data.ready=true``; ``$.`` may lead), ``#header=NAME:REGEX``, joined
  by ``&``;
- ``tcp://host:port``: a connection accepted;
- ``postgresql://user:password@host:port/db`` (or ``postgres://``): a connection that runs
  ``select 1`` (psycopg, the ``db`` extra);
- ``redis://[:password@]host:port[/db]``: ``PING`` answered ``PONG`` (RESP over a socket; a
  password is sent with ``AUTH`` first);
- ``exec:COMMAND``: the command, run by ``sh -c``, exits 0;
- ``file:PATH``: the file exists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from pitstop.errors import PitstopError

SCHEMES = ("http", "https", "tcp", "postgresql", "postgres", "redis", "exec", "file")


@dataclass
class Target:
    text: str  # as given
    kind: str  # http, tcp, postgresql, redis, exec, file
    url: str = ""  # http: without its fragment
    host: str = ""
    port: int = 0
    path: str = ""  # file's path, exec's command
    statuses: tuple[int, int] = (200, 299)
    body: re.Pattern[str] | None = None
    json: list[tuple[list[str], str]] = field(default_factory=list)
    headers: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)

    @property
    def shown(self) -> str:
        """The target without a password."""
        return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", self.text)


def parse_target(text: str) -> Target:
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme not in SCHEMES:
        raise PitstopError(
            f"{text!r} is not a target: http(s)://…, tcp://host:port, postgresql://…, "
            "redis://…, exec:COMMAND or file:PATH"
        )
    if scheme == "exec":
        command = text[len("exec:") :].strip()
        if not command:
            raise PitstopError("exec: needs a command (exec:pg_isready -h localhost)")
        return Target(text, "exec", path=command)
    if scheme == "file":
        path = text[len("file:") :]
        path = unquote(path[2:]) if path.startswith("//") else path
        if not path:
            raise PitstopError("file: needs a path (file:/tmp/ready)")
        return Target(text, "file", path=path)
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise PitstopError(f"{text!r}: the port is not a number from 0 to 65535") from None
    host = parts.hostname or ""
    if not host:
        raise PitstopError(f"{text!r} names no host")
    if scheme in ("http", "https"):
        target = Target(text, "http", url=urlunsplit(parts._replace(fragment="")), host=host)
        _expectations(target, parts.fragment)
        return target
    if scheme == "tcp":
        if port is None:
            raise PitstopError(f"{text!r} names no port (tcp://host:port)")
        return Target(text, "tcp", host=host, port=port)
    if scheme in ("postgresql", "postgres"):
        return Target(text, "postgresql", url=text, host=host, port=port or 5432)
    return Target(text, "redis", url=text, host=host, port=port or 6379)


def _expectations(target: Target, fragment: str) -> None:
    for key, value in parse_qsl(fragment, keep_blank_values=True):
        if key == "status":
            found = re.fullmatch(r"(\d{3})(?:-(\d{3}))?|([1-5])xx", value)
            if found is None:
                raise PitstopError(
                    f"{target.text}: status={value!r}: a code, a range (200-399) or 2xx"
                )
            if found.group(3):
                low = int(found.group(3)) * 100
                target.statuses = (low, low + 99)
            else:
                target.statuses = (int(found.group(1)), int(found.group(2) or found.group(1)))
        elif key == "body":
            target.body = _pattern(target, value)
        elif key == "json":
            path, equals, expected = value.partition("=")
            if not equals or not path:
                raise PitstopError(f"{target.text}: json={value!r}: expected PATH=VALUE")
            target.json.append(([p for p in path.removeprefix("$.").split(".") if p], expected))
        elif key == "header":
            name, colon, pattern = value.partition(":")
            if not colon or not name:
                raise PitstopError(f"{target.text}: header={value!r}: expected NAME:REGEX")
            target.headers.append((name.strip(), _pattern(target, pattern)))
        else:
            raise PitstopError(
                f"{target.text}: unknown expectation {key!r} (status, body, json, header)"
            )


def _pattern(target: Target, value: str) -> re.Pattern[str]:
    try:
        return re.compile(value)
    except re.error as error:
        raise PitstopError(
            f"{target.text}: {value!r} is not a regular expression: {error}"
        ) from None
