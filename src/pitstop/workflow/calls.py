"""A job that calls a reusable workflow, checked against the workflow it calls, as GitHub checks
it before the run starts: every required input and secret given, no input the called workflow
does not define. GitHub's words (its workflow parser's reader cases,
``errors-reusable-workflow-job-inputs-required``, ``-inputs-undefined`` and
``-secrets-required``):

- ``Input foo is required, but not provided while calling.`` (at the call's ``uses:``)
- ``Invalid input, foo is not defined in the referenced workflow.`` (at the value given)
- ``Secret shh is required, but not provided while calling.`` (at the call's ``uses:``)

Input and secret names are compared without regard to case, as GitHub's are. ``secrets:
inherit`` gives every secret. The called workflow comes from ``resolve``: the repository's own
file for ``./.github/workflows/x.yml``; another repository's is not fetched, so its calls are
not checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache

from pitstop.errors import PitstopError
from pitstop.workflow.schema import PERMISSION_SCOPES
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, YamlDocument

Resolve = Callable[[str], "YamlDocument | None"]


def check_calls(
    doc: YamlDocument, resolve: Resolve, default: dict[str, str] | None = None
) -> list[PitstopError]:
    """The problems of ``doc``'s calls of workflows ``resolve`` can read. ``default``: the
    repository's default token permissions, when known (GitHub's "restricted" setting is
    ``{"contents": "read", "packages": "read"}``); a caller that sets none gets them."""
    root = doc.root
    jobs = root.get("jobs") if isinstance(root, MappingNode) else None
    if not isinstance(jobs, MappingNode):
        return []
    granted = root.get("permissions") if isinstance(root, MappingNode) else None
    problems: list[PitstopError] = []
    for key, job in jobs.items():
        uses = job.get("uses") if isinstance(job, MappingNode) else None
        if not isinstance(job, MappingNode) or not isinstance(uses, ScalarNode):
            continue
        if not isinstance(uses.value, str) or "${{" in uses.value:
            continue
        called = resolve(uses.value)
        callable_, declared = _workflow_call(called) if called is not None else (False, None)
        if not callable_:
            continue
        problems.extend(_check_inputs(doc, job, uses, declared.get("inputs") if declared else None))
        problems.extend(
            _check_secrets(doc, job, uses, declared.get("secrets") if declared else None)
        )
        allowed = _levels(job.get("permissions")) or _levels(granted) or _default(default)
        if allowed is not None and called is not None:
            problems.extend(_check_permissions(doc, key, uses.value, allowed, called))
    return problems


# The order GitHub lists scopes in its message (its reader cases'
# errors-reusable-workflow-permissions-not-allowed-request-write-all-allowed-read-all), then the
# scopes added since, in the schema's order.
MESSAGE_ORDER = (
    "actions", "checks", "contents", "deployments", "discussions", "issues", "packages",
    "pages", "pull-requests", "repository-projects", "statuses", "security-events", "id-token",
)  # fmt: skip
SCOPES = MESSAGE_ORDER + tuple(s for s in PERMISSION_SCOPES if s not in MESSAGE_ORDER)
LEVELS = ("none", "read", "write")


def _default(default: dict[str, str] | None) -> dict[str, int] | None:
    if default is None:
        return None
    return {s: LEVELS.index(default[s]) if default.get(s) in LEVELS else 0 for s in SCOPES}


def _levels(node: Node | None, asked: bool = False) -> dict[str, int] | None:
    """Each scope's level (0 none, 1 read, 2 write) that ``permissions:`` grants, or None when
    it is not given (the repository's default then applies, which a file does not say). What
    a called job asks with `read-all`/`write-all` is the scopes GitHub's message lists for it
    (the reader case above: 13, not the scopes added since); what a caller grants with them is
    every scope, so a newer scope never makes a call an error here that GitHub accepts."""
    if node is None:
        return None
    value = node.to_python()
    if value in ("read-all", "write-all"):
        level = 1 if value == "read-all" else 2
        return {s: level if not asked or s in MESSAGE_ORDER else 0 for s in SCOPES}
    if isinstance(value, dict):
        return {s: LEVELS.index(value[s]) if value.get(s) in LEVELS else 0 for s in SCOPES}
    return None


def _check_permissions(
    doc: YamlDocument, key: ScalarNode, uses: str, allowed: dict[str, int], called: YamlDocument
) -> list[PitstopError]:
    """GitHub: a called workflow's jobs get at most what the calling job has (docs, "Reusing
    workflows": permissions can only be kept or lowered down the chain)."""
    root = called.root
    jobs = root.get("jobs") if isinstance(root, MappingNode) else None
    if not isinstance(root, MappingNode) or not isinstance(jobs, MappingNode):
        return []
    asked: list[tuple[str, dict[str, int]]] = []
    for job_key, job in jobs.items():
        own = _levels(job.get("permissions"), asked=True) if isinstance(job, MappingNode) else None
        if own is not None:
            name = job.get("name") if isinstance(job, MappingNode) else None
            label = name.value if isinstance(name, ScalarNode) else job_key.value
            asked.append((f"The nested job '{label}'", own))
    whole = _levels(root.get("permissions"), asked=True)
    if whole is not None and any(
        isinstance(j, MappingNode) and j.get("permissions") is None for _, j in jobs.items()
    ):
        asked.append((f"The workflow '{uses}'", whole))
    problems = []
    for who, wants in asked:
        over = [s for s in SCOPES if wants[s] > allowed[s]]
        if over:
            requesting = ", ".join(f"{s}: {LEVELS[wants[s]]}" for s in over)
            only = ", ".join(f"{s}: {LEVELS[allowed[s]]}" for s in over)
            problems.append(
                PitstopError(
                    f"Error calling workflow '{uses}'. {who} is requesting '{requesting}', but "
                    f"is only allowed '{only}'.",
                    doc.span(key),
                )
            )
    return problems


def _workflow_call(doc: YamlDocument) -> tuple[bool, MappingNode | None]:
    """Whether the called workflow can be called as written, and its ``on.workflow_call``
    settings when it gives any."""
    root = doc.root
    on = root.get("on") if isinstance(root, MappingNode) else None
    if isinstance(on, ScalarNode):
        return on.value == "workflow_call", None
    if isinstance(on, SequenceNode):
        return any(isinstance(i, ScalarNode) and i.value == "workflow_call" for i in on.items), None
    if isinstance(on, MappingNode) and "workflow_call" in on:
        found = on.get("workflow_call")
        return True, found if isinstance(found, MappingNode) else None
    return False, None


def _declared(node: Node | None) -> dict[str, tuple[str, MappingNode | None]]:
    """Each declared name, by its lower case: the name as written, and its settings."""
    if not isinstance(node, MappingNode):
        return {}
    return {
        str(key.value).lower(): (str(key.value), value if isinstance(value, MappingNode) else None)
        for key, value in node.items()
    }


def _required(spec: MappingNode | None) -> bool:
    if spec is None:
        return False
    required = spec.get("required")
    given = isinstance(required, ScalarNode) and required.value is True
    return given and spec.get("default") is None


def _check_inputs(
    doc: YamlDocument, job: MappingNode, uses: ScalarNode, inputs: Node | None
) -> list[PitstopError]:
    declared = _declared(inputs)
    given = job.get("with")
    passed = (
        {str(k.value).lower(): (k, v) for k, v in given.items()}
        if isinstance(given, MappingNode)
        else {}
    )
    problems = [
        PitstopError(f"Input {name} is required, but not provided while calling.", doc.span(uses))
        for lower, (name, spec) in declared.items()
        if _required(spec) and lower not in passed
    ]
    for name, (key, value) in passed.items():
        if name not in declared:
            problems.append(
                PitstopError(
                    f"Invalid input, {key.value} is not defined in the referenced workflow.",
                    doc.span(value),
                )
            )
    return problems


def _check_secrets(
    doc: YamlDocument, job: MappingNode, uses: ScalarNode, secrets: Node | None
) -> list[PitstopError]:
    given = job.get("secrets")
    if isinstance(given, ScalarNode) and given.value == "inherit":
        return []
    passed = (
        {str(k.value).lower() for k, _ in given.items()}
        if isinstance(given, MappingNode)
        else set()
    )
    return [
        PitstopError(f"Secret {name} is required, but not provided while calling.", doc.span(uses))
        for lower, (name, spec) in _declared(secrets).items()
        if _required(spec) and lower not in passed
    ]


@lru_cache(maxsize=256)
def _load_once(
    load: Callable[[str], YamlDocument], path: str, mtime: int, size: int
) -> YamlDocument:
    """A called workflow read once while it is unchanged, however many jobs call it."""
    return load(path)


def local_resolver(workflow_path: str, load: Callable[[str], YamlDocument]) -> Resolve:
    """Reads the calls of the repository's own workflows (``./.github/workflows/x.yml``,
    relative to the repository that holds ``workflow_path``) with ``load``; anything else,
    or a file that is not there or does not parse, resolves to None."""
    folder = os.path.dirname(os.path.abspath(workflow_path))
    root = os.path.dirname(os.path.dirname(folder))
    in_repository = os.path.basename(folder) == "workflows"

    def resolve(uses: str) -> YamlDocument | None:
        if not in_repository or not uses.startswith("./") or "@" in uses:
            return None
        path = os.path.normpath(os.path.join(root, uses[2:]))
        if not path.startswith(root + os.sep):
            return None
        try:
            stat = os.stat(path)
            return _load_once(load, path, stat.st_mtime_ns, stat.st_size)
        except (OSError, PitstopError):
            return None  # not there, or its own validation reports it

    return resolve
