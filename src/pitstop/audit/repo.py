"""The repository as rules read it: its workflows and local actions (read once), its other files
on demand, and every step with the job and file it belongs to."""

from __future__ import annotations

import heapq
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from pitstop.audit.folders import TEST_DATA, under
from pitstop.errors import PitstopError, Span
from pitstop.workflow.filters import names_workflow
from pitstop.workflow.model import Action, Job, Step, Workflow, group_members
from pitstop.workflow.repository import (
    LoadedFile,
    find_action_files,
    find_workflow_files,
    kind_of_file,
    load_file,
    outside_nested_projects,
)
from pitstop.workflow.yaml import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    span_of,
)

DOC_SUFFIXES = (".md", ".rst", ".txt", ".adoc")
# Example settings a repository publishes for its readers to copy: `.env.example`, `env.example`,
# and per environment, `.env.dev.example` (langfuse) or `.env.example.local`.
EXAMPLE_SETTINGS = re.compile(
    r"(^|/)(\.env(\.[\w-]+)*\.(example|sample|template|dist)(\.[\w-]+)?|env\.example)$"
)
T = TypeVar("T")


@dataclass(frozen=True)
class StepPlace:
    """One step: in a workflow's job, or in a composite action (``job`` is None)."""

    step: Step
    doc: YamlDocument
    workflow: Workflow | None
    job: Job | None
    action: Action | None

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def siblings(self) -> tuple[Step, ...]:
        """Every step of the step's job or composite action, itself included."""
        if self.job is not None:
            return self.job.steps
        return self.action.steps if self.action is not None else ()

    def later(self) -> tuple[Step, ...]:
        """The steps that run after this one in its job or action."""
        return tuple(s for s in self.siblings if s.index > self.step.index)

    @property
    def shell(self) -> str:
        """The name of the shell the step runs in, as the runner picks it: the step's own,
        else ``defaults.run.shell``, else pwsh on a Windows runner and bash elsewhere."""
        chosen = self.step.shell
        if chosen is None and self.workflow is not None and self.job is not None:
            chosen = self.workflow.defaults_run(self.job).get("shell")
        if chosen is None:
            windows = self.job is not None and "windows" in str(self.job.runs_on).lower()
            chosen = "pwsh" if windows else "bash"
        return str(chosen).split()[0] if str(chosen).split() else "bash"


