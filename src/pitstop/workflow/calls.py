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
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, YamlDocument

Resolve = Callable[[str], "YamlDocument | None"]


def check_calls(doc: YamlDocument, resolve: Resolve) -> list[PitstopError]:
    """The problems of ``doc``'s calls of workflows ``resolve`` can read."""
    root = doc.root
    jobs = root.get("jobs") if isinstance(root, MappingNode) else None
    if not isinstance(jobs, MappingNode):
        return []
    problems: list[PitstopError] = []
    for _, job in jobs.items():
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
