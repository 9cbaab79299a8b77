"""dangerous-trigger: ``pull_request_target`` or ``workflow_run`` that checks out the pull
request's code and then runs it, with the base repository's secrets and write token."""

from __future__ import annotations

import re

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.model import Job, Step, Workflow
from pitstop.workflow.yaml import MappingNode, Node

PRIVILEGED = ("pull_request_target", "workflow_run")
# Refs that name the pull request's (or the triggering run's) code, not the base branch.
HEAD_REF = re.compile(
    r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs/pull/"
    r"|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.number"
    r"|github\.event\.pull_request\.number|merge_commit_sha",
    re.IGNORECASE,
)
HEAD_FETCH = re.compile(r"gh\s+pr\s+checkout|git\s+(fetch|checkout|pull)\b[^\n]*(pull/|head)")
# What executes the checked-out code: builds, installs that run scripts, tests, the project's
# own scripts. Reading it (git diff, grep, yq, a comment, a label) does not.
EXECUTES = re.compile(
    r"(^|[;&|(]\s*|\b(then|do|sudo|exec)\s+)("
    r"(npm|pnpm)\s+(ci|install|i|run|test|exec|rebuild)\b|yarn(\s|$)|npx\s|bunx?\s|deno\s"
    r"|pip3?\s+install\b|python3?\s+(?!-m\s+pip\b)\S|pytest|tox\b|nox\b|make\b|cmake\b"
    r"|\./|bash\s+\S+\.sh|sh\s+\S+\.sh|go\s+(test|run|build|generate)\b|cargo\s|mvn\b"
    r"|\./mvnw|gradle\b|\./gradlew|dotnet\s+(build|test|run)\b|bundle\s+(exec|install)\b"
    r"|rake\b|docker\s+(build|compose)\b|pre-commit\s+run\b|node\s+\S|uv\s+(run|sync|pip)\b"
    r"|poetry\s+(install|run)\b|hatch\s|composer\s+install\b|php\s)",
    re.MULTILINE,
)
# Actions that build or run what the checkout brought.
EXECUTING_ACTIONS = re.compile(
    r"^(docker/build-push-action|github/codeql-action/autobuild|pre-commit/action"
    r"|gradle/gradle-build-action|gradle/actions|cypress-io/github-action)@",
    re.IGNORECASE,
)
# A job only maintainers can let through: a label they add, or a trusted author or actor.
GATED = re.compile(
    r"labels|label\.name|author_association|github\.actor\s*==|user\.login\s*==",
    re.IGNORECASE,
)


def check(repo: Repo, out: Check) -> None:
    gated = 0
    for workflow in repo.workflows:
        events = [e for e in PRIVILEGED if e in workflow.triggers]
        if not events:
            continue
        for job in workflow.jobs.values():
            out.checked += 1
            found = checkout_of_head(job)
            if found is None:
                continue
            index, node = found
            if GATED.search(str(job.if_ or "")):
                continue  # a maintainer lets each pull request through
            if _behind_a_gate(workflow, job):
                gated += 1
                continue
            if not any(_executes(s) for s in job.steps if s.index > index):
                continue  # the code is read (diffed, labelled, commented on), not run
            out.flag(
                span(workflow.doc, node),
                f"'{events[0]}' runs with the repository's secrets and a write token, and job "
                f"'{job.id}' checks out the pull request's code and then runs it",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} privileged jobs keep to trusted code"
    if gated:
        out.figure += f" ({gated} behind an approval or a membership check)"


# A job whose id, name or call says it checks who is asking (patternfly's check-permissions job,
# which calls check-team-membership.yml): an output of it in a job's `if:` is a maintainer's gate.
CHECKS_WHO = re.compile(r"permission|membership|authori[sz]|allowed|trusted|collaborator", re.I)
NEEDS_OUTPUT = re.compile(r"needs\.([\w-]+)\.outputs\.")


def _behind_a_gate(workflow: Workflow, job: Job) -> bool:
    """Whether something stands between an outsider and the job: an environment on the job or on a
    job it needs, directly or not (GitHub's docs, "Security hardening for GitHub Actions":
    required reviewers on an environment approve each run before its jobs start; iterative/cml
    sends a fork's run to its `external` environment first), or a condition on the output of a
    job that checks the actor's permission or team membership (patternfly)."""
    for name in workflow.with_needs({job.id}):
        other = workflow.jobs.get(name)
        if other is not None and other.node.get("environment") is not None:
            return True
    for name in NEEDS_OUTPUT.findall(str(job.if_ or "")):
        other = workflow.jobs.get(name)
        if other is not None and CHECKS_WHO.search(
            f"{other.id} {other.name or ''} {other.uses or ''}"
        ):
            return True
    return False


# Quoted text is printed, not run (`echo "run \`pnpm install\` to fix it"`), unless a shell is
# handed it to run (`bash -c "…"`, `eval "…"`).
QUOTED = re.compile(r"""(?<!-c )(?<!eval )("(?:[^"\\\n]|\\.)*"|'[^'\n]*')""")


def _executes(step: Step) -> bool:
    """A step that runs code from the workspace: a build, install, test or script command, a
    local action, or an action that builds what is checked out."""
    if step.run:
        return EXECUTES.search(QUOTED.sub('""', step.run)) is not None
    uses = step.uses or ""
    return uses.startswith(("./", "$/")) or EXECUTING_ACTIONS.match(uses) is not None


def checkout_of_head(job: Job) -> tuple[int, Node] | None:
    """The step that brings the pull request's code into the job, and the node to point at."""
    for step in job.steps:
        uses = (step.uses or "").lower()
        given = step.node.get("with")
        if uses.startswith("actions/checkout@") and isinstance(given, MappingNode):
            for key in ("ref", "repository"):
                value = given.get(key)
                if value is not None and HEAD_REF.search(str(value.to_python())):
                    return step.index, value
        node = step.node.get("run")
        if step.run and node is not None and HEAD_FETCH.search(step.run):
            return step.index, node
    return None


RULE = Rule(
    id="dangerous-trigger",
    category="security",
    severity="high",
    summary="pull_request_target or workflow_run checks out and runs the pull request's code.",
    docs=Docs(
        what="Flags jobs of workflows triggered by `pull_request_target` or `workflow_run` that "
        "check out the pull request's head (`ref: ${{ github.event.pull_request.head.sha }}`, "
        "`github.head_ref`, `refs/pull/…`, `gh pr checkout`) and then run it: a build, install, "
        "test or script command, a local action, or an action that builds the checkout — the "
        "'pwn request'. A job that only reads the code (diffs, labels, comments) is not "
        "flagged, nor one whose `if:` lets only a maintainer's label or a trusted author or "
        "actor through, nor one behind an approval: an environment on it or on a job it "
        "needs (required reviewers approve each run), or an `if:` on the output of a job that "
        "checks the author's permission or team membership. The figure counts those.",
        why="These triggers run in the base repository's context: with its secrets, a token "
        "that can write, and access to its caches. Checking out a fork's code and then "
        "installing or testing it hands all of that to whoever opened the pull request: a "
        "`setup.py`, a `conftest.py` or a `postinstall` script is enough.",
        example="on: pull_request_target\njobs:\n  test:\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make test",
        instead="Run untrusted code under `on: pull_request`, which has no secrets and a "
        "read-only token. When a privileged step must follow (a comment, a label), split it "
        "into a `workflow_run` workflow that reads the first run's artifacts as data and never "
        "executes them.",
    ),
    check=check,
)
