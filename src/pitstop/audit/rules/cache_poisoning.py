"""cache-poisoning: a job that builds a release restores the GitHub Actions cache, or a job an
outsider can start is given write access to it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import (
    PREVIEW_EVENTS,
    builds_release,
    never_runs,
    release_only,
    step_text,
)
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.rules.deprecated_action_version import ref_major
from pitstop.fix.context import set_scalar
from pitstop.knowledge.caches import declared_manager, restores
from pitstop.workflow.model import Job, Step
from pitstop.workflow.yaml import MappingNode, ScalarNode

# A step condition that leaves tag refs out: it does not run for a release's tag.
NOT_ON_TAGS = re.compile(
    r"!\s*startsWith\(\s*github\.ref\s*,\s*'refs/tags/'\s*\)|github\.ref_type\s*!=\s*'tag'"
)

# Events an outsider can start (a fork's pull request, a comment, a run of a workflow a fork's
# pull request started), for which GitHub's cache service grants read access unless the workflow
# declares more: GitHub changelog 2026-09-10, "Control GitHub Actions cache access with
# cache-mode" (read is the default for low-trust events such as pull_request_target; declaring
# write or write-only for them overrides it, and GitHub annotates the run with a warning).
OUTSIDERS_START = frozenset({"pull_request_target", "workflow_run", "issue_comment"})
WRITES = frozenset({"write", "write-only"})

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext
    from pitstop.workflow.model import Step, Workflow
    from pitstop.workflow.yaml import YamlDocument


def check(repo: Repo, out: Check) -> None:
    manager = package_manager(repo.read("package.json"))
    declarations = flagged = 0
    for workflow in repo.workflows:
        checked, failed = _declared_writes(workflow, out)
        declarations, flagged = declarations + checked, flagged + failed
        if workflow.triggers and set(workflow.triggers) <= PREVIEW_EVENTS:
            continue  # a pull request's run releases nothing
        only_releases = release_only(workflow)
        releases_only_on_event = only_releases and set(workflow.triggers) <= {
            "release",
            "workflow_dispatch",
        }
        tagged = _runs_on_tags(workflow)
        for job in workflow.jobs.values():
            if never_runs(job):
                continue
            releasing = builds_release(workflow, job, repo)
            if not releasing and not (tagged and any(_tag_gated(s) for s in job.steps)):
                continue
            # a package.json pitstop cannot read (another checkout, a subfolder) may still be
            # known from what the job's steps need of it
            job_manager = manager or declared_manager(
                (s.uses, s.with_ if isinstance(s.with_, dict) else {}) for s in job.steps if s.uses
            )
            for step in job.steps:
                uses = step.node.get("uses")
                if not step.uses or not isinstance(uses, ScalarNode):
                    continue
                inputs = step.with_ if isinstance(step.with_, dict) else {}
                ref = step.uses.partition("@")[2]
                major = ref_major(workflow.doc, uses, ref)
                if NOT_ON_TAGS.search(str(step.if_ or "")):
                    continue  # the step is skipped for the release's tag
                if not releasing and not _tag_gated(step):
                    continue
                if _restored_for_nothing(repo, job, step):
                    continue  # openreplay's /tmp/.buildx-cache, which its plain docker build
                    # never reads: nothing of the cache reaches the release
                found = restores(
                    step.uses,
                    inputs,
                    major,
                    releases_only_on_event,
                    job_manager,
                    _workspace_root(repo, job, step),
                )
                out.checked += 1
                if found is None:
                    continue
                why = (
                    "runs for releases only"
                    if only_releases
                    else "ships what it builds"
                    if releasing
                    else "runs for tag pushes, which are releases"
                )
                out.flag(
                    span(workflow.doc, uses),
                    f"job '{job.id}' {why}, and {found.why}: whatever other runs on the default "
                    "branch wrote to the cache goes into the release",
                    fix=Fix(
                        f"set {found.off[0]}: {str(found.off[1]).lower()}",
                        "safe",  # the same build, from a fresh download
                        partial(_turn_off, workflow.doc, step, found.off),
                    )
                    if found.off
                    else None,
                )
    steps = out.checked - declarations
    parts = []
    if steps or not declarations:
        parts.append(
            f"{steps - (out.failed - flagged)} of {steps} steps of release jobs restore no cache"
        )
    if declarations:
        parts.append(
            f"{declarations - flagged} of {declarations} cache-mode declarations on events "
            "an outsider starts grant no cache writes"
        )
    out.figure = "; ".join(parts)


def _declared_writes(workflow: Workflow, out: Check) -> tuple[int, int]:
    """A ``cache-mode: write`` (or ``write-only``) declared for jobs of a workflow an outsider can
    start: one finding per declaration, naming the jobs it reaches. Returns the declarations
    checked and flagged."""
    events = sorted(OUTSIDERS_START & set(workflow.triggers))
    if not events:
        return 0, 0
    root = workflow.doc.root
    declared = root.get("cache-mode") if isinstance(root, MappingNode) else None
    reached: dict[int, tuple[ScalarNode, list[str]]] = {}
    for job in workflow.jobs.values():
        if never_runs(job):
            continue
        own = job.node.get("cache-mode") if isinstance(job.node, MappingNode) else None
        node = own if own is not None else declared
        if not isinstance(node, ScalarNode):
            continue
        reached.setdefault(id(node), (node, []))[1].append(job.id)
    flagged = 0
    for node, jobs in reached.values():
        out.checked += 1
        mode = str(node.to_python())
        if mode not in WRITES:
            continue
        flagged += 1
        named = ", ".join(f"'{j}'" for j in jobs)
        out.flag(
            span(workflow.doc, node),
            f"`cache-mode: {mode}` lets job{'s' if len(jobs) > 1 else ''} {named} save to the "
            f"cache on {' and '.join(events)}, which an outsider can start: what such a run "
            "saves is restored by the default branch's builds and releases (GitHub grants "
            "these events read access unless a workflow asks for more)",
            fix=Fix(
                f"set cache-mode: {'read' if mode == 'write' else 'none'}",
                "safe",  # the same steps, with nothing saved
                partial(set_scalar, workflow.doc, node, "read" if mode == "write" else "none"),
            ),
        )
    return len(reached), flagged


# A cache input turned on for tag refs only (maturin's `sccache: ${{ startsWith(github.ref,
# 'refs/tags/') }}`): the cache is used exactly when a tag, a release, is built.
TAG_GATED = re.compile(
    r"(?<!!)\bstartsWith\(\s*github\.ref\s*,\s*'refs/tags/'\s*\)"
    r"|github\.ref_type\s*==\s*'tag'",
    re.IGNORECASE,
)


def _tag_gated(step: Step) -> bool:
    inputs = step.with_ if isinstance(step.with_, dict) else {}
    return any(isinstance(v, str) and TAG_GATED.search(v) for v in inputs.values())


def _runs_on_tags(workflow: Workflow) -> bool:
    push = workflow.triggers.get("push")
    return "release" in workflow.triggers or (push is not None and push.tags is not None)


def package_manager(text: str | None) -> str | None:
    """The package manager package.json declares (``"packageManager": "pnpm@9.1.0"``, or
    ``devEngines.packageManager.name``), or None."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    declared = data.get("packageManager")
    engines = data.get("devEngines")
    if not isinstance(declared, str) and isinstance(engines, dict):
        manager = engines.get("packageManager")
        declared = manager.get("name") if isinstance(manager, dict) else None
    return declared.split("@")[0].strip().lower() or None if isinstance(declared, str) else None


