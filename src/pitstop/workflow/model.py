"""The typed model of workflows and actions, built from positioned YAML.

Values that may hold ``${{ }}`` are kept as written (unevaluated); every object keeps the YAML node
it came from so that findings and fixes can point at, and edit, the exact text. The builders are
lenient: they read what is there and leave reporting to :mod:`pitstop.workflow.validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pitstop.workflow.schema import ACTIVITY_TYPES, DEFAULT_TYPES
from pitstop.workflow.yaml import (
    ORIGIN,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
)


def _text(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and node.value is not None:
        return node.raw if not isinstance(node.value, str) else node.value
    return None


def _texts(node: Node | None) -> tuple[str, ...]:
    if isinstance(node, ScalarNode):
        value = _text(node)
        return (value,) if value is not None else ()
    if isinstance(node, SequenceNode):
        return tuple(t for t in (_text(i) for i in node.items) if t is not None)
    return ()


def _value(node: Node | None) -> Any:
    return None if node is None else node.to_python()


def _string_map(node: Node | None) -> dict[str, Any]:
    if isinstance(node, MappingNode):
        return {k: v.to_python() for k, v in node.values.items()}
    return {}


@dataclass(frozen=True)
class Trigger:
    """One event under ``on`` with its filters. ``None`` filters mean "not given"."""

    event: str
    types: tuple[str, ...] | None = None
    branches: tuple[str, ...] | None = None
    branches_ignore: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    tags_ignore: tuple[str, ...] | None = None
    paths: tuple[str, ...] | None = None
    paths_ignore: tuple[str, ...] | None = None
    workflows: tuple[str, ...] | None = None
    crons: tuple[str, ...] = ()
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    secrets: dict[str, dict[str, Any]] = field(default_factory=dict)
    node: Node | None = None

    def activity_types(self) -> tuple[str, ...]:
        """The activity types that start this workflow: given ones, else GitHub's defaults."""
        if self.types is not None:
            return self.types
        return DEFAULT_TYPES.get(self.event, ACTIVITY_TYPES.get(self.event, ()))


@dataclass(frozen=True)
class Step:
    index: int
    id: str | None
    name: str | None
    if_: Any
    uses: str | None
    run: str | None
    shell: str | None
    with_: dict[str, Any]
    env: dict[str, Any] | str
    working_directory: str | None
    continue_on_error: Any
    timeout_minutes: Any
    node: MappingNode

    @property
    def label(self) -> str:
        """How logs name the step, as GitHub does: its name, else ``Run …`` or the action."""
        if self.name:
            return self.name
        if self.uses:
            return f"Run {self.uses}"
        first = (self.run or "").strip().splitlines()
        return f"Run {first[0]}" if first else f"Step {self.index + 1}"


@dataclass(frozen=True)
class Strategy:
    matrix: Any  # mapping of vectors, include, exclude; or an expression string
    fail_fast: Any = True
    max_parallel: Any = None
    node: Node | None = None


@dataclass(frozen=True)
class Service:
    id: str
    image: str | None
    env: dict[str, Any]
    ports: tuple[Any, ...]
    options: str | None
    credentials: dict[str, Any]
    node: Node


@dataclass(frozen=True)
class Job:
    id: str
    name: str | None
    needs: tuple[str, ...]
    if_: Any
    runs_on: Any
    environment: Any
    outputs: dict[str, Any]
    env: dict[str, Any] | str
    defaults: dict[str, Any]
    strategy: Strategy | None
    continue_on_error: Any
    timeout_minutes: Any
    services: dict[str, Service]
    container: Any
    steps: tuple[Step, ...]
    uses: str | None
    with_: dict[str, Any]
    secrets: dict[str, Any] | str | None
    permissions: Any
    concurrency: Any
    node: MappingNode
    key: ScalarNode

    @property
    def calls_workflow(self) -> bool:
        return self.uses is not None

    @property
    def secrets_inherit(self) -> bool:
        return self.secrets == "inherit"


