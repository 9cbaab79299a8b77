"""``pitstop plan``: which workflows and jobs an event would start, and why the others would not."""

from __future__ import annotations

import json

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, batch
from pitstop.cli.selection import (
    build_event,
    check_event_name,
    parse_pairs,
    require_workflow_files,
    selected,
)
from pitstop.errors import PitstopError
from pitstop.plan import WorkflowPlan, plan_workflow
from pitstop.report.plan import render_graph, render_text, to_data
from pitstop.workflow.repository import load_file


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
    batch()
    check_event_name(event_name)
    try:
        event = build_event(event_name, ref, action, parse_pairs(inputs, "--input"), files, since)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    paths = require_workflow_files()
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
        if not selected(workflows, path, loaded.workflow.name):
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
