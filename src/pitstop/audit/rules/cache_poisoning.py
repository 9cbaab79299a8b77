"""cache-poisoning: a job that builds a release restores the GitHub Actions cache."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import PREVIEW_EVENTS, builds_release, never_runs, release_only
from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.rules.deprecated_action_version import ref_major
from pitstop.knowledge.caches import restores
from pitstop.workflow.yaml import MappingNode, ScalarNode

# A step condition that leaves tag refs out: it does not run for a release's tag.
NOT_ON_TAGS = re.compile(
    r"!\s*startsWith\(\s*github\.ref\s*,\s*'refs/tags/'\s*\)|github\.ref_type\s*!=\s*'tag'"
)

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext
    from pitstop.workflow.model import Step, Workflow
    from pitstop.workflow.yaml import YamlDocument


def check(repo: Repo, out: Check) -> None:
    manager = package_manager(repo.read("package.json"))
    for workflow in repo.workflows:
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
                found = restores(step.uses, inputs, major, releases_only_on_event, manager)
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
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} steps of release jobs restore no cache"
    )


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
    summary="A job that builds a release restores the GitHub Actions cache.",
    docs=Docs(
        what="Flags steps that restore the Actions cache (`actions/cache`, setup actions with "
        "caching on, by an input or by default: `pitstop/knowledge/caches.toml` lists each "
        "action, the input that turns its cache off, and a source) in a job that builds a "
        "release: a job that deploys or publishes, a job of a workflow that runs for "
        "releases only (`release` events, tag pushes, release branches), or a job whose "
        "uploaded artifact a publishing job waits for. The fix turns the input off where the "
        "action has one.",
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
