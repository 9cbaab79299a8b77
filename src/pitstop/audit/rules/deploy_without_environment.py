"""deploy-without-environment: a deploy job with no ``environment:``."""

from __future__ import annotations

from pitstop.audit.jobs import deploy_steps, live_jobs
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule


def check(repo: Repo, out: Check) -> None:
    live, off = live_jobs(repo)
    for workflow, job in live:
        if job.uses or not deploy_steps(job, repo):
            continue
        out.checked += 1
        if job.environment is None:
            out.flag(
                span(workflow.doc, job.key),
                f"job '{job.id}' deploys without an environment: no approval, no "
                "environment-scoped secrets, no deployment history",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} deploy jobs name an environment{off}"


RULE = Rule(
    id="deploy-without-environment",
    category="delivery",
    severity="medium",
    summary="A deploy job names no environment.",
    docs=Docs(
        what="Flags jobs that roll out a service (a deploy script, `kubectl apply`, "
        "`helm upgrade`, `terraform apply`, a deploy action) without `environment:`.",
        why="An environment is where GitHub keeps what makes a deploy safe: required "
        "reviewers and wait timers, branch restrictions (only main deploys to production), "
        "secrets that only that environment's jobs can read, and the deployment history with "
        "its URL. Without one, any branch's workflow can use the production credentials.",
        example="jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: ./deploy.sh production",
        instead="jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment:\n"
        "      name: production\n      url: https://app.example.com\n    steps:\n"
        "      - run: ./deploy.sh production",
    ),
    check=check,
)