@dataclass
class Repo:
    root: str
    workflows: list[Workflow] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    problems: list[PitstopError] = field(default_factory=list)  # what GitHub would refuse
    paths: list[str] = field(default_factory=list)  # every workflow and action file read
    _read: dict[str, str | None] = field(default_factory=dict, repr=False)  # read() by path
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)  # memo() by name

    @classmethod
    def load(
        cls,
        root: str,
        texts: Mapping[str, str] | None = None,
        parsed: dict[str, tuple[str, LoadedFile]] | None = None,
    ) -> Repo:
        """Read every workflow and local action under ``root``. Paths in spans are ``root``
        joined with the file's path inside it, so they open from where pitstop was started.
        ``texts`` holds contents, by that path, that stand in for what is on disk (the files
        ``pitstop fix`` has edited but not yet written); ``parsed`` keeps each file's parse by
        its text between loads, so fix's rounds parse only what they changed."""
        repo = cls(root)
        for relative in find_workflow_files(root) + find_action_files(root):
            path = os.path.normpath(os.path.join(root, relative))
            text = (texts or {}).get(path)
            kept = parsed.get(path) if parsed is not None else None
            if kept is not None and text is not None and kept[0] == text:
                loaded = kept[1]
            else:
                loaded = load_file(path, text=text)
                model = loaded.workflow or loaded.action
                read = text if text is not None else model.doc.text if model else None
                if parsed is not None and read is not None:
                    parsed[path] = (read, loaded)  # the newest text only: older parses go
            repo.paths.append(path)
            repo.problems.extend(loaded.problems)
            if loaded.workflow is not None:
                repo.workflows.append(_group_members_read(loaded.workflow))
            if loaded.action is not None:
                repo.actions.append(loaded.action)
        fixtures = repo.fixture_actions
        repo.actions = [a for a in repo.actions if os.path.normpath(a.path) not in fixtures]
        return repo

    @cached_property
    def fixture_actions(self) -> frozenset[str]:
        """Action files in a test folder (testdata, fixtures, tests…) that no workflow or action
        here uses: a test's data (actionlint keeps dozens of broken ones on purpose, pitstop
        its rules' fixture repositories), not an action anyone runs. No rule audits them and
        `fix` never edits them."""
        used = set()
        steps = [s for w in self.workflows for j in w.jobs.values() for s in j.steps]
        steps += [s for a in self.actions for s in a.steps]
        for step in steps:
            uses = step.uses or ""
            if uses.startswith(("./", "$/")):
                used.add(os.path.normpath(os.path.join(self.root, uses[2:].partition("@")[0])))
        return frozenset(
            os.path.normpath(p)
            for p in self.paths
            if kind_of_file(p) == "action"
            and under(self.relative(p), TEST_DATA)
            and os.path.normpath(os.path.dirname(p)) not in used
        )

    @cached_property
    def slug(self) -> str | None:
        """``owner/name`` of this repository on GitHub, from its ``origin`` remote."""
        from pitstop.git import repository_slug

        found = repository_slug(self.root)
        return f"{found[0]}/{found[1]}" if found else None

    @cached_property
    def generated(self) -> frozenset[str]:
        """The paths of the workflows and actions whose header says a program writes them."""
        from pitstop.audit.generated import is_generated

        docs = [w.doc for w in self.workflows] + [a.doc for a in self.actions]
        return frozenset(d.path for d in docs if is_generated(d.text))

    @cached_property
    def invalid(self) -> frozenset[str]:
        """The paths of the files GitHub would refuse (``problems``): fixes leave them alone."""
        return frozenset(p.span.path for p in self.problems if p.span is not None)

    def relative(self, path: str) -> str:
        """A span's path as a path inside the repository."""
        return os.path.relpath(path, self.root)

    # -- what rules iterate ----------------------------------------------------------------------

    def jobs(self) -> Iterator[tuple[Workflow, Job]]:
        for workflow in self.workflows:
            for job in workflow.jobs.values():
                yield workflow, job

    def called(self, uses: str) -> Workflow | None:
        """The repository's own workflow that a job's ``uses: ./.github/workflows/x.yml``
        calls (or ``$/…``, the self-repository form, or ``OWNER/REPO/.github/workflows/x.yml@ref``
        naming this repository: PySyft's nightlies call its own pull-request workflows so), or
        None (another repository's, or a file that is not there)."""
        path = uses.partition("@")[0]
        if path.startswith(("./", "$/")):
            path = path[2:]
        else:
            parts = path.split("/", 2)
            slug = self.slug
            if len(parts) < 3 or not slug or f"{parts[0]}/{parts[1]}".lower() != slug.lower():
                return None
            path = parts[2]
        return self.workflow_at(os.path.join(self.root, path))

    def workflow_at(self, path: str) -> Workflow | None:
        """The repository's workflow at ``path``, or None (looked up in an index made once)."""
        by_path = self.memo(
            "workflows-by-path", lambda: {os.path.normpath(w.path): w for w in self.workflows}
        )
        return by_path.get(os.path.normpath(path))

    def callers(self, workflow: Workflow) -> list[tuple[Workflow, Job]]:
        """The jobs of this repository that call ``workflow`` (``called``), each with its
        workflow; the index is made once."""

        def compute() -> dict[str, list[tuple[Workflow, Job]]]:
            found: dict[str, list[tuple[Workflow, Job]]] = {}
            for caller, job in self.jobs():
                called = self.called(job.uses) if job.uses else None
                if called is not None:
                    found.setdefault(os.path.normpath(called.path), []).append((caller, job))
            return found

        return self.memo("callers", compute).get(os.path.normpath(workflow.path), [])

    def started_by(self, workflow: Workflow) -> list[Workflow]:
        """The repository's workflows whose runs start ``workflow`` through `on: workflow_run`:
        those its `workflows:` names (filter patterns: ``names_workflow``), by `name:` or, for
        one without a name, by the path GitHub shows instead (docs.github.com, "Events that
        trigger workflows", workflow_run)."""
        trigger = workflow.triggers.get("workflow_run")
        names = [str(n) for n in trigger.workflows or ()] if trigger is not None else []
        if not names:
            return []
        plain = [n for n in names if not GLOB_CHARACTERS.search(n)]
        patterns = [n for n in names if GLOB_CHARACTERS.search(n)]
        by_name = self.memo("workflows-by-shown-name", self._workflows_by_shown_name)
        found = {id(w) for n in plain for w in by_name.get(n.lower(), ())}
        if patterns:
            found |= {
                id(w)
                for w, shown in self.workflow_names()
                if any(names_workflow(patterns, n) for n in shown)
            }
        return [w for w in self.workflows if id(w) in found]

    def _workflows_by_shown_name(self) -> dict[str, list[Workflow]]:
        found: dict[str, list[Workflow]] = {}
        for workflow, shown in self.workflow_names():
            for name in shown:
                found.setdefault(name.lower(), []).append(workflow)
        return found

    def workflow_names(self) -> list[tuple[Workflow, tuple[str, ...]]]:
        """Each workflow with what ``workflow_run`` can call it: its ``name:`` and its path
        (for one without a name, the path GitHub shows), worked out once."""

        def compute() -> list[tuple[Workflow, tuple[str, ...]]]:
            return [
                (w, tuple(n for n in (w.name, os.path.relpath(w.path, self.root)) if n))
                for w in self.workflows
            ]

        return self.memo("workflow-names", compute)

    def local_action(self, uses: str) -> Action | None:
        """The composite or other action of this repository a step's ``uses: ./path`` names."""
        folder = os.path.normpath(os.path.join(self.root, uses.partition("@")[0][2:]))
        for action in self.actions:
            if os.path.normpath(os.path.dirname(action.path)) == folder:
                return action
        return None

    def local_calls(self) -> dict[str, list[dict[str, Any]]]:
        """The `with:` of every call of this repository's own actions and workflows, by what
        it calls: a composite action's folder or a reusable workflow's path (made once)."""

        def compute() -> dict[str, list[dict[str, Any]]]:
            found: dict[str, list[dict[str, Any]]] = {}
            for place in self.steps():
                uses = place.step.uses or ""
                if uses.startswith("./"):
                    folder = os.path.normpath(os.path.join(self.root, uses.partition("@")[0][2:]))
                    found.setdefault(folder, []).append(place.step.with_)
            for _, job in self.jobs():
                called = self.called(job.uses) if job.uses else None
                if called is not None:
                    found.setdefault(os.path.normpath(called.path), []).append(job.with_)
            return found

        return self.memo("local-calls", compute)

    def steps(self) -> list[StepPlace]:
        """Every step of every job, then of every composite action (listed once)."""
        return self.memo("steps", lambda: list(self._steps()))

    def _steps(self) -> Iterator[StepPlace]:
        for workflow, job in self.jobs():
            for step in job.steps:
                yield StepPlace(step, workflow.doc, workflow, job, None)
        for action in self.actions:
            for step in action.steps:
                yield StepPlace(step, action.doc, None, None, action)

    @cached_property
    def documents(self) -> dict[str, YamlDocument]:
        """Each workflow's and local action's parsed file, by its path in spans."""
        found = {w.path: w.doc for w in self.workflows}
        found.update({a.path: a.doc for a in self.actions})
        return found

    def entries(self, *names: str) -> Iterator[tuple[YamlDocument, ScalarNode, Node]]:
        """Every ``key: value`` whose key is one of ``names``, at any depth of any workflow or
        action, in file order (the trees are walked once per repository, for every rule)."""
        index: dict[str, list[tuple[YamlDocument, ScalarNode, Node]]]
        index = self.memo("entries", self._index_entries)
        found = [index.get(name, []) for name in names]
        if len(found) == 1:
            yield from found[0]
            return
        order = {id(doc): number for number, doc in enumerate(self.documents.values())}
        yield from heapq.merge(*found, key=lambda e: (order[id(e[0])], e[1].start.offset))

    def _index_entries(self) -> dict[str, list[tuple[YamlDocument, ScalarNode, Node]]]:
        index: dict[str, list[tuple[YamlDocument, ScalarNode, Node]]] = {}
        for doc in self.documents.values():
            stack: list[Node] = [doc.root] if doc.root is not None else []
            while stack:  # depth first, in file order
                node = stack.pop()
                if isinstance(node, MappingNode):
                    keys = node.keys
                    for name, value in node.values.items():
                        index.setdefault(name, []).append((doc, keys[name], value))
                    stack.extend(reversed(node.values.values()))
                elif isinstance(node, SequenceNode):
                    stack.extend(reversed(node.items))
        return index

    def anchor(self) -> Span | None:
        """Where a finding about the whole repository points: the ``on:`` of the first workflow
        that runs for pull requests (else pushes, else any), the natural place to add a job;
        None when there is no workflow."""
        for event in ("pull_request", "push", None):
            for workflow in sorted(self.workflows, key=lambda w: w.path):
                if event is None or event in workflow.triggers:
                    root = workflow.doc.root
                    if isinstance(root, MappingNode):
                        return span_of(workflow.path, root.keys.get("on") or root)
        return None

    def file_span(self, relative: str) -> Span:
        """The start of a file of the repository, for findings about the file as a whole."""
        return Span(os.path.normpath(os.path.join(self.root, relative)), 1, 1, 1, 1, 0, 0)

    # -- files -----------------------------------------------------------------------------------

    @cached_property
    def files(self) -> list[str]:
        """The repository's files, relative to its root: git's view when it is a repository."""
        from pitstop.git import tree_files

        return outside_nested_projects(tree_files(self.root))

    @cached_property
    def documentation(self) -> list[str]:
        """The files people read: Markdown, reStructuredText, AsciiDoc and text documents."""
        return [f for f in self.files if f.lower().endswith(DOC_SUFFIXES)]

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        """What ``compute`` returns, computed once per repository: for what several rules
        derive from the whole repository (every scan in it, say)."""
        if name not in self._memo:
            self._memo[name] = compute()
        found: T = self._memo[name]
        return found

    def read(self, relative: str) -> str | None:
        """A text file's contents, or None when it is missing, not text, or outside the
        repository; each file is read once however many rules ask."""
        if relative not in self._read:
            root = os.path.abspath(self.root)
            path = os.path.abspath(os.path.join(root, relative))
            if os.path.commonpath([path, root]) != root:
                return None  # `make -C /elsewhere`, `../x.sh`: only the repository is read
            try:
                with open(path, encoding="utf-8") as handle:
                    self._read[relative] = handle.read()
            except (OSError, UnicodeDecodeError):
                self._read[relative] = None
        return self._read[relative]


