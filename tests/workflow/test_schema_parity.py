"""pitstop's own workflow schema (``pitstop.workflow.schema``) held against GitHub's: the keys
each place accepts, the events and their activity types, and the permission scopes, as
``workflow-v1.0.json`` (actions/languageservices, workflow-parser; the copy in
``../shared/conformance/workflow-schema``) lists them. A key GitHub added after that copy was
taken is named below with the source that says so."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pitstop.workflow import schema
from tests.conftest import SHARED

OFFICIAL = SHARED / "conformance" / "workflow-schema" / "workflow-v1.0.json"

# Keys pitstop accepts that the copy of the schema predates, each with its source.
NEWER = {
    # GitHub changelog 2026-09-10, "Control GitHub Actions cache access with cache-mode"
    "workflow-root": {"cache-mode"},
    "job-factory": {"cache-mode"},
    "workflow-job": {"cache-mode"},
}


@pytest.fixture(scope="module")
def definitions() -> dict[str, Any]:
    if not OFFICIAL.is_file():
        pytest.skip(f"GitHub's workflow schema is not here ({OFFICIAL})")
    found: dict[str, Any] = json.loads(Path(OFFICIAL).read_text())["definitions"]
    return found


def keys(definitions: dict[str, Any], name: str) -> set[str]:
    return set(definitions[name]["mapping"].get("properties", {}))


def ours(spec: schema.Spec) -> set[str]:
    assert spec.mapping is not None
    return set(spec.mapping.fields)


def test_the_workflow_root_accepts_the_same_keys(definitions: dict[str, Any]) -> None:
    assert ours(schema.WORKFLOW_SPEC) == keys(definitions, "workflow-root") | NEWER["workflow-root"]


def test_a_job_accepts_the_same_keys(definitions: dict[str, Any]) -> None:
    normal = keys(definitions, "job-factory") | NEWER["job-factory"]
    caller = keys(definitions, "workflow-job") | NEWER["workflow-job"]
    assert set(schema.JOB_COMMON) | set(schema.NORMAL_JOB_KEYS) == normal
    assert set(schema.JOB_COMMON) | set(schema.CALLER_JOB_KEYS) == caller


def test_a_step_accepts_the_keys_of_every_kind_of_step(definitions: dict[str, Any]) -> None:
    kinds = definitions["steps-item"]["one-of"]
    assert kinds == [
        "run-step",
        "regular-step",
        "wait-step",
        "wait-all-step",
        "cancel-step",
        "parallel-step",
    ]
    assert ours(schema.STEP_SPEC) == set().union(*(keys(definitions, k) for k in kinds))
    assert set(schema.RUN_STEP_KEYS) == keys(definitions, "run-step") - keys(
        definitions, "regular-step"
    )


@pytest.mark.parametrize(
    ("official", "spec"),
    [
        ("permissions-mapping", schema.PERMISSIONS),
        ("container-mapping", schema.CONTAINER),
        ("strategy", schema.STRATEGY_SPEC),
        ("concurrency-mapping", schema.concurrency(schema.JOB_LEVEL)),
        ("job-defaults", schema.DEFAULTS),
        ("workflow-defaults", schema.WORKFLOW_DEFAULTS),
    ],
)
def test_the_same_keys_in(definitions: dict[str, Any], official: str, spec: schema.Spec) -> None:
    assert ours(spec) == keys(definitions, official)


def test_the_permission_scopes_are_github_s_in_its_order(definitions: dict[str, Any]) -> None:
    assert list(schema.PERMISSION_SCOPES) == list(
        definitions["permissions-mapping"]["mapping"]["properties"]
    )


def test_the_same_events(definitions: dict[str, Any]) -> None:
    assert set(schema.ACTIVITY_TYPES) == keys(definitions, "on-mapping-strict")


def test_each_event_has_github_s_activity_types(definitions: dict[str, Any]) -> None:
    events = definitions["on-mapping-strict"]["mapping"]["properties"]
    for event, types in schema.ACTIVITY_TYPES.items():
        found = _types(definitions, events[event])
        if found is None:
            assert types == (), event  # GitHub lists none: any type, or the event has none
        else:
            assert set(types) == found, event


def _types(definitions: dict[str, Any], name: str) -> set[str] | None:
    """The allowed values of an event's ``types``, following the schema's references:
    event -> one-of [null, mapping] -> types -> one-of [type, sequence of type]."""
    for branch in definitions[name].get("one-of", [name]):
        body = definitions.get(branch, {})
        types = body.get("mapping", {}).get("properties", {}).get("types")
        if types is None:
            continue
        for option in definitions[types].get("one-of", [types]):
            allowed = definitions[option].get("allowed-values")
            if allowed is not None:
                return set(allowed)
    return None


# -- the whole schema, definition by definition ----------------------------------------------
# Every definition reachable from `workflow-root` is walked beside pitstop's spec for the same
# place: the keys of each mapping, the kinds each place takes (mapping, sequence, string,
# boolean, number), the allowed values, and the contexts and functions an expression may use
# there: a definition's `context` is added to its parent's and holds below it
# (actions/languageservices, workflow-parser's DefinitionInfo). `on` is walked
# event by event against `schema.event_spec`, the activity types against ACTIVITY_TYPES.
# What is not compared, and why:
# - `required` keys: pitstop checks a missing key with GitHub's own message for it (a step with
#   neither `run` nor `uses`, a container with no image), not through the mapping's list;
# - the branches of a `one-of` of mappings (kinds of step, of job): pitstop has one spec for
#   their union, whose keys the tests above hold equal; each key is then walked;
# - the template schema's built-in `sequence` and `any` (anything at all).
BUILTIN = {"string", "boolean", "number", "null", "any", "sequence"}
SCALARS = ("string", "boolean", "number")


def _expected_contexts(ctx: list[str]) -> tuple[set[str], set[str]]:
    named = {c.lower() for c in ctx if "(" not in c}
    functions = {c.split("(")[0].lower() for c in ctx if "(" in c}
    return named, functions


class Walk:
    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.visited: set[str] = set()
        self.differences: list[str] = []
        self.seen: set[tuple[str, int, str]] = set()

    def differ(self, path: str, name: str, what: str) -> None:
        self.differences.append(f"{path} ({name}): {what}")

    def walk(self, name: str, spec: schema.Spec, path: str, ctx: list[str] | None) -> None:
        key = (name, id(spec), str(ctx))
        if key in self.seen:
            return
        self.seen.add(key)
        self.visited.add(name)
        if spec.free:
            return
        body = self.definitions.get(name)
        if body is None:
            assert name in BUILTIN, f"{path}: unknown type {name}"
            if name in SCALARS:
                self.scalar(name, {}, spec, path, ctx)
            return
        if "context" in body:  # added to what the parent allows (DefinitionInfo's constructor)
            ctx = list(dict.fromkeys([*(ctx or []), *body["context"]]))
        branches = body.get("one-of", [])
        maps = [b for b in branches if "mapping" in self.definitions.get(b, {})]
        for branch in branches:
            if len(maps) > 1 and branch in maps:
                continue  # walked below as one union
            self.walk(branch, spec, path, ctx)
        if len(maps) > 1:
            newer = set().union(*(NEWER.get(m, set()) for m in maps))
            self.mapping({"properties": self._union(maps)}, spec, path, ctx, name, newer)
            self.visited.update(maps)
        if "mapping" in body:
            self.mapping(body["mapping"], spec, path, ctx, name)
        if "sequence" in body:
            if spec.sequence is None:
                self.differ(path, name, "pitstop refuses a sequence")
            else:
                self.walk(body["sequence"]["item-type"], spec.sequence, f"{path}[]", ctx)
        for kind in SCALARS:
            if kind in body:
                self.scalar(name, body, spec, path, ctx)
        if "allowed-values" in body:
            ours = set(spec.scalar.allowed) if spec.scalar else set()
            event = re.fullmatch(r"on\.(\w+)\.types(\[\])?", path)
            if event:  # activity types: pitstop keeps them in ACTIVITY_TYPES, by event
                ours = set(schema.ACTIVITY_TYPES.get(event.group(1), ()))
            if ours != set(body["allowed-values"]):
                self.differ(path, name, f"allowed {sorted(body['allowed-values'])}, ours {ours}")

    def _union(self, names: list[str]) -> dict[str, Any]:
        union: dict[str, Any] = {}
        for name in names:
            union.update(self.definitions[name]["mapping"].get("properties", {}))
        return union

    def mapping(
        self,
        body: dict[str, Any],
        spec: schema.Spec,
        path: str,
        ctx: list[str] | None,
        name: str,
        newer: set[str] | None = None,
    ) -> None:
        if spec.mapping is None:
            self.differ(path, name, "pitstop refuses a mapping")
            return
        properties = body.get("properties", {})
        fields = spec.mapping.fields
        newer = NEWER.get(name, set()) if newer is None else newer
        if properties and set(fields) - newer != set(properties):
            self.differ(path, name, f"keys {sorted(set(fields) ^ set(properties) - newer)}")
        for key, typed in properties.items():
            if key in fields:
                kind = typed if isinstance(typed, str) else typed["type"]
                self.walk(kind, fields[key], f"{path}.{key}", ctx)
        if body.get("loose-key-type") in self.definitions:
            self.visited.add(body["loose-key-type"])  # ids and names: validate's own id rules
        if "loose-value-type" in body:
            if spec.mapping.other is None:
                self.differ(path, name, "pitstop refuses keys of the user's own")
            else:
                self.walk(body["loose-value-type"], spec.mapping.other, f"{path}.*", ctx)

    def scalar(
        self, name: str, body: dict[str, Any], spec: schema.Spec, path: str, ctx: list[str] | None
    ) -> None:
        if spec.scalar is None:
            self.differ(path, name, "pitstop refuses a scalar")
            return
        if ctx is None or body.get("string", {}).get("is-expression"):
            return
        named, functions = _expected_contexts(ctx)
        if spec.scalar.contexts is None:
            self.differ(path, name, f"pitstop refuses expressions; GitHub allows {sorted(named)}")
            return
        ours = set(spec.scalar.contexts), set(spec.scalar.functions)
        if ours != (named, functions):
            extra = sorted((ours[0] ^ named) | (ours[1] ^ functions))
            self.differ(path, name, f"contexts and functions differ in {extra}")


def test_every_definition_is_walked_and_agrees(definitions: dict[str, Any]) -> None:
    walk = Walk(definitions)
    walk.walk("workflow-root", schema.WORKFLOW_SPEC, "workflow", None)
    events = definitions["on-mapping-strict"]["mapping"]["properties"]
    for event, kind in events.items():
        walk.walk(kind, schema.event_spec(event), f"on.{event}", None)
        walk.visited.update(
            n for n in definitions if n.startswith(kind + "-activity") or n == kind + "-string"
        )
    on = ("on", "on-mapping", "on-strict", "on-mapping-strict", "on-sequence-strict")
    walk.visited.update((*on, "on-string-strict"))  # events above; names: test_the_same_events
    walk.visited.add("workflow-root-strict")  # workflow-root with on-strict: the same keys
    assert walk.differences == []
    # What is left is no part of a file's syntax: definitions no other one names (the parser's
    # own types for the result of an `if`, and contexts it uses in code)
    named = json.dumps(definitions)
    unwalked = sorted(set(definitions) - walk.visited)
    referenced = [n for n in unwalked if named.count(f'"{n}"') > 1]
    assert referenced == [], f"definitions no test compares: {referenced}"
    assert len(unwalked) == 7, unwalked
