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
    for place in repo.steps():
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


RULE = Rule(
    id="unscanned-image",
    category="security",
    severity="medium",
    summary="A container image is pushed and nothing scans it.",
    docs=Docs(
        what="Flags steps that push an image (`docker push`, `podman push`, `buildah push`, "
        "`ko publish`, docker/build-push-action with `push: true`) in a repository whose "
        "workflows run no image scanner (trivy, grype, snyk, docker scout, or their actions).",
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