def _turn_off(doc: YamlDocument, step: Step, off: tuple[str, object], context: FixContext) -> None:
    patch = context.patch(doc)
    given = step.node.get("with")
    name, value = off
    if isinstance(given, MappingNode):
        current = given.get(name)
        if current is not None:
            patch.replace_scalar(current, value)
        else:
            patch.insert_entry(given, name, value)
    else:
        patch.insert_entry(step.node, "with", {name: value}, after=("uses",))


RULE = Rule(
    id="cache-poisoning",
    category="security",
    severity="high",
    summary="A job that builds a release restores the GitHub Actions cache, or a job an outsider "
    "can start may write to it.",
    docs=Docs(
        what="Flags steps that restore the Actions cache (`actions/cache`, setup actions with "
        "caching on, by an input or by default: `pitstop/knowledge/caches.toml` lists each "
        "action, the input that turns its cache off, and a source) in a job that builds a "
        "release: a job that deploys or publishes, a job of a workflow that runs for "
        "releases only (`release` events, tag pushes, release branches), or a job whose "
        "uploaded artifact a publishing job waits for. The fix turns the input off where the "
        "action has one. Also flags a `cache-mode: write` or `write-only` that reaches jobs of "
        "a workflow on `pull_request_target`, `workflow_run` or `issue_comment`: GitHub gives "
        "those events read access to the cache unless the workflow asks for more (changelog "
        "2026-09-10); the fix sets `read` (`none` for write-only).",
        why="Every workflow of a repository shares its cache, and a branch can read what the "
        "default branch wrote. A low-privileged workflow with a script injection, or a "
        "compromised test dependency, can write a poisoned entry under the key the release "
        "job restores; the release then ships the attacker's files with your signature.",
        example="on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    steps:\n"
        "      - uses: actions/setup-python@v5\n        with:\n          cache: pip\n"
        "      - run: python -m build && twine upload dist/*",
        instead="Drop the cache in release jobs (`cache:` removed, `enable-cache: false`…): "
        "a release is built from fresh downloads.",
    ),
    check=check,
    fixable="sometimes",
)


def _workspace_root(repo: Repo, job: Job, step: Step) -> Callable[[str], bool] | None:
    """Whether a file is at the root of the job's workspace when ``step`` runs: the
    repository's own, checked out there by an earlier actions/checkout with no `path`; none
    when every earlier checkout went into a folder (opencost's `path: ./opencost`). None when
    pitstop cannot tell (no checkout, or another repository's)."""
    checkouts = [
        s
        for s in job.steps
        if s.index < step.index and (s.uses or "").lower().startswith("actions/checkout@")
    ]
    given = [s.with_ if isinstance(s.with_, dict) else {} for s in checkouts]
    if not checkouts or any(g.get("repository") for g in given):
        return None
    if all(str(g.get("path", "")).strip("./") for g in given):
        return lambda name: False
    return lambda name: repo.read(name) is not None


def _restored_for_nothing(repo: Repo, job: Job, step: Step) -> bool:
    """An actions/cache step whose folders are all under /tmp, which no later step of the job
    names (in its script, the repository's scripts it runs, its inputs or env): no tool reads
    such a folder unless told to (buildx's `--cache-from type=local,src=/tmp/.buildx-cache`)."""
    if not (step.uses or "").lower().startswith(("actions/cache@", "actions/cache/restore@")):
        return False
    given = step.with_ if isinstance(step.with_, dict) else {}
    paths = [p.strip() for p in str(given.get("path", "")).splitlines() if p.strip()]
    if not paths or not all(p.startswith("/tmp/") for p in paths):
        return False
    later = [s for s in job.steps if s.index > step.index]
    texts = [step_text(s, repo) for s in later]
    texts += [str(v) for s in later for v in (s.with_ or {}).values()]
    texts += [str(v) for s in later if isinstance(s.env, dict) for v in s.env.values()]
    return not any(p.rstrip("/") in t for p in paths for t in texts)
