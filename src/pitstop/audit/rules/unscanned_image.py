"""unscanned-image: a container image is built and pushed, and nothing scans it."""

from __future__ import annotations

import re

from pitstop.audit.jobs import step_text
from pitstop.audit.repo import Repo, StepPlace, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scanners import IMAGES, scans
from pitstop.knowledge.images import image_name
from pitstop.workflow.yaml import MappingNode

PUSH = re.compile(r"\b(docker|podman|buildah)\s+(image\s+)?push\b|\bko\s+(publish|build)\b")
BUILD_PUSH_ACTION = re.compile(r"^docker/build-push-action@", re.IGNORECASE)


def check(repo: Repo, out: Check) -> None:
    scanned = sorted({name for _, name, kinds in scans(repo) if IMAGES in kinds})
    if not scanned and any(SCRIPT_SCAN.search(step_text(p.step, repo)) for p in repo.steps()):
        scanned = ["a script of the repository"]  # argo-cd's `make snyk-report`
    builders = _ci_image_builders(repo)
    used = _images_jobs_run_in(repo)
    for place in repo.steps():
        job = (place.workflow.path, place.job.id) if place.workflow and place.job else None
        if job in builders:
            continue  # it builds the image later jobs run in: CI's own build environment
        node = None
        target = ""
        if place.step.run and PUSH.search(place.step.run):
            node = place.step.node.get("run")
            target = place.step.run
        elif place.step.uses and BUILD_PUSH_ACTION.match(place.step.uses):
            given = place.step.node.get("with")
            push = given.get("push") if isinstance(given, MappingNode) else None
            if push is not None and str(push.to_python()).lower() not in ("false", ""):
                node = place.step.node.get("uses")
                tags = given.get("tags") if isinstance(given, MappingNode) else None
                target = str(tags.to_python()) if tags is not None else ""
        if node is None:
            continue
        env = {
            **(
                place.workflow.env
                if place.workflow and isinstance(place.workflow.env, dict)
                else {}
            ),
            **(place.job.env if place.job and isinstance(place.job.env, dict) else {}),
            **(place.step.env if isinstance(place.step.env, dict) else {}),
        }
        target = _with_env(target, env)
        if LOCAL_REGISTRY.search(target) or (_runs_registry(place) and not REMOTE.search(target)):
            continue  # a registry container of the job itself: a test of the push
        if any(name in target for name in used):
            continue  # an image CI's own jobs run in (actions/checkout's test-ubuntu-git)
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


# A registry on the runner itself (`registry:2` as a service at localhost:5000).
LOCAL_REGISTRY = re.compile(
    r"(?<![\w.-])(localhost|127\.0\.0\.1|[\w-]+\.local|kind-registry)(:\d+)?/"
)  # and a kind cluster's (sigstore's scaffolding runs registry.local:5000)
# A repository script named for an image scanner (`./hack/snyk-report.sh`), or one running it.
SCRIPT_SCAN = re.compile(r"\b(snyk|trivy|grype)\b[^\n]*\.sh\b|\b(snyk\s+container|trivy\s+image)\b")
# A registry's address in an image name: where a push leaves the runner.
REMOTE = re.compile(
    r"\b(ghcr\.io|docker\.io|quay\.io|gcr\.io|[\w-]+\.pkg\.dev|[\w.-]+\.azurecr\.io"
    r"|[\w.-]+\.amazonaws\.com|registry\.gitlab\.com|public\.ecr\.aws)\b"
)
ENV = re.compile(r"\$\{\{\s*env\.(\w+)\s*\}\}")


def _runs_registry(place: StepPlace) -> bool:
    """The job runs a registry as a service (`registry:2`): docker/metadata-action pushes its
    test image there, under tags another step computes."""
    services = place.job.services.values() if place.job is not None else []
    return any(image_name(s.image) in ("registry", "distribution") for s in services)


def _with_env(text: str, env: object) -> str:
    """``${{ env.NAME }}`` replaced by the workflow's own value, where it sets one."""
    values = env if isinstance(env, dict) else {}
    return ENV.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def _images_jobs_run_in(repo: Repo) -> set[str]:
    """The images (without registry host or tag) that jobs run in, their `container:`, by a
    fixed name: `ghcr.io/actions/test-ubuntu-git:main.2024…` gives `actions/test-ubuntu-git`.
    A service is left out: that is often the very image a release ships, under test."""
    found = set()
    for _, job in repo.jobs():
        for image in [job.container]:
            text = str(image.get("image", "") if isinstance(image, dict) else image or "")
            if not text or "${{" in text:
                continue
            name = text.split("@")[0].rsplit(":", 1)[0] if "/" in text else ""
            parts = name.split("/")
            if len(parts) >= 2:
                found.add("/".join(parts[-2:]))
    return found


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
        "workflows run no image scanner (trivy, grype, snyk, docker scout, their actions, or "
        "a repository script a step runs that names one). A job whose image later jobs run "
        "in (`container: ${{ needs.<job>.outputs.image }}`, or a job's `container:` by the "
        "same name) builds CI's own environment, and a push to a registry on the runner "
        "(`localhost:5000/…`) tests the push: both are left alone.",
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
