"""A smoke suite, read from YAML with every mistake placed at its ``file:line:col``:

    base_url: http://localhost:8000      # --base-url wins
    headers: {Accept: application/json}  # sent with every request
    timeout: 5s                          # each request's, unless it says
    requests:
      - name: log in
        post: /login                     # or method: POST + path: /login
        json: {user: "${SMOKE_USER}", password: "${SMOKE_PASSWORD}"}
        expect:
          status: 200                    # a code, a list, or "2xx"
          json:
            token: {type: string, matches: "^ey"}
          duration: {under: 500ms}
        capture: {token: json.token}     # for later requests: ${token}
      - name: orders
        get: /orders
        headers: {Authorization: "Bearer ${token}"}
        retry: {attempts: 3, interval: 200ms}
        expect:
          json:
            items: {length: {min: 1}}
      - name: prices stream
        websocket: /ws/prices
        send: '{"subscribe": "AAPL"}'
        expect: {message: {contains: AAPL}, within: 2s}

``${NAME}`` is a capture of an earlier request, else an environment variable."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pitstop.errors import PitstopError, Span
from pitstop.gate.report_file import report_text
from pitstop.probes import yaml_fields as fields
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, parse_yaml

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
CHECKS = ("equals", "contains", "matches", "type", "length", "exists")
TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "number": (int, float),
    "integer": int,
    "boolean": bool,
    "array": list,
    "object": dict,
    "null": type(None),
}
REQUEST_KEYS = (
    "name",
    "method",
    "path",
    "headers",
    "query",
    "json",
    "form",
    "timeout",
    "expect",
    "capture",
    "retry",
    "websocket",
    "send",
    *METHODS,
)
EXPECT_KEYS = ("status", "headers", "json", "body", "duration", "message", "within")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class Check:
    """One assertion on a value: the JSON path (or header, or the body) and what must hold."""

    subject: str  # "json token", "header Content-Type", "body", "message"
    path: list[str]
    kind: str  # one of CHECKS
    expected: Any
    span: Span


@dataclass
class Request:
    name: str
    span: Span
    method: str = "GET"
    path: str = ""
    websocket: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str] | None = None
    send: str | None = None
    timeout: float | None = None
    statuses: list[tuple[int, int]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    under: float | None = None  # seconds
    within: float | None = None  # websocket: seconds for the expected message
    captures: dict[str, list[str]] = field(default_factory=dict)  # name -> json path
    attempts: int = 1
    retry_interval: float = 0.5

    def uses(self) -> set[str]:
        """The variables it reads."""
        text = repr((self.path, self.headers, self.query, self.json, self.form, self.send))
        return set(VARIABLE.findall(text))


@dataclass
class Suite:
    path: str
    base_url: str
    headers: dict[str, str]
    timeout: float
    requests: list[Request]


def load_suite(path: str) -> Suite:
    doc = parse_yaml(report_text(path, "smoke suite"), path)
    root = doc.root
    if not isinstance(root, MappingNode):
        raise PitstopError("a smoke suite is a mapping with requests:", Span.file_start(path))
    fields.known(doc.path, root, ("base_url", "headers", "timeout", "requests"), "the suite")
    timeout = fields.duration(doc.path, root.get("timeout")) or 10.0
    listed = root.get("requests")
    if not isinstance(listed, SequenceNode) or not listed.items:
        raise PitstopError(
            "requests: must list at least one request", fields.at(doc.path, listed or root)
        )
    requests = [_request(doc.path, node, n) for n, node in enumerate(listed, start=1)]
    names = [r.name for r in requests]
    for request in requests:
        if names.count(request.name) > 1:
            raise PitstopError(f"two requests are named {request.name!r}", request.span)
    return Suite(
        path,
        str(_scalar(root.get("base_url")) or ""),
        _strings(doc.path, root.get("headers"), "headers"),
        timeout,
        requests,
    )


def _request(path: str, node: Node, number: int) -> Request:
    if not isinstance(node, MappingNode):
        raise PitstopError("a request is a mapping (get: /path, expect: …)", fields.at(path, node))
    fields.known(path, node, REQUEST_KEYS, "a request")
    request = Request(str(_scalar(node.get("name")) or f"request {number}"), fields.at(path, node))
    verbs = [m for m in METHODS if m in node]
    if node.get("websocket") is not None:
        request.websocket, request.path = True, str(_scalar(node.get("websocket")))
        request.send = None if node.get("send") is None else str(_scalar(node.get("send")))
    elif len(verbs) == 1:
        request.method, request.path = verbs[0].upper(), str(_scalar(node.get(verbs[0])))
    elif verbs:
        raise PitstopError(f"one method per request, not {', '.join(verbs)}", request.span)
    else:
        method = str(_scalar(node.get("method")) or "GET").upper()
        if method.lower() not in METHODS:
            raise PitstopError(
                f"unknown method {method!r}", fields.at(path, node.get("method") or node)
            )
        request.method, request.path = method, str(_scalar(node.get("path")) or "")
    if not request.path:
        raise PitstopError(f"{request.name}: no path (get: /health)", request.span)
    request.headers = _strings(path, node.get("headers"), "headers")
    request.query = _strings(path, node.get("query"), "query")
    if node.get("json") is not None:
        request.json = node.values["json"].to_python()
    if node.get("form") is not None:
        request.form = _strings(path, node.get("form"), "form")
    request.timeout = fields.duration(path, node.get("timeout"))
    retry = node.get("retry")
    if retry is not None:
        if not isinstance(retry, MappingNode):
            raise PitstopError("retry: {attempts: 3, interval: 500ms}", fields.at(path, retry))
        fields.known(path, retry, ("attempts", "interval"), "retry")
        attempts = _scalar(retry.get("attempts"))
        if not isinstance(attempts, int) or attempts < 1:
            raise PitstopError(
                "retry.attempts must be a whole number from 1", fields.at(path, retry)
            )
        request.attempts = attempts
        request.retry_interval = fields.duration(path, retry.get("interval")) or 0.5
    capture = node.get("capture")
    if capture is not None:
        if not isinstance(capture, MappingNode):
            raise PitstopError("capture: {name: json.path}", fields.at(path, capture))
        for key, value in capture.items():
            where = str(_scalar(value))
            if not where.startswith("json.") and where != "json":
                raise PitstopError(
                    f"capture {key.value}: a JSON path (json.token)", fields.at(path, value)
                )
            request.captures[str(key.value)] = [p for p in where.split(".")[1:] if p]
    _expect(path, node.get("expect"), request)
    return request


def _expect(path: str, node: Node | None, request: Request) -> None:
    if node is None:
        if not request.websocket:
            request.statuses = [(200, 299)]
        return
    if not isinstance(node, MappingNode):
        raise PitstopError(
            "expect: is a mapping (status:, json:, headers:…)", fields.at(path, node)
        )
    fields.known(path, node, EXPECT_KEYS, "expect")
    status = node.get("status")
    request.statuses = (
        _statuses(path, status)
        if status is not None
        else ([] if request.websocket else [(200, 299)])
    )
    json_node = node.get("json")
    if json_node is not None:
        if not isinstance(json_node, MappingNode):
            raise PitstopError("expect.json maps JSON paths to checks", fields.at(path, json_node))
        for key, value in json_node.items():
            parts = [p for p in str(key.value).removeprefix("$.").split(".") if p and p != "$"]
            request.checks += _checks(path, value, "json", parts)
    headers = node.get("headers")
    if headers is not None:
        if not isinstance(headers, MappingNode):
            raise PitstopError("expect.headers maps names to checks", fields.at(path, headers))
        for key, value in headers.items():
            request.checks += _checks(path, value, "header", [str(key.value)])
    for subject in ("body", "message"):
        if node.get(subject) is not None:
            request.checks += _checks(path, node.values[subject], subject, [])
    duration = node.get("duration")
    if duration is not None:
        if not isinstance(duration, MappingNode) or "under" not in duration:
            raise PitstopError("expect.duration: {under: 500ms}", fields.at(path, duration))
        request.under = fields.duration(path, duration.get("under"))
    request.within = fields.duration(path, node.get("within"))
    expects_message = any(c.subject == "message" for c in request.checks)
    if request.websocket and request.send is not None and not expects_message:
        raise PitstopError(f"{request.name}: expect a message: after send:", request.span)


def _checks(path: str, node: Node, subject: str, parts: list[str]) -> list[Check]:
    """A check mapping ({equals: x, type: string}), or a plain value meaning equals."""
    if not isinstance(node, MappingNode):
        return [Check(subject, parts, "equals", node.to_python(), fields.at(path, node))]
    found = []
    for key, value in node.items():
        kind = str(key.value)
        if kind not in CHECKS:
            raise PitstopError(
                f"unknown assert {kind!r} (asserts: {', '.join(CHECKS)})", fields.at(path, key)
            )
        expected = value.to_python()
        if kind == "type" and expected not in TYPES:
            raise PitstopError(f"type is one of {', '.join(TYPES)}", fields.at(path, value))
        if kind == "matches":
            try:
                re.compile(str(expected))
            except re.error as error:
                raise PitstopError(
                    f"{expected!r} is not a regular expression: {error}", fields.at(path, value)
                ) from None
        if kind == "length" and not (
            isinstance(expected, int)
            or (isinstance(expected, dict) and set(expected) <= {"min", "max"})
        ):
            raise PitstopError("length is a number or {min: N, max: M}", fields.at(path, value))
        found.append(Check(subject, parts, kind, expected, fields.at(path, value)))
    return found


def _statuses(path: str, node: Node) -> list[tuple[int, int]]:
    values = node.to_python()
    listed = values if isinstance(values, list) else [values]
    out = []
    for value in listed:
        text = str(value)
        found = re.fullmatch(r"(\d{3})|([1-5])xx", text)
        if found is None:
            raise PitstopError(
                f"status {text!r}: a code (404), a list, or 2xx", fields.at(path, node)
            )
        low = int(found.group(1)) if found.group(1) else int(found.group(2)) * 100
        out.append((low, low if found.group(1) else low + 99))
    return out


def _strings(path: str, node: Node | None, what: str) -> dict[str, str]:
    if node is None:
        return {}
    if not isinstance(node, MappingNode):
        raise PitstopError(f"{what} maps names to values", fields.at(path, node))
    return {str(k.value): str(v.to_python()) for k, v in node.items()}


def _scalar(node: Node | None) -> Any:
    return node.value if isinstance(node, ScalarNode) else None
