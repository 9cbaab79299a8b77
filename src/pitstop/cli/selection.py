"""What ``plan`` and ``run`` share: the event from the options, and which workflows are meant."""

from __future__ import annotations

import os

import click

from pitstop import git
from pitstop.cli.main import EXIT_USAGE
from pitstop.errors import PitstopError
from pitstop.plan import Event
from pitstop.workflow.repository import find_workflow_files
from pitstop.workflow.schema import ACTIVITY_TYPES


def check_event_name(name: str) -> None:
    if name not in ACTIVITY_TYPES:
        raise click.BadParameter(f"'{name}' is not an event GitHub knows", param_hint="--event")


def require_workflow_files() -> list[str]:
    """The repository's workflow files; exit 2 with a message when there are none."""
    paths = find_workflow_files(".")
    if not paths:
        click.echo("pitstop: no workflows found in .github/workflows", err=True)
        raise SystemExit(EXIT_USAGE)
    return paths


def selected(wanted: tuple[str, ...], path: str, name: str | None) -> bool:
    """Whether a workflow is among ``wanted`` (path, file name or ``name:``); none wanted: all."""
    return not wanted or any(
        w in (path, name, os.path.basename(path)) or os.path.normpath(w) == path for w in wanted
    )


def parse_pairs(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got '{pair}'", param_hint=option)
        values[key] = value
    return values


def build_event(
    name: str,
    ref: str | None,
    action: str | None,
    inputs: dict[str, str],
    files: tuple[str, ...],
    since: str | None,
) -> Event:
    in_git = git.is_repository()
    default = git.default_branch() if in_git else "main"
    branch = (git.current_branch() if in_git else None) or default
    sha = git.head_sha() if in_git else None
    if ref is None:
        ref = f"refs/heads/{branch}"
    elif not ref.startswith("refs/"):
        ref = f"refs/heads/{ref}"
    changed: tuple[str, ...] | None
    changes_from = None
    if files:
        changed = tuple(files)
    elif in_git:
        changed = tuple(git.changed_files(since, default))
        last = git.last_commit_files() if not changed and since is None else None
        if last:
            # a clean clone of the default branch: what the last push brought is its last commit
            commit, names = last
            changed = tuple(names)
            which = "the last commit" if commit == sha else f"the last commit here ({commit[:12]})"
            changes_from = f"nothing differs from {default}: compared {which} with its parent"
    elif since is not None:
        raise PitstopError("--changed-since needs a git repository")
    else:
        changed = None
    slug = git.repository_slug() if in_git else None
    pull = name in ("pull_request", "pull_request_target")
    ref_name = ref.split("/", 2)[-1]
    return Event(
        name=name,
        ref="refs/pull/0/merge" if pull else ref,
        changed=changed,
        inputs=inputs,
        action=action,
        base_ref=default if pull else None,
        head_ref=ref_name if pull else None,
        sha=sha,
        repository="/".join(slug) if slug else os.path.basename(os.getcwd()),
        changes_from=changes_from,
        default_branch=default,
    )
