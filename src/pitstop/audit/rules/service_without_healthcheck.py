"""service-without-healthcheck: a service container the runner cannot wait for."""

from __future__ import annotations

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule


def check(repo: Repo, out: Check) -> None:
    for workflow, job in repo.jobs():
        for service_id, service in job.services.items():
            out.checked += 1
            options = service.options or ""
            if "--health-cmd" in options or "--no-healthcheck" in options:
                continue
            key = job.node.get("services")
            node = service.node
            if key is not None and hasattr(key, "keys") and service_id in key.keys:
                node = key.keys[service_id]
            out.flag(
                span(workflow.doc, node),
                f"service '{service_id}' ({service.image}) has no --health-cmd: the first step "
                "may start before it accepts connections",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} services are health-checked"


RULE = Rule(
    id="service-without-healthcheck",
    category="reliability",
    severity="medium",
    summary="A service container has no health check.",
    docs=Docs(
        what="Flags `services:` entries whose `options` have no `--health-cmd`.",
        why="The runner waits for a service only when its container has a health check. "
        "Without one, the job's first step races the database's start-up: tests fail at random "
        "with 'connection refused', and people add `sleep 10`.",
        example="services:\n  redis:\n    image: redis:7\n    ports: ['6379:6379']",
        instead="services:\n  redis:\n    image: redis:7\n    ports: ['6379:6379']\n"
        '    options: >-\n      --health-cmd "redis-cli ping" --health-interval 5s\n'
        "      --health-timeout 5s --health-retries 10",
    ),
    check=check,
)