@dataclass(frozen=True)
class Workflow:
    path: str
    name: str | None
    run_name: str | None
    triggers: dict[str, Trigger]
    permissions: Any
    env: dict[str, Any] | str
    defaults: dict[str, Any]
    concurrency: Any
    jobs: dict[str, Job]
    doc: YamlDocument

    @property
    def display_name(self) -> str:
        """GitHub shows the ``name:``, or the file's path when there is none."""
        return self.name or self.path

    def defaults_run(self, job: Job) -> dict[str, Any]:
        """``defaults.run`` for ``job``: the workflow's, with the job's over it."""
        merged: dict[str, Any] = {}
        for defaults in (self.defaults, job.defaults):
            run = defaults.get("run") if isinstance(defaults, dict) else None
            if isinstance(run, dict):
                merged.update(run)
        return merged

    def with_needs(self, wanted: set[str] | tuple[str, ...]) -> set[str]:
        """``wanted`` and every job they wait for, directly or through others."""
        chosen: set[str] = set()
        stack = list(wanted)
        while stack:
            job = stack.pop()
            if job in chosen or job not in self.jobs:
                continue
            chosen.add(job)
            stack.extend(self.jobs[job].needs)
        return chosen


def build_workflow(doc: YamlDocument) -> Workflow:
    root = doc.root if isinstance(doc.root, MappingNode) else MappingNode(ORIGIN, ORIGIN)
    jobs_node = root.get("jobs")
    jobs: dict[str, Job] = {}
    if isinstance(jobs_node, MappingNode):
        for key, node in jobs_node.items():
            if isinstance(node, MappingNode):
                jobs[key.raw] = _build_job(key, node)
    return Workflow(
        path=doc.path,
        name=_text(root.get("name")),
        run_name=_text(root.get("run-name")),
        triggers=build_triggers(root.get("on")),
        permissions=_value(root.get("permissions")),
        env=_env(root.get("env")),
        defaults=_string_map(root.get("defaults")),
        concurrency=_value(root.get("concurrency")),
        jobs=jobs,
        doc=doc,
    )


def _env(node: Node | None) -> dict[str, Any] | str:
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        return node.value  # a whole-map expression such as ${{ fromJSON(...) }}
    return _string_map(node)


def build_triggers(on: Node | None) -> dict[str, Trigger]:
    if isinstance(on, ScalarNode):
        name = _text(on)
        return {name: Trigger(name, node=on)} if name else {}
    if isinstance(on, SequenceNode):
        return {t: Trigger(t, node=n) for n in on.items if (t := _text(n))}
    if not isinstance(on, MappingNode):
        return {}
    triggers: dict[str, Trigger] = {}
    for key, node in on.items():
        triggers[key.raw] = _build_trigger(key.raw, node)
    return triggers


def _filter(node: MappingNode, name: str) -> tuple[str, ...] | None:
    return _texts(node.get(name)) if name in node else None


def _build_trigger(event: str, node: Node) -> Trigger:
    if isinstance(node, SequenceNode):  # schedule
        crons = tuple(
            c
            for item in node.items
            if isinstance(item, MappingNode)
            if (c := _text(item.get("cron")))
        )
        return Trigger(event, crons=crons, node=node)
    if not isinstance(node, MappingNode):
        return Trigger(event, node=node)
    return Trigger(
        event,
        types=_filter(node, "types"),
        branches=_filter(node, "branches"),
        branches_ignore=_filter(node, "branches-ignore"),
        tags=_filter(node, "tags"),
        tags_ignore=_filter(node, "tags-ignore"),
        paths=_filter(node, "paths"),
        paths_ignore=_filter(node, "paths-ignore"),
        workflows=_filter(node, "workflows"),
        inputs=_string_map(node.get("inputs")),
        outputs=_string_map(node.get("outputs")),
        secrets=_string_map(node.get("secrets")),
        node=node,
    )


