"""unscanned-image: a container image is built and pushed, and nothing scans it."""

from __future__ import annotations

import re

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scanners import IMAGES, scans
from pitstop.workflow.yaml import MappingNode

PUSH = re.compile(r"\b(docker|podman|buildah)\s+(image\s+)?push\b|\bko\s+(publish|build)\b")
BUILD_PUSH_ACTION = re.compile(r"^docker/build-push-action@", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    scanned = sorted({name for _, name, kinds in scans(repo) if IMAGES in kinds})
    builders = _ci_image_builders(repo)
    for place in repo.steps():
        job = (place.workflow.path, place.job.id) if place.workflow and place.job else None
        if job in builders:
            continue  # it builds the image later jobs run in: CI's own build environment
        node = None
        if place.step.run and PUSH.search(place.step.run):
            node = place.step.node.get("run")
        elif place.step.uses and BUILD_PUSH_ACTION.match(place.step.uses):
            given = place.step.node.get("with")
            push = given.get("push") if isinstance(given, MappingNode) else None
            if push is not None and str(push.to_python()).lower() not in ("false", ""):
                node = place.step.node.get("uses")
        if node is None:
            continue
        out.checked += 1
        if scanned:
            continue
        out.flag(
            span(place.doc, node),
            "this image is pushed and nothing scans it for known vulnerabilities: add trivy, "
            "grype or docker scout before the push",
        )
    if out.checked:
        out.figure = (
            f"{out.checked} pushed images scanned by {', '.join(scanned)}"
            if scanned
            else f"0 of {out.checked} pushed images scanned"
        )


# A job's container or service image taken from another job's output:
# `image: ${{ needs.playwright-deps-image.outputs.image }}` (vitest's CI builds its own).
NEEDS_OUTPUT = re.compile(r"needs\.([\w-]+)\.outputs\.")


def _ci_image_builders(repo: Repo) -> set[tuple[str, str]]:
    """The jobs whose image other jobs of the workflow run in (their `container:` or a
    service), by workflow path and job id: that image is CI's build environment, not a
    release."""
    found = set()
    for workflow, job in repo.jobs():
        images = [job.container, *(s.image for s in job.services.values())]
        for image in images:
            text = str(image.get("image", "") if isinstance(image, dict) else image or "")
            found |= {(workflow.path, name) for name in NEEDS_OUTPUT.findall(text)}
    return found


RULE = Rule(
    id="unscanned-image",
    category="security",
    severity="medium",
    summary="A container image is pushed and nothing scans it.",
    docs=Docs(
        what="Flags steps that push an image (`docker push`, `podman push`, `buildah push`, "
        "`ko publish`, docker/build-push-action with `push: true`) in a repository whose "
        "workflows run no image scanner (trivy, grype, snyk, docker scout, or their actions). "
        "A job whose image later jobs run in (`container: ${{ needs.<job>.outputs.image }}`) "
        "builds CI's own environment, not a release, and is left alone.",
        why="An image carries a whole operating system's packages next to the application. "
        "A base image from last year ships last year's OpenSSL; only a scan of the built "
        "image sees it.",
        example="- uses: docker/build-push-action@<sha>\n  with:\n    push: true\n"
        "    tags: ghcr.io/acme/api:${{ github.sha }}",
        instead="- uses: docker/build-push-action@<sha>\n  with:\n    load: true\n"
        "    tags: api:scan\n- uses: aquasecurity/trivy-action@<sha>\n  with:\n"
        "    image-ref: api:scan\n    exit-code: 1\n    severity: CRITICAL,HIGH\n"
        "- uses: docker/build-push-action@<sha>\n  with:\n    push: true\n    tags: …",
    ),
    check=check,
)
