"""``pitstop run``: the repository's workflows on this machine, as GitHub would run them.

Exit codes: 0 the jobs that ran succeeded, 1 a job failed, 2 invalid input or nothing ran (no
workflow started, no selected job ran), 130 interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import sys
from typing import Any

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pitstop.cli.selection import (
    build_event,
    check_event_name,
    parse_pairs,
    require_workflow_files,
    selected,
)
from pitstop.errors import PitstopError
from pitstop.plan import Event, decide, plan_jobs
from pitstop.report.plan import describe_event
from pitstop.workflow.model import Workflow
from pitstop.workflow.repository import load_file

EXIT_INTERRUPTED = 130


def read_dotenv(path: str, option: str) -> dict[str, str]:
    """``KEY=value`` lines; ``#`` comments, ``export`` prefixes and matching quotes allowed."""
    values: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError as error:
        raise click.BadParameter(f"{path}: {error.strerror}", param_hint=option) from None
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        text = text.removeprefix("export ").strip()
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{path}:{number}:1: expected KEY=VALUE", param_hint=option)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _inputs(workflow: Workflow, event: Event, given: dict[str, str]) -> dict[str, Any]:
    """``inputs``: the given values over the declared defaults, booleans typed as on GitHub."""
    trigger = workflow.triggers.get(event.name)
    declared = trigger.inputs if trigger is not None else {}
    inputs: dict[str, Any] = {}
    for name, spec in declared.items():
        spec = spec if isinstance(spec, dict) else {}
        value: Any = given.get(name, spec.get("default"))
        if value is None:
            value = "" if spec.get("type") != "boolean" else False
        if spec.get("type") == "boolean" and isinstance(value, str):
            value = value.strip().lower() == "true"
        if spec.get("type") == "number" and isinstance(value, str) and value:
            with contextlib.suppress(ValueError):
                value = float(value)
        inputs[name] = value
    for name, value in given.items():
        inputs.setdefault(name, value)
    return inputs