def _build_job(key: ScalarNode, node: MappingNode) -> Job:
    strategy_node = node.get("strategy")
    strategy = None
    if isinstance(strategy_node, MappingNode):
        fail_fast = strategy_node.get("fail-fast")
        strategy = Strategy(
            matrix=_value(strategy_node.get("matrix")),
            fail_fast=True if fail_fast is None else _value(fail_fast),
            max_parallel=_value(strategy_node.get("max-parallel")),
            node=strategy_node,
        )
    services_node = node.get("services")
    services: dict[str, Service] = {}
    if isinstance(services_node, MappingNode):
        for skey, snode in services_node.items():
            if isinstance(snode, MappingNode):
                services[skey.raw] = Service(
                    id=skey.raw,
                    image=_text(snode.get("image")),
                    env=_string_map(snode.get("env")),
                    ports=tuple(_value(snode.get("ports")) or ()),
                    options=_text(snode.get("options")),
                    credentials=_string_map(snode.get("credentials")),
                    node=snode,
                )
            elif isinstance(snode, ScalarNode) and isinstance(snode.value, str):
                # the image alone (`redis: redis:7`): GitHub's services-container
                services[skey.raw] = Service(skey.raw, snode.value, {}, (), None, {}, snode)
    secrets_node = node.get("secrets")
    secrets: dict[str, Any] | str | None = None
    if isinstance(secrets_node, ScalarNode):
        secrets = _text(secrets_node)
    elif isinstance(secrets_node, MappingNode):
        secrets = _string_map(secrets_node)
    return Job(
        id=key.raw,
        name=_text(node.get("name")),
        needs=_texts(node.get("needs")),
        if_=_value(node.get("if")),
        runs_on=_value(node.get("runs-on")),
        environment=_value(node.get("environment")),
        outputs=_string_map(node.get("outputs")),
        env=_env(node.get("env")),
        defaults=_string_map(node.get("defaults")),
        strategy=strategy,
        continue_on_error=_value(node.get("continue-on-error")),
        timeout_minutes=_value(node.get("timeout-minutes")),
        services=services,
        container=_value(node.get("container")),
        steps=build_steps(node.get("steps")),
        uses=_text(node.get("uses")),
        with_=_string_map(node.get("with")),
        secrets=secrets,
        permissions=_value(node.get("permissions")),
        concurrency=_value(node.get("concurrency")),
        node=node,
        key=key,
    )


def build_steps(node: Node | None) -> tuple[Step, ...]:
    """The steps of a job or a composite action, numbered from 0."""
    items = node.items if isinstance(node, SequenceNode) else []
    return tuple(_build_step(i, s) for i, s in enumerate(items) if isinstance(s, MappingNode))


def group_members(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The steps, with each ``parallel:`` group (GitHub's parallel steps, June 2026: docs
    "Workflow syntax", ``jobs.<job_id>.steps[*].parallel``) replaced by the steps it runs side
    by side, each numbered as the group is, where they run. What reads steps for what they do
    (the audit) reads these; the runner keeps the group, which it does not run."""
    if not any(s.node.get("parallel") is not None for s in steps):
        return steps
    found: list[Step] = []
    for step in steps:
        group = step.node.get("parallel")
        if isinstance(group, SequenceNode):
            found.extend(replace(s, index=step.index) for s in build_steps(group))
        else:
            found.append(step)
    return tuple(found)


def _build_step(index: int, node: MappingNode) -> Step:
    return Step(
        index=index,
        id=_text(node.get("id")),
        name=_text(node.get("name")),
        if_=_value(node.get("if")),
        uses=_text(node.get("uses")),
        run=_text(node.get("run")),
        shell=_text(node.get("shell")),  # nosec B604 (the step's shell: key)
        with_=_string_map(node.get("with")),
        env=_env(node.get("env")),
        working_directory=_text(node.get("working-directory")),
        continue_on_error=_value(node.get("continue-on-error")),
        timeout_minutes=_value(node.get("timeout-minutes")),
        node=node,
    )


# ------------------------------------------------------------------------------------------------
# Actions.


@dataclass(frozen=True)
class Action:
    path: str
    name: str | None
    description: str | None
    inputs: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    using: str | None  # composite, docker, node20, …
    main: str | None
    pre: str | None
    post: str | None
    pre_if: Any
    post_if: Any
    steps: tuple[Step, ...]
    image: str | None
    args: tuple[Any, ...]
    env: dict[str, Any]
    doc: YamlDocument


def build_action(doc: YamlDocument) -> Action:
    root = doc.root if isinstance(doc.root, MappingNode) else MappingNode(ORIGIN, ORIGIN)
    runs = root.get("runs")
    runs = runs if isinstance(runs, MappingNode) else MappingNode(ORIGIN, ORIGIN)
    return Action(
        path=doc.path,
        name=_text(root.get("name")),
        description=_text(root.get("description")),
        inputs=_string_map(root.get("inputs")),
        outputs=_string_map(root.get("outputs")),
        using=_text(runs.get("using")),
        main=_text(runs.get("main")),
        pre=_text(runs.get("pre")),
        post=_text(runs.get("post")),
        pre_if=_value(runs.get("pre-if")),
        post_if=_value(runs.get("post-if")),
        steps=build_steps(runs.get("steps")),
        image=_text(runs.get("image")),
        args=tuple(_value(runs.get("args")) or ()),
        env=_string_map(runs.get("env")),
        doc=doc,
    )
