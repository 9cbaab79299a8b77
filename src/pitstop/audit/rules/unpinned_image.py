"""unpinned-image: a job's container or service image with no version at all."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job
from pitstop.workflow.yaml import MappingNode, Node

# An image named by an input or a variable, with no image written into the expression.
CHOSEN = re.compile(r"\b(?:inputs|vars)\.[\w-]+")
LITERAL_IMAGE = re.compile(r"'[^']*[:@][^']*'")
# `${{ matrix.image }}`, or a key inside a matrix of mappings (`${{ matrix.config.image }}`)
MATRIX = re.compile(r"\A\$\{\{\s*matrix\.([\w-]+(?:\.[\w-]+)*)\s*\}\}\Z")


def check(repo: Repo, out: Check) -> None:
    calls = repo.local_calls()
    for workflow, job in repo.jobs():
        for what, node in _images(job):
            value = node.to_python()
            chosen = CHOSEN.findall(value) if isinstance(value, str) else []
            if chosen and not LITERAL_IMAGE.search(value):
                if os.path.normpath(workflow.path) in calls:
                    continue  # its callers here name the image (electron's SHA-tagged builds)
                out.checked += 1
                out.flag(
                    span(workflow.doc, node),
                    f"{what} of job '{job.id}' is whatever {' or '.join(chosen)} names: "
                    "whoever sets it decides what runs here, and nothing shows it is pinned "
                    "by digest",
                    confidence="low",
                    severity="low",
                )
                continue
            built = _built_at_run_time(job, value)
            if built:
                out.checked += 1
                out.flag(
                    span(workflow.doc, node),
                    f"{what} of job '{job.id}' takes values from a matrix built at run time "
                    f"({built}): whoever sets it decides what runs here, and nothing shows it "
                    "is pinned by digest",
                    confidence="low",
                    severity="low",
                )
                continue
            for image in _values(job, value):
                out.checked += 1
                if not _floating(image):
                    continue
                out.flag(
                    span(workflow.doc, node),
                    f"{what} of job '{job.id}' is '{image}', with no tag or digest: it is "
                    "whatever was pushed last as 'latest', different from run to run; name a "
                    "version, or better a digest (image@sha256:…)",
                )
                break
    out.figure = f"{out.checked - out.failed} of {out.checked} job images name a version"


def _images(job: Job) -> Iterator[tuple[str, Node]]:
    """The nodes that name the job's container image and each service's image."""
    container = job.node.get("container")
    if isinstance(container, MappingNode):
        container = container.get("image")
    if container is not None:
        yield "the container", container
    services = job.node.get("services")
    if isinstance(services, MappingNode):
        for key, service in services.items():
            image = service.get("image") if isinstance(service, MappingNode) else None
            if image is not None:
                yield f"service '{key.raw}'", image


def _values(job: Job, value: Any) -> list[str]:
    """The images a value names: itself, or each value of the matrix key it reads."""
    if not isinstance(value, str) or not value.strip():
        return []
    found = MATRIX.match(value.strip())
    if not found:
        return [] if "${{" in value else [value.strip()]
    matrix = job.strategy.matrix if job.strategy is not None else None
    if not isinstance(matrix, dict):
        return []
    key, *inside = found.group(1).split(".")
    values = list(matrix.get(key, [])) if isinstance(matrix.get(key), list) else []
    values += [row.get(key) for row in matrix.get("include", []) or [] if isinstance(row, dict)]
    for name in inside:  # each value a mapping: the key inside it
        values = [v.get(name) for v in values if isinstance(v, dict)]
    images = [v.strip() for v in values if isinstance(v, str) and v.strip() and "${{" not in v]
    # an explicit `latest` written into a matrix (gorm's `dbversion: ['mariadb:latest']`, its
    # postgres: latest, 15, 14) tests the newest release on purpose; an image with no tag at all
    # is still flagged
    return [i for i in images if not i.endswith(":latest")]


def _built_at_run_time(job: Job, value: Any) -> str | None:
    """The expression a ``${{ matrix.x }}`` image's values come from when the matrix, or its
    ``include``, is computed at run time from what a caller or a variable says
    (``${{ fromJSON(vars.TARGETS) }}``)."""
    if not isinstance(value, str) or not MATRIX.match(value.strip()) or job.strategy is None:
        return None
    matrix = job.strategy.matrix
    if isinstance(matrix, str) and CHOSEN.search(matrix):
        return matrix.strip()
    if isinstance(matrix, dict):
        include = matrix.get("include")
        if isinstance(include, str) and CHOSEN.search(include):
            return f"include: {include.strip()}"
    return None  # a matrix the workflow computes itself (needs.setup.outputs) is its own


def _floating(image: str) -> bool:
    """No digest, and no tag or the `latest` tag (a registry's port is not a tag)."""
    if "@" in image:
        return False
    name = image.rsplit("/", 1)[-1]
    tag = name.partition(":")[2]
    return tag in ("", "latest")


RULE = Rule(
    id="unpinned-image",
    category="security",
    severity="high",
    summary="A container or service image names no version.",
    docs=Docs(
        what="Flags a job's `container:` image and its services' images that have neither a "
        "tag nor a digest, or the `latest` tag, including each value a `${{ matrix.x }}` "
        "image takes, except an explicit `:latest` written into a matrix (a version matrix "
        "testing the newest release on purpose). An image chosen by another expression is "
        "left alone (one that only an input or a variable names is flagged low: nothing shows "
        "it is pinned, and so is a matrix image whose matrix, or its `include`, is computed at "
        "run time), and so is a versioned tag (`postgres:16`), which names a release.",
        why="`latest` is whatever the publisher pushed last: a run today and a rerun "
        "tomorrow test against different software, and a compromised publisher reaches your "
        "job with its next push.",
        example="services:\n  redis:\n    image: redis",
        instead="services:\n  redis:\n    image: redis:7.4.3@sha256:<digest>",
    ),
    check=check,
)
