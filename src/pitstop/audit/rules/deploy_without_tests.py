"""deploy-without-tests: a deploy job that does not wait for the tests."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.conditions import event_github, may_be_true
from pitstop.audit.findings import Fix
from pitstop.audit.jobs import (
    PULL_REQUEST_EVENTS,
    is_deploy,
    manual_rollback,
    never_runs,
    runs_test_commands,
    runs_tests,
    ships,
    step_text,
)
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.fix.patch import CannotFix, Patch
from pitstop.knowledge.ci_verdicts import reads_status, waits_for_checks
from pitstop.knowledge.inputs import FALSE, input_text
from pitstop.knowledge.permissions import raise_to
from pitstop.workflow.filters import matches
from pitstop.workflow.model import Job, Workflow
from pitstop.workflow.yaml import MappingNode, SequenceNode

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext


# Events about the repository's conversation, not its code: what runs on them ships no build.
NOT_CODE = frozenset(
    {
        "issues",
        "issue_comment",
        "discussion",
        "discussion_comment",
        "label",
        "milestone",
        "project",
        "project_card",
        "project_column",
        "watch",
        "fork",
        "gollum",
        "public",
        "member",
        "pull_request_review",
        "pull_request_review_comment",
        "branch_protection_rule",
    }
)


# An environment named for testing: what is deployed there is being tested, not shipped.
TEST_ENVIRONMENT = re.compile(r"\b(test|testing|e2e|ci)\b", re.IGNORECASE)


def _environment_name(environment: object) -> str:
    if isinstance(environment, dict):
        return str(environment.get("name") or "")
    return str(environment or "")


def check(repo: Repo, out: Check) -> None:
    off = 0
    queued = _merge_queue_tests(repo)
    for workflow in repo.workflows:
        if workflow.triggers and set(workflow.triggers) <= NOT_CODE:
            continue  # a notifier with an environment for its webhook: nothing built ships
        if _previews_only(workflow):
            continue  # a preview of unmerged code, for review (pulumi's on-pr-neo.yml builds
            # with `goreleaser --snapshot`): what it ships is under test, as a test environment is
        if set(workflow.triggers) == {"workflow_call"}:
            continue  # its callers decide when it runs: a call that deploys is judged there
        if manual_rollback(workflow):
            continue  # it redeploys a version that shipped before, tested then
        # started by another workflow's completion, or a push whose every commit a merge queue
        # tested before it landed (mermaid's changesets release)
        gated = "workflow_run" in workflow.triggers or (
            bool(queued) and _branch_pushes_only(workflow)
        )
        # or a human publishing a draft release that a job gated on the tests made (pulumi's
        # on-release.yml: its drafts come from a job that needs CI)
        gated = gated or (_on_release_only(workflow) and _drafts_made_after_tests(repo))
        ungated: list[tuple[Job, set[str]]] = []
        for job in workflow.jobs.values():
            if never_runs(job):
                off += 1
                continue
            if not _deploys(repo, job) or _tests(repo, job):
                continue
            if _image_for_the_tests(repo, workflow, job):
                continue  # the tests' input, tagged by commit: no release channel moves
            if _only_when_called(workflow, job):
                continue  # judged at its callers, as a workflow_call-only workflow is
            if TEST_ENVIRONMENT.search(_environment_name(job.environment)):
                continue  # a deploy into a test environment is itself the test (webapps-deploy's
                # end-to-end check of the pull request's action, environment 'automation test')
            out.checked += 1
            needed = workflow.with_needs(job.needs)
            if gated or any(_tests(repo, workflow.jobs[n]) for n in needed):
                continue
            if _ships_on_release_only(repo, workflow, job) and _drafts_made_after_tests(repo):
                continue  # its shipping steps run for a published release only, and releases
                # are drafts a tested job made (cryptomator's mac-dmg.yml, whose pushes build
                # the package and ship nothing)
            if _on_a_queued_branch_only(job, queued):
                continue  # its commits landed through the merge queue (openai-python's
                # manual publish-pypi.yml: `if: github.ref == 'refs/heads/main' && …`)
            if _waits_for_verdict(repo, [job, *(workflow.jobs[n] for n in needed)]):
                continue  # it checks the commit's CI itself before it ships
            ungated.append((job, needed))
        # one finding for a chain of deploys: the first, whose gate every job after it inherits
        # (novu's build_prod_image, then deploy_prod_api_eu and _us after it, were three)
        first = {job.id for job, _ in ungated}
        for job, needed in ungated:
            if first & needed:
                out.checked -= 1  # counted with the deploy it follows
                continue
            after = [j.id for j, n in ungated if job.id in n]
            out.flag(
                span(workflow.doc, job.key),
                f"job '{job.id}' deploys without needing a job that runs the tests"
                + (f" (nor do the {len(after)} deploy jobs after it)" if after else "")
                + ": a red build still ships",
                fix=Fix(
                    f"made job '{job.id}' need the tests",
                    "unsafe",  # the deploy now waits for, and stops on, the tests
                    partial(_wait_for_tests, repo, workflow, job),
                ),
            )
    note = f" ({off} job{'s' if off != 1 else ''} with if: false not audited)" if off else ""
    out.figure = f"{out.checked - out.failed} of {out.checked} deploy jobs wait for tests{note}"


# A tag that names one commit's build: it ends in the commit's SHA (appwrite's
# `${{ env.RUNS_ON_ECR_CACHE }}:${{ env.IMAGE }}-${{ github.sha }}`).
COMMIT_TAG = re.compile(r"\$\{\{\s*github\.sha\s*\}\}\s*$")


def _image_for_the_tests(repo: Repo, workflow: Workflow, job: Job) -> bool:
    """The job ships only images tagged by the commit (docker/build-push-action's `tags`),
    and a job of the workflow that needs it runs the tests: it builds once for the tests, and
    a red build moves no tag anyone pulls (appwrite's ci.yml `build`)."""
    shipping_steps = [s for s in job.steps if ships(s, repo, job) is not None]
    if not shipping_steps:
        return False
    for step in shipping_steps:
        if not (step.uses or "").lower().startswith("docker/build-push-action@"):
            return False
        tags = [t for t in re.split(r"[\n,]", input_text(step.with_.get("tags", ""))) if t.strip()]
        if not tags or not all(COMMIT_TAG.search(t) for t in tags):
            return False
    return any(
        job.id in workflow.with_needs(other.needs) and _tests(repo, other)
        for other in workflow.jobs.values()
    )


def _previews_only(workflow: Workflow) -> bool:
    """The workflow runs only for open pull requests: not when one closes, which is when a
    merged change ships (saleor's create-tag-with-release-pr.yml: `types: [closed]`)."""
    return bool(workflow.triggers) and all(
        t.event in PULL_REQUEST_EVENTS and "closed" not in t.activity_types()
        for t in workflow.triggers.values()
    )


def _tests(repo: Repo, job: Job) -> bool:
    """The job runs the tests: a test command, or wheels built with their test command
    (Pillow's and black's publish jobs need such builds)."""
    return runs_tests(job, repo) or _wheels_tested(repo, job)


def _deploys(repo: Repo, job: Job, seen: frozenset[str] = frozenset()) -> bool:
    """The job ships: its own steps (not the repository's own action testing itself, as
    Azure/webapps-deploy's scheduled deploys of sample apps do), or a workflow of this
    repository it calls that does."""
    called = repo.called(job.uses) if job.uses else None
    if called is not None:
        inner = seen | {called.path}
        return called.path not in seen and any(
            _deploys(repo, j, inner) for j in called.jobs.values()
        )
    own = (repo.slug or "").lower()
    steps = [s for s in job.steps if not (s.uses or "").lower().startswith(("./", f"{own}@"))]
    return is_deploy(replace(job, steps=tuple(steps)), repo)


def _waits_for_verdict(repo: Repo, jobs: list[Job]) -> bool:
    """A step of these jobs waits for the commit's checks and stops unless they passed
    (``knowledge/ci_verdicts.toml``): all of them, or a named one that is a job running tests;
    or its script (with the repository's scripts it runs) reads the commit's combined status."""
    for job in jobs:
        for step in job.steps:
            waits = waits_for_checks(step)
            if waits == "all" or (waits is not None and _check_runs_tests(repo, waits)):
                return True
            if step.run and reads_status(step_text(step, repo)):
                return True
    return False


def _check_runs_tests(repo: Repo, check: str) -> bool:
    """The check named ``check`` (a job's name, or its id when it has none) runs tests, or
    needs a job that does."""
    for workflow in repo.workflows:
        for job in workflow.jobs.values():
            if check in (job.name, job.id) or (job.name or "").startswith(check + " ("):
                needed = workflow.with_needs(job.needs)
                if runs_tests(job, repo) or any(runs_tests(workflow.jobs[n], repo) for n in needed):
                    return True
    return False


def _ships_on_release_only(repo: Repo, workflow: Workflow, job: Job) -> bool:
    """The workflow runs for published releases and other events too, and on each of those
    others the job's shipping steps are skipped by their `if:` (GitHub's docs, "Evaluate
    expressions": on a push, `github.event.action` is null): it ships for releases only."""
    if "release" not in workflow.triggers or job.uses:
        return False
    others = [(e, ref) for e in workflow.triggers if e != "release" for ref in _refs(workflow, e)]
    kept = tuple(
        step
        for step in job.steps
        if any(
            may_be_true(str(job.if_ or ""), event_github(e, ref))
            and may_be_true(str(step.if_ or ""), event_github(e, ref))
            for e, ref in others
        )
    )
    return not is_deploy(replace(job, steps=kept), repo)


def _refs(workflow: Workflow, event: str) -> list[str]:
    """The kinds of ref an event runs for: a branch, and for a push that its filters let tags
    start, a tag (GitHub's docs, "Workflow syntax": a push that names only branches, or only
    branches-ignore, does not run for tags)."""
    push = workflow.triggers.get("push") if event == "push" else None
    branch_only = (
        push is not None
        and push.tags is None
        and push.tags_ignore is None
        and (push.branches is not None or push.branches_ignore is not None)
    )
    return (
        ["refs/heads/main"]
        if push is None or branch_only
        else ["refs/heads/main", "refs/tags/v1.0.0"]
    )


def _on_release_only(workflow: Workflow) -> bool:
    code = {e for e in workflow.triggers if e != "workflow_dispatch"}
    return code == {"release"}


# Actions and a command that save a release as a draft (knowledge/deploys.toml's entries whose
# `draft` input keeps them from publishing), read in a step's action or in the inputs it hands
# to a wrapper (pulumi's ./.github/actions/retry runs ncipollo/release-action).
DRAFTING_ACTIONS = re.compile(r"\b(ncipollo/release-action|softprops/action-gh-release)@")
DRAFT_INPUT = re.compile(r"(^|\s)draft\s*:\s*(?!false\b)\S", re.IGNORECASE)
DRAFT_COMMAND = re.compile(r"\bgh\s+release\s+create\b[^\n]*\s(-d|--draft)\b")


def _drafts(job: Job) -> int | None:
    """The index of the job's first step that saves a release as a draft, or None."""
    for index, step in enumerate(job.steps):
        if step.run and DRAFT_COMMAND.search(step.run):
            return index
        given = " ".join(f"{k}: {v}" for k, v in step.with_.items()) if step.with_ else ""
        if not DRAFTING_ACTIONS.search(f"{step.uses or ''}@ {given}"):
            continue
        value = step.with_.get("draft")
        if value is not None:
            if input_text(value) not in FALSE:
                return index
        elif DRAFT_INPUT.search(given):  # in the text a wrapper action hands on
            return index
    return None


def _drafts_made_after_tests(repo: Repo) -> bool:
    """A job of the repository saves a release as a draft, and waits for the tests first: in
    its own workflow, or in the workflows of this repository that call its workflow."""

    def compute() -> bool:
        for workflow in repo.workflows:
            for job in workflow.jobs.values():
                draft = _drafts(job)
                if draft is None:
                    continue
                if runs_tests(replace(job, steps=job.steps[:draft]), repo):
                    return True  # its own earlier step tests (cryptomator's `mvn verify`,
                    # then the draft): a failing test stops the job before the draft
                needed = workflow.with_needs(job.needs)
                if any(runs_tests(workflow.jobs[n], repo) for n in needed):
                    return True
                for caller, call in repo.callers(workflow):
                    before = caller.with_needs(call.needs)
                    if any(runs_tests(caller.jobs[n], repo) for n in before):
                        return True
        return False

    found: bool = repo.memo("drafts-made-after-tests", compute)
    return found


def _only_when_called(workflow: Workflow, job: Job) -> bool:
    """A job of a callable workflow whose `if:` reads nothing but the call's inputs and is
    false without them (ruff's build-docker.yml: `if: inputs.plan != ''`): on its other
    events (a pull request's dry run) it never runs, so it deploys only when called."""
    if "workflow_call" not in workflow.triggers or not isinstance(job.if_, str):
        return False
    from pitstop.expr import arities, default_functions, evaluate_condition, parse
    from pitstop.expr.errors import ExpressionError
    from pitstop.expr.template import condition_text

    try:  # the parser refuses any other context the condition names
        parse(condition_text(job.if_), ("inputs",), arities(default_functions()))
        return not evaluate_condition(job.if_, {"inputs": {}})
    except ExpressionError:
        return False


def _merge_queue_tests(repo: Repo) -> list[tuple[str, ...] | None]:
    """The branch filters of the workflows that run tests on `merge_group` (None: every
    branch): the commits of those branches landed tested."""
    return [
        w.triggers["merge_group"].branches
        for w in repo.workflows
        if "merge_group" in w.triggers and any(runs_test_commands(j) for j in w.jobs.values())
    ]


# A condition's requirement that the run is on one branch.
ON_BRANCH = re.compile(
    r"github\.ref\s*==\s*'refs/heads/(?P<ref>[^'*]+)'"
    r"|github\.ref_name\s*==\s*'(?P<name>[^'*]+)'\s*&&\s*github\.ref_type\s*==\s*'branch'"
)


def _on_a_queued_branch_only(job: Job, queues: list[tuple[str, ...] | None]) -> bool:
    """The job's `if:` runs it only on a branch (a tag or another branch skips it) whose
    commits a merge queue tested: every `&&`-joined part must hold, so a condition with `||`
    or `!` is not read."""
    condition = job.if_ if isinstance(job.if_, str) else ""
    if "||" in condition or "!" in condition.replace("!=", ""):
        return False
    found = ON_BRANCH.search(condition)
    if found is None:
        return False
    branch = found.group("ref") or found.group("name")
    return any(q is None or matches(q, branch) for q in queues)


def _branch_pushes_only(workflow: Workflow) -> bool:
    push = workflow.triggers.get("push")
    code = {e for e in workflow.triggers if e not in ("workflow_dispatch",)}
    if push is None or code != {"push"} or push.tags_ignore is not None:
        return False
    # tags that only exclude select no tag (prisma's publish.yml: `tags: ["!**"]`; a list's
    # last matching pattern decides, and a `!` one deselects: workflow.filters.matches)
    return push.tags is None or all(t.startswith("!") for t in push.tags)


# cibuildwheel runs a test command on every wheel it builds when one is set (its docs,
# "test-command"): in pyproject.toml's [tool.cibuildwheel] or CIBW_TEST_COMMAND.
CIBW_TEST = re.compile(r"^\s*test-command\s*=", re.MULTILINE)


def _wheels_tested(repo: Repo, job: Job) -> bool:
    builds = [s for s in job.steps if "cibuildwheel" in f"{s.uses or ''} {s.run or ''}".lower()]
    if not builds:
        return False
    envs = [job.env, *(s.env for s in builds)]
    if any(isinstance(e, dict) and "CIBW_TEST_COMMAND" in e for e in envs):
        return True
    pyproject = repo.read("pyproject.toml") or ""
    return "[tool.cibuildwheel" in pyproject and bool(CIBW_TEST.search(pyproject))


def _wait_for_tests(repo: Repo, workflow: Workflow, job: Job, context: FixContext) -> None:
    """Need the workflow's own test jobs; failing those, call the repository's test workflow
    as a reusable workflow (adding ``workflow_call`` to its triggers) and need that."""
    patch = context.patch(workflow.doc)
    upstream = set(workflow.with_needs(job.needs))
    testers = [  # jobs that run test commands, not jobs merely named for tests
        j.id  # (requests' manual `publish-test-pypi` would keep its tag-push publish from running)
        for j in workflow.jobs.values()
        if j.id != job.id
        and not never_runs(j)
        and not is_deploy(j, repo)
        and (runs_test_commands(j, repo) or (j.uses is not None and runs_tests(j, repo)))
        and job.id not in workflow.with_needs(j.needs)
    ]
    if testers:
        _need(patch, job, [t for t in testers if t not in upstream])
        return
    sources = [
        w
        for w in repo.workflows
        if w is not workflow
        # a job switched off runs no tests (prefect's api-compatibility-tests: `if: false`)
        and any(runs_test_commands(j, repo) and not never_runs(j) for j in w.jobs.values())
        and not any(is_deploy(j, repo) for j in w.jobs.values())
    ]
    # the repository's CI first: run on pushes and pull requests, with the most test jobs (uv's
    # ci.yml, not its test-windows-trampolines.yml); a workflow that must be given inputs to be
    # called cannot be called as it is (pulumi's ci-build-sdks.yml wants a ref and a version)
    sources = [w for w in sources if not _required_inputs(w)]
    sources.sort(
        key=lambda w: (
            "push" not in w.triggers,
            "pull_request" not in w.triggers,
            -sum(runs_test_commands(j, repo) for j in w.jobs.values()),
            w.path,
        )
    )
    if not sources:
        raise CannotFix(
            "pitstop found no job or workflow that runs the tests with a command it knows "
            "(pytest, npm test, go test, …) for the deploy to need"
        )
    source = sources[0]
    if "workflow_call" not in source.triggers:
        on = source.doc.root.get("on") if isinstance(source.doc.root, MappingNode) else None
        if isinstance(on, MappingNode):
            context.patch(source.doc).insert_entry(on, "workflow_call", None)
        elif isinstance(on, SequenceNode):  # on: [push, pull_request], or one event a line
            context.patch(source.doc).append_item(on, "workflow_call")
        elif on is not None and isinstance(on.to_python(), str):  # on: push: it and workflow_call
            context.patch(source.doc).replace_scalar(on, [on.to_python(), "workflow_call"])
        else:
            raise CannotFix(f"{repo.relative(source.path)}'s on: names no events")
    name = "tests"
    while name in workflow.jobs:
        name += "-first"
    # inherit: the workflow is this repository's own, and has every secret when it runs alone
    call: dict[str, object] = {
        "uses": "./" + repo.relative(source.path).replace("\\", "/"),
        "secrets": "inherit",
    }
    asked = _permissions_asked(source)
    if asked is not None and (workflow.permissions is not None or job.permissions is not None):
        # a called workflow's jobs get at most what the calling job has: under the caller's
        # `permissions: {}` their `contents: read` would make GitHub reject the workflow
        call["permissions"] = asked
    jobs = workflow.doc.root.get("jobs") if isinstance(workflow.doc.root, MappingNode) else None
    if jobs is None:
        raise CannotFix("the workflow has no jobs mapping")
    patch.insert_entry(jobs, name, call, before=(job.id,), spaced=True)
    _need(patch, job, [name])


def _need(patch: Patch, job: Job, names: list[str]) -> None:
    needs = job.node.get("needs")
    if needs is None:
        value: object = names[0] if len(names) == 1 else names
        patch.insert_entry(job.node, "needs", value, after=("name",), before=("runs-on",))
    elif isinstance(needs, SequenceNode) and needs.items:  # a block list: one more item
        for name in names:
            patch.append_item(needs, name)
    else:
        patch.replace_scalar(needs, list(job.needs) + names)


def _required_inputs(workflow: Workflow) -> bool:
    """The workflow is already callable and has an input a caller must give."""
    call = workflow.triggers.get("workflow_call")
    return call is not None and any(
        isinstance(i, dict) and i.get("required") is True and "default" not in i
        for i in call.inputs.values()
    )


def _permissions_asked(workflow: Workflow) -> dict[str, str] | str | None:
    """The most any job of ``workflow`` asks for (its own `permissions:` or the workflow's),
    scope by scope, or None when none of it says."""
    asked = [job.permissions for job in workflow.jobs.values() if job.permissions is not None]
    if workflow.permissions is not None:
        asked.append(workflow.permissions)
    if not asked:
        return None
    if "write-all" in asked:
        return "write-all"
    merged: dict[str, str] = {}
    for given in asked:
        if isinstance(given, dict):
            raise_to(merged, {str(scope): str(level) for scope, level in given.items()})
    if "read-all" in asked:  # every scope read, and some written: not one value; leave it out
        return None if "write" in merged.values() else "read-all"
    return merged


RULE = Rule(
    id="deploy-without-tests",
    category="testing",
    severity="high",
    summary="A deploy job does not need the test jobs.",
    docs=Docs(
        what="Flags jobs that deploy or publish (an `environment:`, or a deploy, release or "
        "publish step) which neither run tests themselves nor `needs` a job that does, in a "
        "workflow not started by `workflow_run`. A job that waits for the commit's checks "
        "first (`lewagon/wait-on-check-action` on a test job, a script that reads the "
        "commit's combined status: `knowledge/ci_verdicts.toml`) is gated too. A deploy "
        "into an environment named for testing (`test`, `e2e`, `ci`) is itself a test and is "
        "left alone; chart-testing's `ct install` counts as tests, and so do wheels built by "
        "cibuildwheel with a `test-command`. Also left alone: workflows run only for open "
        "pull requests (previews; `types: [closed]` runs ship the merge and are audited), "
        "manual-only workflows named for a rollback (they redeploy a version that shipped "
        "before), "
        "images pushed only under the commit's SHA for the tests that need the job, and "
        "deploys that run only on a branch whose commits a merge queue tested (pushes of "
        "that branch, or an `if:` requiring it), and jobs that ship only for a published "
        "release (the workflow's only trigger, or the `if:` of their shipping steps) when "
        "the repository's draft releases come from a job after its tests.",
        why="A deploy workflow triggered by the same push as CI runs beside it, not after it. "
        "The broken commit reaches staging, or production, while its tests are still failing.",
        example="on: {push: {branches: [main]}}\njobs:\n  deploy:\n    environment: staging\n"
        "    steps: [{run: ./deploy.sh}]",
        instead="jobs:\n  test:\n    steps: [{run: pytest}]\n  deploy:\n    needs: test\n"
        "    environment: staging\n\nor start the deploy workflow with `on: workflow_run` "
        "of CI, and check `github.event.workflow_run.conclusion == 'success'`.",
    ),
    check=check,
    fixable="unsafe",
)
