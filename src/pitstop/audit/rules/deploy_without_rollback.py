"""deploy-without-rollback: a deploy with no way back when it fails."""

from __future__ import annotations

import re

from pitstop.audit.jobs import ROLLS_BACK, deploy_steps, live_jobs, manual_rollback, step_text
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.rules.deploy_without_verification import fly_config, verified
from pitstop.workflow.model import Job, Workflow

# A rollback command, or a deploy that can undo itself (atomic, canary, blue-green).
ROLLBACK = re.compile(
    ROLLS_BACK.pattern + r"|--atomic\b|revert|previous\s+release"
    r"|canary|blue[\s-]green|circuit[\s-]breaker",
    re.IGNORECASE,
)
FAILURE = re.compile(r"\bfailure\s*\(\s*\)")
# fly.toml's deploy strategies that start the new machines beside the old ones and move
# traffic only once they pass their checks (fly.io/docs/reference/configuration, [deploy]
# strategy: canary, bluegreen).
FLY_SWAP = re.compile(r"^\s*strategy\s*=\s*[\"'](bluegreen|canary)[\"']", re.MULTILINE)


def check(repo: Repo, out: Check) -> None:
    live, off = live_jobs(repo)
    for workflow, job in live:
        if job.uses:
            continue
        steps = deploy_steps(job, repo)
        if not steps:
            continue
        if manual_rollback(workflow):
            continue  # the way back itself
        if not any(verified(workflow, job, step, repo, readiness=False) for step in steps):
            continue  # nothing checks the release once it serves, so nothing can call for a
            # rollback (deploy-without-verification's finding); a rolling update's wait for
            # readiness moves no traffic to a version that never gets ready: the old one keeps
            # serving (zooniverse's `kubectl rollout status`, an ECS services-stable wait)
        out.checked += 1
        if _rolls_back(workflow, job, repo):
            continue
        deploy = steps[0]
        out.flag(
            span(workflow.doc, deploy.node.get("run") or deploy.node.get("uses") or deploy.node),
            f"job '{job.id}' deploys with no rollback: when the release fails its checks, the "
            "broken version stays live until someone acts",
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} deploy jobs can roll back{off}"


def _rolls_back(workflow: Workflow, job: Job, repo: Repo) -> bool:
    """A rollback step or command in the job (usually ``if: failure()``), an atomic or canary
    deploy, or a job after it that runs on failure."""
    for step in job.steps:
        if ROLLBACK.search(step_text(step, repo)):
            return True
        if FLY_SWAP.search(fly_config(step, repo)):
            return True  # a blue-green or canary Fly deploy keeps the old machines serving
            # when the new ones fail their checks (openstatus's server)
    for later in workflow.jobs.values():
        if job.id in workflow.with_needs(later.needs) and FAILURE.search(str(later.if_ or "")):
            return True
    return False


RULE = Rule(
    id="deploy-without-rollback",
    category="delivery",
    severity="medium",
    summary="A deploy job has no rollback.",
    docs=Docs(
        what="Flags deploy jobs whose release is checked once it serves (a health check or "
        "smoke test follows it; a rolling update's wait for readiness, such as `kubectl "
        "rollout status` or ECS's stable service, keeps the old version serving and is not "
        "such a check) with no way back when the check fails, outside a manual workflow named "
        "for rolling back: no rollback step or command (`helm "
        "rollback`, `kubectl rollout undo`, a script's `--rollback`), no atomic, blue-green or "
        'canary deploy (a Fly deploy whose fly.toml sets `strategy = "bluegreen"` or '
        '`"canary"` counts), and no job that needs the deploy and runs `if: failure()`.',
        why="When the health check after a deploy fails, the pipeline goes red and the broken "
        "release keeps serving. Restoring the last good version is then a manual, stressed "
        "task; written down in the workflow it is one step that runs itself.",
        example="- run: ./deploy.sh production\n- run: ./smoke.sh",
        instead="- run: ./deploy.sh production\n- run: ./smoke.sh\n- name: Roll back\n"
        "  if: failure()\n  run: ./deploy.sh production --rollback",
    ),
    check=check,
)
