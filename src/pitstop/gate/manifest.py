"""``pitstop gate manifest``: a JSON or YAML manifest that must be fresh (a date field no older
than a limit) and true (the sha256 of each file it lists is the file's). The files are listed
as a mapping, ``files: {path: sha256}``, or a list, ``files: [{path: …, sha256: …}]``; a hash
may carry the ``sha256:`` prefix; paths are relative to the manifest's folder."""

from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass, field

from pitstop.durations import shown
from pitstop.errors import PitstopError, Span
from pitstop.gate.report_file import report_json, report_text
from pitstop.gate.verdict import Verdict
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, parse_yaml

MAX_SIZE = 64 * 1024 * 1024


@dataclass
class Listed:
    path: str  # as the manifest writes it
    expected: str
    actual: str | None  # None: no such file
    span: Span


@dataclass
class Manifest:
    path: str
    dated: datetime.datetime | None = None
    date_span: Span | None = None
    files: list[Listed] = field(default_factory=list)


def read_manifest(path: str, date_field: str | None, files_field: str) -> Manifest:
    """The manifest at ``path``, its date (from ``date_field``, a dotted path; None: not asked)
    and the files it lists hashed as they are now."""
    text = report_text(path, "manifest")
    if text.lstrip().startswith(("{", "[")):
        report_json(path, "manifest")  # JSON's own message and place for a broken one
    doc = parse_yaml(text, path, max_file_size=MAX_SIZE)
    root = doc.root
    if not isinstance(root, MappingNode):
        raise PitstopError("a manifest must be a mapping (a JSON object)", Span.file_start(path))
    found = Manifest(path)
    if date_field is not None:
        node = _dig(root, date_field)
        if node is None:
            keys = ", ".join(sorted(root.values)) or "none"
            raise PitstopError(
                f"no {date_field} in the manifest (its keys: {keys}); name the date with "
                "--date-field",
                Span.file_start(path),
            )
        found.date_span = doc.span(node)
        found.dated = _when(node, found.date_span)
    listed = _dig(root, files_field)
    folder = os.path.dirname(os.path.abspath(path))
    for name, digest, node in _entries(listed, doc.path, files_field):
        target = os.path.join(folder, name)
        found.files.append(Listed(name, digest, _sha256(target), doc.span(node)))
    return found


def _dig(node: Node, dotted: str) -> Node | None:
    for part in dotted.split("."):
        if not isinstance(node, MappingNode) or part not in node:
            return None
        node = node.values[part]
    return node


def _when(node: Node, span: Span) -> datetime.datetime:
    value = node.to_python() if isinstance(node, ScalarNode) else None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            when = datetime.datetime.fromisoformat(text)
        except ValueError:
            when = None
        if when is not None:
            return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
    raise PitstopError(f"{value!r} is not a date (2026-08-03, or 2026-08-03T10:00:00Z)", span)


def _entries(listed: Node | None, path: str, name: str) -> list[tuple[str, str, Node]]:
    if listed is None:
        return []
    out: list[tuple[str, str, Node]] = []
    if isinstance(listed, MappingNode):
        for key, value in listed.items():
            out.append(
                (
                    key.value if isinstance(key.value, str) else str(key.value),
                    _digest(value, path),
                    value,
                )
            )
        return out
    if isinstance(listed, SequenceNode):
        for item in listed:
            entry = item if isinstance(item, MappingNode) else None
            file = entry.get("path") if entry else None
            digest = entry.get("sha256") if entry else None
            if not isinstance(file, ScalarNode) or digest is None:
                raise PitstopError(
                    f"each entry of {name} needs a path and a sha256", _span(path, item)
                )
            out.append((str(file.value), _digest(digest, path), digest))
        return out
    raise PitstopError(
        f"{name} must map paths to sha256 hashes, or list {{path, sha256}} entries",
        _span(path, listed),
    )


def _digest(node: Node, path: str) -> str:
    value = node.to_python() if isinstance(node, ScalarNode) else None
    text = str(value).strip().lower().removeprefix("sha256:") if isinstance(value, str) else ""
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise PitstopError(f"{value!r} is not a sha256 hash (64 hex digits)", _span(path, node))
    return text


def _span(path: str, node: Node) -> Span:
    s = node.start
    return Span(path, s.line, s.column, s.line, s.column)


def _sha256(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    return digest.hexdigest()


def judge(
    manifest: Manifest, date_field: str, max_age: float | None, now: datetime.datetime
) -> Verdict:
    verdict = Verdict()
    if max_age is not None and manifest.dated is not None:
        age = (now - manifest.dated).total_seconds()
        day = manifest.dated.date().isoformat()
        if age < 0:
            verdict.check(
                f"{date_field} is not in the future",
                False,
                f"{date_field} {day} ({manifest.date_span}) is in the future: a typo, or a clock",
            )
        else:
            days = int(age // 86400)
            verdict.check(
                f"{date_field} no older than {shown(max_age)}",
                age <= max_age,
                f"the manifest is {days} day{'s' if days != 1 else ''} old ({date_field} {day})"
                + (
                    f", over {shown(max_age)}: refresh it ({manifest.date_span})"
                    if age > max_age
                    else ""
                ),
            )
    for listed in manifest.files:
        if listed.actual is None:
            verdict.check(
                f"{listed.path} is as listed", False, f"{listed.path} is missing ({listed.span})"
            )
        else:
            same = listed.actual == listed.expected
            verdict.check(
                f"{listed.path} is as listed",
                same,
                f"{listed.path}: sha256 {listed.actual[:12]}"
                + ("" if same else f", the manifest says {listed.expected[:12]} ({listed.span})"),
            )
    if not verdict.checks:
        raise PitstopError(
            "nothing to check: give --max-age, or list the files with their sha256 under "
            "the manifest's files (or --files-field)",
            Span.file_start(manifest.path),
        )
    return verdict
