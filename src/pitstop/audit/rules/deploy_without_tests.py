"""deploy-without-tests: a deploy job that does not wait for the tests."""

from __future__ import annotations

from pitstop.audit.jobs import is_deploy, runs_tests
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule


def check(repo: Repo, out: Check) -> None:
    for workflow in repo.workflows:
        gated = "workflow_run" in workflow.triggers  # started by another workflow's completion
        for job in workflow.jobs.values():
            if not is_deploy(job) or runs_tests(job):
                continue
            out.checked += 1
            if gated or any(runs_tests(workflow.jobs[n]) for n in workflow.with_needs(job.needs)):
                continue
            out.flag(
                span(workflow.doc, job.key),
                f"job '{job.id}' deploys without needing a job that runs the tests: a red build "
                "still ships",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} deploy jobs wait for tests"


RULE = Rule(
    id="deploy-without-tests",
    category="testing",
    severity="high",
    summary="A deploy job does not need the test jobs.",
    docs=Docs(
        what="Flags jobs that deploy or publish (an `environment:`, or a deploy, release or "
        "publish step) which neither run tests themselves nor `needs` a job that does, in a "
        "workflow not started by `workflow_run`.",
        why="A deploy workflow triggered by the same push as CI runs beside it, not after it. "
        "The broken commit reaches staging, or production, while its tests are still failing.",
        example="on: {push: {branches: [main]}}\njobs:\n  deploy:\n    environment: staging\n"
        "    steps: [{run: ./deploy.sh}]",
        instead="jobs:\n  test:\n    steps: [{run: pytest}]\n  deploy:\n    needs: test\n"
        "    environment: staging\n\nor start the deploy workflow with `on: workflow_run` "
        "of CI, and check `github.event.workflow_run.conclusion == 'success'`.",
    ),
    check=check,
)
