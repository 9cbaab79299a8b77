"""``pitstop plan``: which workflows and jobs an event would start, and why the others would not."""

from __future__ import annotations

import json
import os

import click

from pitstop import git
from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pitstop.errors import PitstopError
from pitstop.plan import Event, WorkflowPlan, plan_workflow
from pitstop.report.plan import render_graph, render_text, to_data
from pitstop.workflow.repository import find_workflow_files, load_file
from pitstop.workflow.schema import ACTIVITY_TYPES


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
    if ref is None:
        ref = f"refs/heads/{branch}"
    elif not ref.startswith("refs/"):
        ref = f"refs/heads/{ref}"
    changed: tuple[str, ...] | None
    if files:
        changed = tuple(files)
    elif in_git:
        changed = tuple(git.changed_files(since, default))
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
        sha=git.head_sha() if in_git else None,
        repository="/".join(slug) if slug else os.path.basename(os.getcwd()),
    )


@click.command(name="plan")
@click.argument("workflows", nargs=-1)
@click.option("--event", "event_name", default="push", show_default=True, help="Event name.")
@click.option("--ref", help="Branch or full ref (default: the current branch).")
@click.option("--action", help="Activity type, e.g. opened for pull_request.")
@click.option("--input", "inputs", multiple=True, metavar="KEY=VALUE", help="A dispatch input.")
@click.option(
    "--changed-since",
    "since",
    metavar="REV",
    help="Changed files are those since REV (default: the merge base with the default branch).",
)
@click.option("--file", "files", multiple=True, help="Treat FILE as changed (repeatable).")
@click.option("--graph", is_flag=True, help="Print the needs graph as text and Mermaid.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def command(
    workflows: tuple[str, ...],
    event_name: str,
    ref: str | None,
    action: str | None,
    inputs: tuple[str, ...],
    since: str | None,
    files: tuple[str, ...],
    graph: bool,
    as_json: bool,
) -> None:
    """Show what an event would trigger: workflows, the filters that decide, jobs in needs order.

    WORKFLOWS narrow the plan to some files (path, file name or the workflow's name).
    Exits 1 when a workflow considered is invalid, 2 on bad input.
    """
    if event_name not in ACTIVITY_TYPES:
        raise click.BadParameter(
            f"'{event_name}' is not an event GitHub knows", param_hint="--event"
        )
    try:
        event = build_event(event_name, ref, action, parse_pairs(inputs, "--input"), files, since)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    paths = find_workflow_files(".")
    if not paths:
        click.echo("pitstop: no workflows found in .github/workflows", err=True)
        raise SystemExit(EXIT_USAGE)
    plans: list[WorkflowPlan] = []
    for path in paths:
        loaded = load_file(path, "workflow")
        if loaded.workflow is None:
            plans.append(
                WorkflowPlan(
                    path, path, False, ("the file cannot be read",), problems=tuple(loaded.problems)
                )
            )
            continue
        if workflows and not _selected(workflows, path, loaded.workflow.name):
            continue
        plans.append(plan_workflow(loaded.workflow, event, loaded.problems))
    if workflows and not plans:
        click.echo(f"pitstop: no workflow matches {', '.join(workflows)}", err=True)
        raise SystemExit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(to_data(event, plans), indent=2))
    else:
        click.echo(render_text(event, plans))
        if graph:
            click.echo("")
            click.echo(render_graph(plans), nl=False)
    raise SystemExit(EXIT_FAILED if any(p.problems for p in plans) else EXIT_OK)


def _selected(wanted: tuple[str, ...], path: str, name: str | None) -> bool:
    return any(
        w in (path, name, os.path.basename(path)) or os.path.normpath(w) == path for w in wanted
    )
