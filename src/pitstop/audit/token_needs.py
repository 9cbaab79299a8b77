"""What a job needs from its GITHUB_TOKEN, step by step, from the knowledge table: the scopes of
the actions and commands it uses, through local composite actions and this repository's own
reusable workflows; unknown as soon as one step is something the table does not cover."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pitstop.audit.jobs import step_text
from pitstop.audit.repo import Repo
from pitstop.knowledge.permissions import LEVELS, Needs, action_entry, raise_to, script_needs
from pitstop.workflow.model import Job, Step, Workflow


def job_needs(repo: Repo, workflow: Workflow, job: Job) -> Needs:
    """What ``job`` needs, worked out once per job however many times rules ask (a copy, the
    caller's to change)."""
    found = repo.memo(
        f"token needs {workflow.path}\0{job.id}", lambda: _job(repo, workflow, job, frozenset())
    )
    return Needs(dict(found.scopes), dict(found.required), found.unknown)


def jobs_needs(repo: Repo, workflow: Workflow, jobs: Iterable[Job]) -> Needs:
    needs = Needs()
    for job in jobs:
        needs.merge(job_needs(repo, workflow, job))
    return needs


def steps_needs(repo: Repo, steps: Iterable[Step]) -> Needs:
    """What these steps need from the token they are given (an app token's users, say)."""
    return _steps(repo, steps, [], frozenset())


def _job(repo: Repo, workflow: Workflow, job: Job, seen: frozenset[str]) -> Needs:
    needs = Needs()
    if job.uses:
        called = repo.called(job.uses)
        if called is None or called.path in seen:
            needs.unknown = f"job '{job.id}' calls {job.uses}"
            return needs
        for inner in called.jobs.values():
            needs.merge(_job(repo, called, inner, seen | {called.path}))
            # what the called job asks for, the caller must grant, or GitHub refuses the run
            # at its start (GitHub's docs, "Reusable workflows": permissions can only be kept
            # or lowered); azure-dev's lint caller grants lint-go.yml's pull-requests: write
            declared = inner.permissions if inner.permissions is not None else called.permissions
            if isinstance(declared, dict):
                asked = {str(k): str(v) for k, v in declared.items() if str(v) in LEVELS}
                raise_to(needs.required, asked)
                raise_to(needs.scopes, asked)
        return needs
    env = [*_values(workflow.env), *_values(job.env)]
    needs.merge(_steps(repo, job.steps, env, seen))
    if needs.unknown and not needs.unknown.startswith("job "):
        needs.unknown = f"job '{job.id}': {needs.unknown}"
    return needs


def _steps(repo: Repo, steps: Iterable[Step], env: list[str], seen: frozenset[str]) -> Needs:
    needs = Needs()
    for step in steps:
        step_env = [*env, *_values(step.env)]
        if step.run is not None:
            # with the repository's scripts and make targets it runs (supabase-py's `make
            # publish` is `uv publish`, trusted publishing with the job's id-token)
            needs.merge(script_needs(step_text(replace(step, name=None), repo), step_env))
        elif step.uses:
            needs.merge(_uses(repo, step, step_env, seen))
    return needs


def _uses(repo: Repo, step: Step, env: list[str], seen: frozenset[str]) -> Needs:
    uses = step.uses or ""
    needs = Needs()
    if uses.startswith("docker://"):
        return script_needs("", [*env, *_values(step.with_)])
    if uses.startswith(("./", "$/")):
        action = repo.local_action(uses)
        if action is None or action.using != "composite" or action.path in seen:
            needs.unknown = f"uses {uses}"
            return needs
        return _steps(repo, action.steps, env, seen | {action.path})
    entry = action_entry(uses)
    if entry is None:
        needs.unknown = f"uses {uses.partition('@')[0]}"
        return needs
    needs.add(entry, step.with_ if isinstance(step.with_, dict) else {})
    return needs


def _values(mapping: Mapping[str, Any] | str | None) -> list[str]:
    if not isinstance(mapping, Mapping):
        return [mapping] if isinstance(mapping, str) else []
    return [str(v) for v in mapping.values()]
