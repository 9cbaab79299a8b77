"""pitstop's own workflow schema (``pitstop.workflow.schema``) held against GitHub's: the keys
each place accepts, the events and their activity types, and the permission scopes, as
``workflow-v1.0.json`` (actions/languageservices, workflow-parser; the copy in
``../shared/conformance/workflow-schema``) lists them. A key GitHub added after that copy was
taken is named below with the source that says so."""

from __future__ import annotations

import json
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
