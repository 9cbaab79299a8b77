"""Finds a repository's workflows and local actions and reads each one once.

Workflows are ``.github/workflows/*.yml`` and ``*.yaml`` (GitHub reads no subfolders there); local
actions are ``action.yml`` or ``action.yaml`` anywhere in the tree outside ``.git`` and dependency
folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pitstop.errors import PitstopError, Span
from pitstop.folders import SKIP_DIRS
from pitstop.git import git
from pitstop.workflow.calls import Resolve, check_calls, local_resolver
from pitstop.workflow.model import Action, Workflow, build_action, build_workflow
from pitstop.workflow.validate import (
    MAX_RESULT_SIZE,
    github_name,
    in_file_order,
    validate_action,
    validate_workflow,
)
from pitstop.workflow.yaml import load_yaml, parse_yaml

WORKFLOWS_DIR = Path(".github") / "workflows"
# folders that hold no file of the project itself: version control, dependencies, caches
_ACTION_FILES = ("action.yml", "action.yaml")


@dataclass
class LoadedFile:
    """One file read: its problems, and its model when it could be read at all."""

    path: str
    kind: str  # "workflow" or "action"
    problems: list[PitstopError] = field(default_factory=list)
    workflow: Workflow | None = None
    action: Action | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


def find_workflow_files(root: str = ".") -> list[str]:
    folder = Path(root) / WORKFLOWS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        os.path.relpath(p, root)
        for p in folder.iterdir()
        if p.suffix in (".yml", ".yaml") and p.is_file()
    )


def find_action_files(root: str = ".") -> list[str]:
    """Local actions under ``root``, outside the projects nested in it (``nested_project``)
    and, in a git repository, outside what git ignores (a cache of other projects' files, a
    build folder): the files a checkout of the repository would hold."""
    listed = _git_files(root)
    if listed is not None:
        named = [
            p
            for p in outside_nested_projects(listed)
            if p.rsplit("/", 1)[-1] in _ACTION_FILES and not set(p.split("/")[:-1]) & SKIP_DIRS
        ]
        return sorted(
            os.path.normpath(p) for p in named if kind_of_file(os.path.join(root, p)) == "action"
        )
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIP_DIRS and not nested_project(os.path.join(directory, d))
        )
        for name in _ACTION_FILES:
            if name in files and kind_of_file(os.path.join(directory, name)) == "action":
                found.append(os.path.normpath(os.path.relpath(os.path.join(directory, name), root)))
    return sorted(found)


def _git_files(root: str) -> list[str] | None:
    """The files git tracks or would add under ``root`` (``/``-separated, relative to it), or
    None when ``root`` is not in a git work tree."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=root)
    if listed is None:
        return None
    return sorted({name for name in listed.split("\0") if name})


def nested_project(folder: str) -> bool:
    """Whether ``folder`` (below the root being read) is a project of its own: it has a
    ``.github`` folder, which GitHub reads only at a repository's top (an example, a test
    fixture, a vendored repository). Its workflows, actions and files are its own audit's."""
    return os.path.isdir(os.path.join(folder, ".github"))


def outside_nested_projects(paths: list[str]) -> list[str]:
    """``paths`` (relative to the root, ``/``-separated) less those inside a nested project, as
    the list itself tells: a folder below the top holding ``.github/`` files of its own."""
    marker = "/.github/"
    nested = {p.split(marker)[0] for p in paths if marker in p}
    if not nested:
        return paths

    def inside(path: str) -> bool:
        parts = path.split("/")
        return any("/".join(parts[:n]) in nested for n in range(1, len(parts)))

    return [p for p in paths if not inside(p)]


def kind_of_file(path: str) -> str:
    """A file directly in ``.github/workflows`` is a workflow whatever its name (fluxcd/flux2
    keeps one called action.yaml there); elsewhere action.yml and action.yaml are actions."""
    folder = os.path.normpath(os.path.dirname(os.path.abspath(path)))
    if folder.endswith(os.path.join(".github", "workflows")):
        return "workflow"
    return "action" if os.path.basename(path) in _ACTION_FILES else "workflow"


def load_file(
    path: str,
    kind: str | None = None,
    text: str | None = None,
    resolve: Resolve | None = None,
    default_permissions: dict[str, str] | None = None,
    max_result_size: int = MAX_RESULT_SIZE,
) -> LoadedFile:
    """Read, validate and model one file; ``text`` stands in for its contents when given. A
    workflow's calls of reusable workflows are checked against the workflows ``resolve``
    reads (by default the repository's own, beside ``path``)."""
    kind = kind or kind_of_file(path)
    loaded = LoadedFile(path, kind)
    try:
        doc = load_yaml(path) if text is None else parse_yaml(text, path)
    except PitstopError as error:
        loaded.problems.append(error)
        return loaded
    if kind == "action":
        loaded.problems = validate_action(doc)
        loaded.action = build_action(doc)
    else:
        loaded.problems = validate_workflow(doc, max_result_size)
        resolver = resolve or local_resolver(path, load_yaml)
        calls = check_calls(doc, resolver, default_permissions)
        if calls:
            loaded.problems = in_file_order(loaded.problems + calls)
        loaded.problems = [cut_as_github_does(p) for p in loaded.problems]
        loaded.workflow = build_workflow(doc)
    return loaded


# GitHub cuts an error over 500 characters, its "<file> (Line: L, Col: C): " included, and
# ends it with "[...]" (actions/runner, ParseOptions.MaxErrorMessageLength; reader case
# errors-reusable-workflow-permissions-not-allowed-request-write-all-allowed-read-all).
MAX_MESSAGE = 500


def cut_as_github_does(problem: PitstopError) -> PitstopError:
    span = problem.span
    if span is None or len(problem.message) < MAX_MESSAGE // 2:
        return problem
    prefix = f"{github_name(span.path)} (Line: {span.line}, Col: {span.column}): "
    if len(prefix) + len(problem.message) <= MAX_MESSAGE:
        return problem
    return PitstopError(problem.message[: MAX_MESSAGE - len(prefix)] + "[...]", span)


def _files_in(folder: str) -> list[str]:
    """The workflows and actions below a folder; a workflows folder gives its own files."""
    if os.path.basename(os.path.normpath(folder)) == "workflows":
        names = sorted(n for n in os.listdir(folder) if n.endswith((".yml", ".yaml")))
        return [os.path.join(folder, n) for n in names]
    return [
        os.path.join(folder, p) for p in find_workflow_files(folder) + find_action_files(folder)
    ]


def collect_paths(targets: list[str]) -> list[str]:
    """Files named, and the workflows and actions inside folders named; ``[]`` means the repo."""
    if not targets:
        return find_workflow_files(".") + find_action_files(".")
    paths: list[str] = []
    for target in targets:
        if os.path.isdir(target):
            paths.extend(os.path.normpath(p) for p in _files_in(target))
        elif os.path.exists(target):
            paths.append(os.path.normpath(target))
        else:
            raise PitstopError("no such file or folder", Span.file_start(target))
    return list(dict.fromkeys(paths))
