"""deploy-without-verification: nothing checks the service after the deploy step."""

from __future__ import annotations

import os
import re

from pitstop.audit.jobs import deploy_steps, live_jobs, step_text
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.knowledge.deploys import waits_for_health
from pitstop.workflow.model import Job, Step, Workflow

# A wait for the new version to be ready, which a rolling update passes before it moves traffic:
# Kubernetes' rollout (kubernetes.io/docs/concepts/workloads/controllers/deployment, "Rolling
# Update Deployment": old pods go only as new ones become ready), ECS's services-stable
# (docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html,
# minimumHealthyPercent), helm's --wait (an option starts with no word boundary before it).
WAITS_FOR_READY = (
    r"\bkubectl\s+rollout\s+status|\bkubectl\s+wait|\baws\s+ecs\s+wait|(?<![\w-])--wait\b"
)
READINESS = re.compile(WAITS_FOR_READY, re.IGNORECASE)
VERIFY = re.compile(
    r"\b(curl|wget|smoke|health|healthz|readyz|probe|pitstop\s+(wait|probe|smoke|canary)"
    r"|playwright|cypress|k6|e2e|verify|synthetic)"
    # helm's --atomic, which waits and rolls back (helm.sh/docs/helm/helm_upgrade)
    r"|(?<![\w-])--atomic\b|" + WAITS_FOR_READY,
    re.IGNORECASE,
)


def check(repo: Repo, out: Check) -> None:
    live, off = live_jobs(repo)
    for workflow, job in live:
        if job.uses:
            continue
        for step in deploy_steps(job, repo):
            out.checked += 1
            if verified(workflow, job, step, repo):
                continue
            out.flag(
                span(workflow.doc, step.node.get("run") or step.node.get("uses") or step.node),
                f"nothing checks the service after this deploy in job '{job.id}': a deploy "
                "that starts a broken release reports success",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} deploys are followed by a check{off}"


def verified(
    workflow: Workflow, job: Job, deploy: Step, repo: Repo, readiness: bool = True
) -> bool:
    """A health check or smoke test in the deploy step itself, a later step, or a job after;
    or a deploy that waits for health itself (an action's input of the deploys table, a Fly
    deploy whose fly.toml defines health checks). Without ``readiness``, a wait for the new
    version to be ready (a rollout's status, ECS's stable service) does not count: it is not a
    check of the release once it serves."""
    if (readiness and waits_for_health(deploy)) or _fly_checks(deploy, repo):
        return True
    texts = [step_text(s, repo) for s in job.steps if s.index >= deploy.index]
    texts += [
        step_text(s, repo)
        for later in workflow.jobs.values()
        if job.id in workflow.with_needs(later.needs)
        for s in later.steps
    ]
    texts += [
        later.uses or ""
        for later in workflow.jobs.values()
        if later.uses and job.id in workflow.with_needs(later.needs)
    ]
    if not readiness:
        texts = [READINESS.sub(" ", t) for t in texts]
    return any(VERIFY.search(t) for t in texts)


# `fly deploy` (or flyctl's), and the configuration it is given.
FLY_DEPLOY = re.compile(r"\bfly(?:ctl)?\s+deploy\b([^\n]*)")
FLY_CONFIG = re.compile(r"(?:--config|-c)[=\s]+([\w./-]+)")
# A health check of fly.toml: top-level `[checks]`, a service's checks. Fly waits for them and
# halts or rolls back a deploy whose new machines fail them (fly.io/docs/reference/health-checks).
FLY_CHECKS = re.compile(
    r"^\s*\[\[?(checks\b|http_service\.checks\b|services\.(http_|tcp_)?checks\b)", re.MULTILINE
)


def _fly_checks(deploy: Step, repo: Repo) -> bool:
    """A `fly deploy` whose fly.toml defines health checks (openstatus's server)."""
    return bool(FLY_CHECKS.search(fly_config(deploy, repo)))


def fly_config(deploy: Step, repo: Repo) -> str:
    """The fly.toml a `fly deploy` step reads (`--config`, else the working directory's), or
    "" when the step runs no Fly deploy or the file is not in the repository."""
    found = FLY_DEPLOY.search(deploy.run or "")
    if found is None:
        return ""
    given = FLY_CONFIG.search(found.group(1))
    folder = deploy.working_directory or "."
    if "${{" in folder:
        folder = "."  # a folder chosen at run time: the repository's top
    path = os.path.join(folder, given.group(1) if given else "fly.toml")
    return repo.read(os.path.normpath(path)) or ""


RULE = Rule(
    id="deploy-without-verification",
    category="delivery",
    severity="medium",
    summary="No health check or smoke test follows a deploy.",
    docs=Docs(
        what="Flags deploy steps (scripts, `kubectl apply`, `helm upgrade`, deploy actions) "
        "after which nothing in the job, or in a job that needs it, checks the service: no "
        "curl or wget, no health or smoke step, no `kubectl rollout status`, no `helm --wait`, "
        "no E2E run, no `pitstop wait`/`probe`; and a deploy that waits for health itself is "
        "left alone (amazon-ecs-deploy-task-definition with `wait-for-service-stability: "
        "true`, a `fly deploy` whose fly.toml defines health checks).",
        why="Most deploy commands return once the new version is submitted, not when it "
        "serves. A release that crashes on start, or answers 500, leaves a green pipeline "
        "behind it; the users find out first.",
        example="- run: kubectl apply -f k8s/\n",
        instead="- run: kubectl apply -f k8s/\n- run: kubectl rollout status deploy/api "
        "--timeout=5m\n- run: pitstop wait http https://api.example.com/healthz --timeout 120\n"
        "- run: python scripts/smoke.py https://api.example.com",
    ),
    check=check,
)
