"""What a job does, read from its steps: deploys, tests. Shared by the rules about delivery."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pitstop.workflow.model import Job, Step

if TYPE_CHECKING:
    from pitstop.audit.repo import Repo

DEPLOY = re.compile(
    r"\b(deploy|release|publish|rollout|kubectl\s+apply|helm\s+(upgrade|install)|terraform\s+apply"
    r"|twine\s+upload|npm\s+publish|docker\s+push|flyctl\s+deploy|serverless\s+deploy)\b",
    re.IGNORECASE,
)
DEPLOY_ACTIONS = re.compile(
    r"(deploy|release|publish|pypi-publish|ecs-deploy|kubernetes|helm|vercel|netlify|heroku)",
    re.IGNORECASE,
)
TESTS = re.compile(
    r"\b(pytest|tox|nox|unittest|jest|vitest|mocha|playwright\s+test|cypress\s+run|go\s+test"
    r"|cargo\s+test|mvn\s+(test|verify)|gradle\w*\s+test|(npm|pnpm|yarn)\s+(run\s+)?test"
    r"|make\s+(test|check)|ctest|phpunit|rspec)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def says(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` is found in ``text``: each script is searched once for each pattern
    however many rules ask about its job."""
    return pattern.search(text) is not None


_TEST_CALL = re.compile(r"(test|ci|check)", re.IGNORECASE)
_TEST_NAME = re.compile(r"\btests?\b", re.IGNORECASE)


def is_deploy(job: Job) -> bool:
    """A job that ships: an `environment:`, or a step or name that deploys or publishes."""
    if job.environment is not None:
        return True
    if (job.name and says(DEPLOY, job.name)) or says(DEPLOY, job.id):
        return True
    return any(
        (s.run and says(DEPLOY, s.run)) or (s.uses and says(DEPLOY_ACTIONS, s.uses))
        for s in job.steps
    )


def runs_tests(job: Job, repo: Repo | None = None, seen: frozenset[str] = frozenset()) -> bool:
    """A job that runs tests: a test command in a step, or "test" in its id or name. A call of
    one of the repository's own workflows (given ``repo``) runs tests when a job of that
    workflow does; another repository's workflow, when its name says test, ci or check."""
    if job.uses:
        called = repo.called(job.uses) if repo is not None else None
        if called is not None:
            if called.path in seen:
                return False  # a cycle GitHub would refuse to run
            return any(runs_tests(j, repo, seen | {called.path}) for j in called.jobs.values())
        return says(_TEST_CALL, job.uses)
    return any(s.run and says(TESTS, s.run) for s in job.steps) or says(
        _TEST_NAME, f"{job.id} {job.name or ''}"
    )


# A command that restores the previous release.
ROLLS_BACK = re.compile(r"rollback|roll[\s-]back|rollout\s+undo", re.IGNORECASE)

# A step that rolls a service out (publishing a package or an image is not one).
SERVICE_DEPLOY = re.compile(
    r"\b(deploy|rollout|kubectl\s+(apply|set\s+image)|helm\s+(upgrade|install)"
    r"|terraform\s+apply|flyctl\s+deploy|serverless\s+deploy|gcloud\s+run\s+deploy"
    r"|aws\s+ecs\s+update-service|az\s+webapp\s+deploy|cap\s+\w+\s+deploy)\b",
    re.IGNORECASE,
)
SERVICE_DEPLOY_ACTIONS = re.compile(
    r"(deploy|ecs-deploy|k8s-deploy|kubernetes|helm|vercel|netlify|heroku|cloudflare/wrangler"
    r"|azure/webapps|google-github-actions/deploy)",
    re.IGNORECASE,
)


def deploy_steps(job: Job) -> list[Step]:
    """The steps that roll out a service: a deploy script or command, or a deploy action."""
    return [
        s
        for s in job.steps
        if (s.run and says(SERVICE_DEPLOY, s.run) and not _rollback_only(s.run))
        or (s.uses and says(SERVICE_DEPLOY_ACTIONS, s.uses.partition("@")[0]))
    ]


def _rollback_only(script: str) -> bool:
    return bool(ROLLS_BACK.search(script))
