"""The ``github`` and ``runner`` contexts and the ``GITHUB_*``/``RUNNER_*`` variables of a job.

Sources: docs.github.com "Contexts reference" (github, runner) and "Variables reference" (default
environment variables). Values a local run cannot know from GitHub (run id, actor id) are made up
consistently: the run id is the run directory's number.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from typing import Any

from pitstop.plan import Event

SERVER_URL = "https://github.com"
API_URL = "https://api.github.com"
GRAPHQL_URL = "https://api.github.com/graphql"


@dataclass(frozen=True)
class RunInfo:
    """What every job of one run shares."""

    event: Event
    payload: dict[str, Any]
    run_id: str
    run_number: int
    run_attempt: int
    actor: str
    repository: str  # owner/name
    workflow_name: str
    workflow_path: str
    secrets_token: str = ""

    @property
    def owner(self) -> str:
        return self.repository.split("/")[0]


def runner_os() -> str:
    return {"Linux": "Linux", "Darwin": "macOS", "Windows": "Windows"}.get(
        platform.system(), platform.system()
    )


def runner_arch() -> str:
    machine = platform.machine().lower()
    return {
        "x86_64": "X64",
        "amd64": "X64",
        "aarch64": "ARM64",
        "arm64": "ARM64",
        "i386": "X86",
        "i686": "X86",
        "armv7l": "ARM",
    }.get(machine, machine.upper())


def build_payload(event: Event, repository: str, default_branch: str) -> dict[str, Any]:
    """A webhook payload with the fields workflows read most, for the event being run."""
    owner, _, name = repository.partition("/")
    repo = {
        "full_name": repository,
        "name": name or repository,
        "owner": {"login": owner},
        "default_branch": default_branch,
        "html_url": f"{SERVER_URL}/{repository}",
    }
    sha = event.sha or ""
    payload: dict[str, Any] = {"repository": repo, "sender": {"login": owner}}
    if event.name == "push":
        payload.update(
            {
                "ref": event.ref,
                "before": "0" * 40,
                "after": sha,
                "created": False,
                "deleted": False,
                "forced": False,
                "head_commit": {"id": sha},
                "pusher": {"name": owner},
            }
        )
    elif event.name in ("pull_request", "pull_request_target"):
        payload.update(
            {
                "action": event.action or "opened",
                "number": 0,
                "pull_request": {
                    "number": 0,
                    "head": {"ref": event.head_ref or "", "sha": sha},
                    "base": {"ref": event.base_ref or default_branch, "sha": ""},
                    "draft": False,
                    "labels": [],
                },
            }
        )
    elif event.name == "workflow_dispatch":
        payload.update({"ref": event.ref, "inputs": dict(event.inputs)})
    elif event.action:
        payload["action"] = event.action
    return payload


def github_context(
    run: RunInfo, job_id: str, workspace: str, action: str = "", action_path: str = ""
) -> dict[str, Any]:
    event = run.event
    return {
        "action": action,
        "action_path": action_path,
        "action_ref": "",
        "action_repository": "",
        "actor": run.actor,
        "actor_id": "0",
        "api_url": API_URL,
        "base_ref": event.base_ref or "",
        "event": run.payload,
        "event_name": event.name,
        "event_path": os.path.join(os.path.dirname(workspace), "event.json"),
        "graphql_url": GRAPHQL_URL,
        "head_ref": event.head_ref or "",
        "job": job_id,
        "ref": event.ref,
        "ref_name": event.ref_name,
        "ref_protected": False,
        "ref_type": event.ref_kind,
        "repository": run.repository,
        "repository_id": "0",
        "repository_owner": run.owner,
        "repository_owner_id": "0",
        "repositoryUrl": f"git://github.com/{run.repository}.git",
        "retention_days": "90",
        "run_id": run.run_id,
        "run_number": str(run.run_number),
        "run_attempt": str(run.run_attempt),
        "secret_source": "Actions",
        "server_url": SERVER_URL,
        "sha": event.sha or "",
        "token": run.secrets_token,
        "triggering_actor": run.actor,
        "workflow": run.workflow_name,
        "workflow_ref": f"{run.repository}/{run.workflow_path}@{event.ref}",
        "workflow_sha": event.sha or "",
        "workspace": workspace,
    }


def runner_context(temp: str, tool_cache: str) -> dict[str, Any]:
    return {
        "name": "pitstop",
        "os": runner_os(),
        "arch": runner_arch(),
        "temp": temp,
        "tool_cache": tool_cache,
        "debug": "",
        "environment": "self-hosted",
    }


def default_variables(github: dict[str, Any], runner: dict[str, Any]) -> dict[str, str]:
    """The variables GitHub sets in every step, from the contexts (not the file paths)."""
    names = (
        "action",
        "action_path",
        "action_repository",
        "actor",
        "actor_id",
        "api_url",
        "base_ref",
        "event_name",
        "event_path",
        "graphql_url",
        "head_ref",
        "job",
        "ref",
        "ref_name",
        "ref_type",
        "repository",
        "repository_id",
        "repository_owner",
        "repository_owner_id",
        "retention_days",
        "run_attempt",
        "run_id",
        "run_number",
        "server_url",
        "sha",
        "triggering_actor",
        "workflow",
        "workflow_ref",
        "workflow_sha",
        "workspace",
    )
    variables = {f"GITHUB_{n.upper()}": str(github.get(n, "")) for n in names}
    variables["GITHUB_REF_PROTECTED"] = "true" if github.get("ref_protected") else "false"
    variables["GITHUB_ACTIONS"] = "true"
    variables["CI"] = "true"
    for key in ("name", "os", "arch", "temp", "tool_cache", "environment"):
        variables[f"RUNNER_{key.upper()}"] = str(runner[key])
    if runner.get("debug"):
        variables["RUNNER_DEBUG"] = "1"
    return variables


def host_environment() -> dict[str, str]:
    """This process's environment without what an outer runner set for its own steps."""
    dropped = ("GITHUB_", "RUNNER_", "INPUT_", "STATE_", "ACTIONS_")
    return {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
