"""deploy-without-verification: nothing checks the service after the deploy step."""

from __future__ import annotations

import re

from pitstop.audit.jobs import deploy_steps, live_jobs, step_text
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job, Step, Workflow

VERIFY = re.compile(
    r"\b(curl|wget|smoke|health|healthz|readyz|probe|pitstop\s+(wait|probe|smoke|canary)"
    r"|kubectl\s+rollout\s+status|kubectl\s+wait|aws\s+ecs\s+wait|--wait\b|--atomic\b"
    r"|playwright|cypress|k6|e2e|verify|synthetic)",
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


def verified(workflow: Workflow, job: Job, deploy: Step, repo: Repo) -> bool:
    """A health check or smoke test in the deploy step itself, a later step, or a job after."""
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
    return any(VERIFY.search(t) for t in texts)


RULE = Rule(
    id="deploy-without-verification",
    category="delivery",
    severity="medium",
    summary="No health check or smoke test follows a deploy.",
    docs=Docs(
        what="Flags deploy steps (scripts, `kubectl apply`, `helm upgrade`, deploy actions) "
        "after which nothing in the job, or in a job that needs it, checks the service: no "
        "curl or wget, no health or smoke step, no `kubectl rollout status`, no `helm --wait`, "
        "no E2E run, no `pitstop wait`/`probe`.",
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
