"""service-without-healthcheck: a service container the runner cannot wait for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from pitstop.audit.findings import Fix
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix
from pitstop.fix.render import Folded
from pitstop.knowledge.images import declares_healthcheck, image_name
from pitstop.workflow.model import Job, Service
from pitstop.workflow.yaml import MappingNode, ScalarNode, YamlDocument

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

TIMING = "--health-interval 5s --health-timeout 5s --health-retries 10"
# image name (without registry, namespace or tag) -> the command that says it is ready
HEALTH = {
    "postgres": "pg_isready -U {POSTGRES_USER}",
    "postgresql": "pg_isready -U {POSTGRES_USER}",
    "postgis": "pg_isready -U {POSTGRES_USER}",
    "timescaledb": "pg_isready -U {POSTGRES_USER}",
    "redis": "redis-cli ping",
    "redis-stack": "redis-cli ping",
    "redis-stack-server": "redis-cli ping",
    "valkey": "valkey-cli ping",
    "mysql": "mysqladmin ping -h 127.0.0.1",
    "percona": "mysqladmin ping -h 127.0.0.1",
    "mariadb": "healthcheck.sh --connect --innodb_initialized",
    "rabbitmq": "rabbitmq-diagnostics -q ping",
}


def check(repo: Repo, out: Check) -> None:
    for workflow, job in repo.jobs():
        for service_id, service in job.services.items():
            out.checked += 1
            options = service.options or ""
            if "--health-cmd" in options or "--no-healthcheck" in options:
                continue
            if declares_healthcheck(service.image):
                continue  # the image's own HEALTHCHECK: the runner waits on it too
            key = job.node.get("services")
            node = service.node
            if key is not None and hasattr(key, "keys") and service_id in key.keys:
                node = key.keys[service_id]
            command = health_command(service)
            if (command is None or image_name(service.image) in IN_MEMORY) and (
                _other_waited_for(job, service_id) or _polled(job)
            ):
                continue  # an image with no known check (or a store that starts at once),
                # waited for another way
            if command is None and not service.ports and job.container is None:
                continue  # no port reaches it from the runner: no step can race it (a
                # docker:dind nothing talks to, in sentry-python's generated tests)
            starts_at_once = command is None or image_name(service.image) in IN_MEMORY
            if starts_at_once and _used_after_setup(workflow.env, job, service_id, service):
                continue  # docker's registry:2, first pushed to after QEMU and Buildx set up
            out.flag(
                span(workflow.doc, node),
                f"service '{service_id}' ({service.image}) has no --health-cmd: the first step "
                "may start before it accepts connections",
                fix=Fix(
                    f"added --health-cmd \"{command}\" to service '{service_id}'",
                    "safe",
                    partial(_add_health, workflow.doc, service, command),
                )
                if command
                else None,
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} services are health-checked"


# A step that waits for a service itself: curl retrying, a loop polling, a wait-for tool.
POLLS = re.compile(
    r"curl\b[^\n]*--retry\b|\b(until|while)\b[^\n]*\b(curl|wget|nc|pg_isready|redis-cli)\b"
    r"|\bwait-for(-it)?\b|\bwait-on\b|dockerize\s[^\n]*-wait\b"
    r"|\bfor\b[^\n]*\bseq\b[^\n]*\n(?:[^\n]*\n){0,3}[^\n]*(/dev/tcp/|\bcurl\b|\bnc\b)"
    # a loop whose body asks the service itself (gorm's `docker exec … gsql -c "select 1;"`)
    r"|\b(while|until)\b[^\n]*\n(?:[^\n]*\n){0,3}[^\n]*\b(docker\s+exec|psql|mysqladmin"
    r"|mongosh|redis-cli|pg_isready)\b"
)


# In-memory stores with no data directory to initialise: they listen before a database beside
# them passes its health check (judged on netbox's and laravel's redis beside a checked
# postgres or mysql), so another service's check holds the steps long enough.
IN_MEMORY = frozenset({"redis", "valkey", "memcached", "redis-stack-server"})


def _other_waited_for(job: Job, service_id: str) -> bool:
    """Another service of the job has a health check: the runner holds the steps until it is
    healthy, which gives this one as long to start."""
    return any(
        "--health-cmd" in (other.options or "")
        for name, other in job.services.items()
        if name != service_id
    )


# Variables through which every step of a job connects: a proxy (curl, pip, npm and git honour
# them) or the Docker daemon.
PROXY = re.compile(r"(https?|all|no)_proxy$|docker_host$", re.IGNORECASE)
# Actions that only write the service's address into names (image tags), connecting to nothing.
NAMES_ONLY = ("docker/metadata-action@",)


def _used_after_setup(
    env: Mapping[str, Any] | str, job: Job, service_id: str, service: Service
) -> bool:
    """Whether the first step that names the service (its host name or a port of it) comes
    after an action other than checkout: setting up a toolchain or Buildx takes seconds, which
    an image with no readiness command to wait on needs to listen. A database is not judged
    so: it has a known command, and a fix that adds it."""
    ports = {
        part for port in service.ports for part in re.split(r"[:/]", str(port)) if part.isdigit()
    }
    names = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted({service_id, *ports})) + r")\b"
    )
    shared = [env, job.env]
    container = job.container.get("env") if isinstance(job.container, dict) else None
    if any(
        PROXY.match(str(name)) and names.search(str(value))
        for given in [*shared, container]
        if isinstance(given, dict)
        for name, value in given.items()
    ):
        return False  # every step reaches it (actions/checkout's https_proxy to squid)
    for step in job.steps:
        inputs = "" if (step.uses or "").lower().startswith(NAMES_ONLY) else str(step.with_)
        text = f"{step.run or ''} {inputs} {step.env}"
        if names.search(text):
            break
        if step.uses and not step.uses.lower().startswith("actions/checkout@"):
            return True
    return False


def _polled(job: Job) -> bool:
    return any(step.run and POLLS.search(step.run) for step in job.steps)


def health_command(service: Service) -> str | None:
    """The readiness command for a well-known image, or None."""
    command = HEALTH.get(image_name(service.image))
    if command is None:
        return None
    user = service.env.get("POSTGRES_USER")
    literal = isinstance(user, str) and re.fullmatch(r"[A-Za-z0-9_.-]+", user)
    return command.format(POSTGRES_USER=user if literal else "postgres")


def _add_health(doc: YamlDocument, service: Service, command: str, context: FixContext) -> None:
    patch = context.patch(doc)
    health = f'--health-cmd "{command}" {TIMING}'
    if not isinstance(service.node, MappingNode):
        raise CannotFix("the service is given as its image alone: write it as a mapping first")
    options = service.node.get("options")
    if options is None:
        folded = Folded((f'--health-cmd "{command}"', TIMING))
        patch.insert_entry(service.node, "options", folded, after=("image",))
        return
    if not isinstance(options, ScalarNode) or not isinstance(options.value, str):
        raise CannotFix("the service's options are not a string")
    text = doc.text
    if text[options.start.offset] == ">":  # folded: a first line of its own joins with a space
        first = text.index("\n", options.start.offset) + 1
        content = first + len(text[first:]) - len(text[first:].lstrip(" "))
        indent = text[first:content]
        patch.edit_scalar(
            options,
            content,
            content,
            f"{health}{patch.newline}{indent}",
            f"{health} {options.value}",
        )
    else:
        patch.replace_scalar(options, f"{health} {options.value}".strip())


RULE = Rule(
    id="service-without-healthcheck",
    category="reliability",
    severity="medium",
    summary="A service container has no health check.",
    docs=Docs(
        what="Flags `services:` entries whose `options` have no `--health-cmd`, unless the "
        "image declares a HEALTHCHECK of its own (`knowledge/images.toml`: GitLab, "
        "LocalStack), which the runner waits on too. An image "
        "with no well-known readiness command is left alone when the job waits for it another "
        "way (as is Redis, Valkey or memcached, which start at once): a step that polls "
        "(`curl --retry`, an `until` loop, wait-for-it), or another "
        "service with a health check, which holds the steps back as long, or an action "
        "other than checkout that runs before the first step naming the service (its host "
        "name or port): Docker's local `registry:2`, first pushed to after Buildx is set up.",
        why="The runner waits for a service only when its container has a health check. "
        "Without one, the job's first step races the database's start-up: tests fail at random "
        "with 'connection refused', and people add `sleep 10`.",
        example="services:\n  redis:\n    image: redis:7\n    ports: ['6379:6379']",
        instead="services:\n  redis:\n    image: redis:7\n    ports: ['6379:6379']\n"
        '    options: >-\n      --health-cmd "redis-cli ping" --health-interval 5s\n'
        "      --health-timeout 5s --health-retries 10",
    ),
    check=check,
    fixable="safe",
)