@click.command(name="run")
@click.argument("workflows", nargs=-1)
@click.option(
    "-j", "--job", "jobs", multiple=True, metavar="ID", help="Run this job and its needs."
)
@click.option("--only", is_flag=True, help="With --job: run only the named jobs, not their needs.")
@click.option("--event", "event_name", default="push", show_default=True, help="Event name.")
@click.option("-e", "--event-file", type=click.Path(dir_okay=False), help="Event payload (JSON).")
@click.option("--ref", help="Branch or full ref (default: the current branch).")
@click.option("--input", "inputs", multiple=True, metavar="KEY=VALUE", help="A workflow input.")
@click.option("--matrix", "matrix", multiple=True, metavar="KEY=VALUE", help="Pick matrix rows.")
@click.option("--var", "variables", multiple=True, metavar="KEY=VALUE", help="A vars value.")
@click.option("--secret", "secrets", multiple=True, metavar="KEY=VALUE", help="A secret.")
@click.option("--secret-file", type=click.Path(dir_okay=False), help="Secrets in dotenv format.")
@click.option("--list", "list_only", is_flag=True, help="List workflows and jobs, run nothing.")
@click.option("--dry-run", is_flag=True, help="Show what would run, run nothing.")
@click.option("--all", "ignore_filters", is_flag=True, help="Ignore trigger filters.")
@click.option(
    "-p",
    "--parallel",
    type=click.IntRange(min=1),
    default=None,
    help="Jobs running at once (default: number of CPUs).",
)
@click.option("--in-place", is_flag=True, help="Run in the working tree, not in copies.")
@click.option("--strict", is_flag=True, help="A step that cannot run locally fails the job.")
@click.option(
    "--offline",
    is_flag=True,
    help="Never touch the network: remote actions not fetched before are not run locally.",
)
@click.option(
    "--fetch-actions",
    is_flag=True,
    help="Fetch the remote actions even with --dry-run (a run fetches them anyway).",
)
@click.option(
    "--host-containers", is_flag=True, help="Run `container:` jobs' steps on this machine."
)
@click.option("--plain", is_flag=True, help="Line-prefixed logs, no live view.")
@click.option(
    "--services",
    "services",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "path", "wheel"]),
    help="Where service servers come from.",
)
@click.option(
    "--reuse-envs",
    is_flag=True,
    help="Keep setup-python environments between runs (keyed by repository, job, row and "
    "dependency files); by default every job starts from a fresh one.",
)
@click.option(
    "--fresh-envs", is_flag=True, help="Every job starts from a fresh environment (the default)."
)
@click.option("--debug", is_flag=True, help="Show ::debug:: lines and scripts.")
def command(
    workflows: tuple[str, ...],
    jobs: tuple[str, ...],
    only: bool,
    event_name: str,
    event_file: str | None,
    ref: str | None,
    inputs: tuple[str, ...],
    matrix: tuple[str, ...],
    variables: tuple[str, ...],
    secrets: tuple[str, ...],
    secret_file: str | None,
    list_only: bool,
    dry_run: bool,
    ignore_filters: bool,
    parallel: int | None,
    in_place: bool,
    strict: bool,
    offline: bool,
    fetch_actions: bool,
    host_containers: bool,
    plain: bool,
    services: str,
    reuse_envs: bool,
    fresh_envs: bool,
    debug: bool,
) -> None:
    """Run the repository's workflows on this machine, as GitHub would run them.

    WORKFLOWS narrow the run (path, file name or the workflow's name).
    """
    from pitstop.runner import Target, new_run_directory
    from pitstop.runner.contexts import RunInfo, build_payload
    from pitstop.runner.masking import Masker
    from pitstop.runner.preview import Chosen, describe
    from pitstop.runner.state import RunOptions, RunState, tool_cache_root

    check_event_name(event_name)
    given_inputs = parse_pairs(inputs, "--input")
    matrix_filter = parse_pairs(matrix, "--matrix")
    try:
        event = build_event(event_name, ref, None, given_inputs, (), None)
        if event.changed == ():
            # nothing differs from the default branch: run as for a push of this tree, without
            # deciding path filters on an empty change set
            event = dataclasses.replace(event, changed=None)
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    paths = require_workflow_files()

    chosen: list[Chosen] = []
    left_out: list[tuple[str, str]] = []
    left_jobs: dict[str, set[str]] = {}  # the jobs of the workflows left out
    problems = 0
    for path in paths:
        loaded = load_file(path, "workflow")
        name = loaded.workflow.name if loaded.workflow else None
        if not selected(workflows, path, name):
            continue
        if loaded.workflow is None or loaded.problems:
            for problem in loaded.problems:
                click.echo(f"pitstop: {problem}", err=True)
            problems += 1
            continue
        workflow = loaded.workflow
        left_jobs[path] = set(workflow.jobs)
        if ignore_filters and event.name not in workflow.triggers and not workflows:
            listed = ", ".join(workflow.triggers) or "nothing"
            left_out.append((path, f"not triggered by {event.name} (on: {listed})"))
            continue  # --all ignores filters, not the event: workflow_call-only files stay out
        why = "trigger filters ignored (--all)"
        if not ignore_filters:
            decision = decide(workflow, event)
            if not decision.runs:
                left_out.append((path, f"{decision.reason} (--all ignores trigger filters)"))
                continue
            why = decision.reason
        picked = set(workflow.jobs)
        if jobs:
            wanted = {j for j in jobs if j in workflow.jobs}
            if not wanted:
                left_out.append((path, f"it has no job {' or '.join(jobs)}"))
                continue
            picked = wanted if only else workflow.with_needs(wanted)
        chosen.append(Chosen(workflow, frozenset(picked), why))
    if problems:
        raise SystemExit(EXIT_USAGE)
    if jobs:
        known = {j for c in chosen for j in c.workflow.jobs}
        unknown = [j for j in jobs if j not in known]
        if unknown:
            elsewhere = [(p, why) for p, why in left_out if unknown[0] in left_jobs.get(p, ())]
            if elsewhere:
                path, why = elsewhere[0]
                click.echo(
                    f"pitstop: job '{unknown[0]}' is in {path}, which does not run: {why}", err=True
                )
            else:
                click.echo(f"pitstop: no job '{unknown[0]}' in the selected workflows", err=True)
            raise SystemExit(EXIT_USAGE)
    if workflows and chosen and not dry_run:
        for path, why in left_out:
            click.echo(f"pitstop: {path} does not run: {why}", err=True)
    if matrix_filter:
        _check_matrix(chosen, event, matrix_filter)
    targets = [Target(c.workflow, c.jobs) for c in chosen]

    if reuse_envs and fresh_envs:
        raise click.UsageError("--reuse-envs and --fresh-envs contradict each other")
    if offline and fetch_actions:
        raise click.UsageError("--offline and --fetch-actions contradict each other")
    fetch_failures: dict[str, str] = {}
    if not (offline or list_only or (dry_run and not fetch_actions)):
        from pitstop.runner.fetch import fetch_actions as fetch

        report = fetch(
            os.getcwd(),
            [(t.workflow, sorted(t.jobs)) for t in targets],
            tool_cache_root(),
            lambda text: click.echo(f"pitstop: {text}", err=True),
        )
        fetch_failures = report.failed
    if list_only:
        _list(targets)
        raise SystemExit(EXIT_OK)
    if dry_run:
        selection = ("--only " if only else "-j ") + " ".join(jobs)
        text = describe(
            chosen,
            left_out,
            event,
            matrix_filter,
            selection,
            tool_cache_root(),
            host_containers,
            offline=offline,
        )
        click.echo(text)
        raise SystemExit(EXIT_OK)
    if not targets:
        click.echo(
            f"pitstop: nothing to run: no workflow runs for {describe_event(event)}", err=True
        )
        for path, why in left_out:
            click.echo(f"  {path}: {why}", err=True)
        raise SystemExit(EXIT_USAGE)

    secret_values: dict[str, str] = {}
    if os.environ.get("GITHUB_TOKEN"):
        secret_values["GITHUB_TOKEN"] = os.environ["GITHUB_TOKEN"]
    if secret_file:
        secret_values.update(read_dotenv(secret_file, "--secret-file"))
    secret_values.update(parse_pairs(secrets, "--secret"))
    var_values: dict[str, str] = {}
    vars_file = os.path.join(".pitstop", "vars")
    if os.path.isfile(vars_file):
        var_values.update(read_dotenv(vars_file, ".pitstop/vars"))
    var_values.update(parse_pairs(variables, "--var"))

    root = os.getcwd()
    repository = event.repository or os.path.basename(root)
    payload = build_payload(event, repository, event.default_branch)
    if event_file:
        try:
            with open(event_file, encoding="utf-8") as handle:
                payload.update(json.load(handle))
        except json.JSONDecodeError as error:
            where = f"{event_file}:{error.lineno}:{error.colno}"
            raise click.BadParameter(f"{where}: {error.msg}", param_hint="--event-file") from None
        except OSError as error:
            raise click.BadParameter(
                f"{event_file}: {error.strerror}", param_hint="--event-file"
            ) from None
    run_id, number, directory = new_run_directory(root)
    info = RunInfo(
        event=event,
        payload=payload,
        run_id=run_id,
        run_number=number,
        run_attempt=1,
        actor=os.environ.get("USER") or os.environ.get("LOGNAME") or "pitstop",
        repository=repository,
        workflow_name="",
        workflow_path="",
        secrets_token=secret_values.get("GITHUB_TOKEN", ""),
    )
    masker = Masker(list(secret_values.values()))
    options = RunOptions(
        parallel=parallel or os.cpu_count() or 2,
        in_place=in_place,
        strict=strict,
        offline=offline,
        host_containers=host_containers,
        services=services,
        reuse_envs=reuse_envs,
        debug=debug,
    )
    state = RunState(
        root=root,
        directory=directory,
        info=info,
        options=options,
        masker=masker,
        secrets=secret_values,
        vars=var_values,
        fetch_failures=fetch_failures,
    )
    live = not plain and sys.stdout.isatty()
    from pitstop.report.console import attach

    view = attach(state, live)
    view.note(
        "environments: kept between runs, keyed by repository, job, row and dependency files "
        "(--reuse-envs)"
        if reuse_envs
        else "environments: fresh for every job, as on a fresh runner (--reuse-envs keeps them)"
    )
    inputs_context = _inputs(targets[0].workflow, event, given_inputs) if targets else {}
    result = asyncio.run(_main(state, targets, inputs_context, matrix_filter, view, list(jobs)))
    view.finish(result)
    if result.interrupted:
        raise SystemExit(EXIT_INTERRUPTED)
    if not result.ran:
        click.echo(
            "pitstop: nothing ran: no selected job ran on this machine, so nothing was checked "
            f"(each job's reason is listed above{'; -j counts the jobs it names' if jobs else ''})",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_OK if result.result == "success" else EXIT_FAILED)