def span(doc: YamlDocument, node: Node) -> Span:
    return span_of(doc.path, node)


def key_span(doc: YamlDocument, mapping: MappingNode, key: str) -> Span:
    """The span of ``key`` itself in ``mapping`` (the mapping's start when it is absent)."""
    node: ScalarNode | None = mapping.keys.get(key)
    return span_of(doc.path, node if node is not None else mapping)


def value_span(doc: YamlDocument, mapping: MappingNode, key: str) -> Span:
    """The span of the value under ``key`` (the mapping's start when it is absent)."""
    node = mapping.get(key)
    return span_of(doc.path, node if node is not None else mapping)


# The characters that make a ``workflows:`` entry a pattern rather than a name
# (``compile_pattern``'s special characters).
GLOB_CHARACTERS = re.compile(r"[*?+\[\\]")


def event_node(workflow: Workflow, event: str) -> Node:
    """The node that names ``event`` under ``on:``: its key, or the scalar in ``on: [a, b]``."""
    root = workflow.doc.root
    assert isinstance(root, MappingNode)
    on = root.get("on")
    if isinstance(on, MappingNode) and event in on.keys:
        return on.keys[event]
    if isinstance(on, SequenceNode):
        for item in on.items:
            if isinstance(item, ScalarNode) and item.value == event:
                return item
    return on if on is not None else root


def _group_members_read(workflow: Workflow) -> Workflow:
    """The workflow as the rules read it: each job's ``parallel:`` groups replaced by the steps
    they run (``model.group_members``), so a template injection or an unpinned action inside a
    group is seen like any other step's."""
    jobs = {key: replace(job, steps=group_members(job.steps)) for key, job in workflow.jobs.items()}
    if all(jobs[key].steps is job.steps for key, job in workflow.jobs.items()):
        return workflow
    return replace(workflow, jobs=jobs)
