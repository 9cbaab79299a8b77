"""Applying a file's edits, and checking the result: it must parse, stay valid, and read exactly as
the old document with the intended changes made, nothing else."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from pitstop.fix.patch import DELETE, Change, Edit
from pitstop.workflow.calls import local_resolver
from pitstop.workflow.repository import load_file
from pitstop.workflow.yaml import YamlDocument, load_yaml, parse_yaml


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-touching ``edits`` made; every other character stays as it was."""
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            raise ValueError("edits overlap")
        out.append(text[cursor : edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def expected(data: Any, changes: Iterable[Change]) -> Any:
    """``data`` (a parsed document) with ``changes`` made."""
    result = copy.deepcopy(data)
    for change in changes:
        if not change.path:
            result = change.value
            continue
        parent = result
        for step in change.path[:-1]:
            parent = parent[step]
        last = change.path[-1]
        if change.value is DELETE:
            del parent[last]
        else:
            parent[last] = copy.deepcopy(change.value)
    return result


def problem(
    old: YamlDocument,
    new_text: str,
    changes: list[Change],
    pending: Mapping[str, str] | None = None,
) -> str | None:
    """Why ``new_text`` is not ``old`` with ``changes`` made, or None when it is exactly that.
    ``pending`` holds the texts fixes have given other files, by absolute path: a call of the
    repository's own workflow is checked against the called file as the fixes leave it (a
    permission the called workflow now asks for must be one the caller grants)."""
    resolve = local_resolver(old.path, partial(_pending_or_disk, pending)) if pending else None
    loaded = load_file(old.path, text=new_text, resolve=resolve)
    if loaded.problems:
        first = loaded.problems[0]
        return f"the edited file would not be valid: {first.span}: {first.message}"
    doc = loaded.workflow.doc if loaded.workflow else loaded.action.doc if loaded.action else None
    new = doc.root.to_python() if doc is not None and doc.root is not None else None
    try:
        want = expected(old.root.to_python() if old.root is not None else None, changes)
    except (KeyError, IndexError, TypeError):
        return "the intended change does not fit the document"
    if new != want:
        where = _first_difference(want, new, ())
        return f"the edited file would also change {where or 'the document'}"
    return None


def _pending_or_disk(pending: Mapping[str, str], path: str) -> YamlDocument:
    text = pending.get(os.path.abspath(path))
    return parse_yaml(text, path) if text is not None else load_yaml(path)


def _first_difference(a: Any, b: Any, path: tuple[Any, ...]) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key, DELETE) != b.get(key, DELETE):
                return _first_difference(a.get(key), b.get(key), (*path, key))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, (*path, index))
    return ".".join(str(p) for p in path)