async def _main(
    state: Any, targets: Any, inputs: Any, matrix_filter: Any, view: Any, wanted: list[str]
) -> Any:
    from pitstop.runner import execute
    from pitstop.runner.process import end_group_now

    loop = asyncio.get_running_loop()
    presses = 0

    def on_interrupt() -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            view.note(
                "Interrupted: cancelling jobs (always() steps still run). "
                "Press Ctrl-C again to stop at once."
            )
            state.interrupt()
        else:
            for job in list(state.active):
                for pgid in job.groups:
                    end_group_now(pgid)
                job.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_interrupt)
    view.start()
    try:
        return await execute(state, targets, inputs, matrix_filter, wanted)
    finally:
        view.stop()


def _list(targets: list[Any]) -> None:
    for target in targets:
        click.echo(f"{target.workflow.display_name} ({target.workflow.path})")
        for job_id, job in target.workflow.jobs.items():
            if job_id in target.jobs:
                needs = f"  needs: {', '.join(job.needs)}" if job.needs else ""
                click.echo(f"  {job_id}{'  ' + job.name if job.name else ''}{needs}")


def _check_matrix(chosen: list[Any], event: Event, given: dict[str, str]) -> None:
    """``--matrix`` must pick rows that exist: a value no row has is a usage error naming the
    rows there are, and so is a key no selected job's matrix has (matrices known only when the
    run reaches them are checked then)."""
    from pitstop.runner.scheduler import matrix_wanted, no_row_matches, row_matches

    keys: set[str] = set()
    undecided = False
    for item in chosen:
        for plan in plan_jobs(item.workflow, event):
            if plan.id not in item.jobs:
                continue
            if plan.matrix.pending or plan.matrix.error:
                undecided = True
                continue
            rows = plan.matrix.rows
            keys.update(k for row in rows for k in row)
            wanted = matrix_wanted(rows, given)
            if wanted and not any(row_matches(r, wanted) for r in rows):
                where = f"{item.workflow.path} job '{plan.id}'"
                click.echo(f"pitstop: {where}: {no_row_matches(wanted, rows)}", err=True)
                raise SystemExit(EXIT_USAGE)
    unknown = [k for k in given if k not in keys]
    if unknown and not undecided:
        listed = ", ".join(sorted(keys)) or "none"
        click.echo(
            f"pitstop: --matrix {unknown[0]}: no selected job has that matrix key "
            f"(the keys: {listed})",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
