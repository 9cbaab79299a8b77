"""checkout-credentials: ``actions/checkout`` leaves the token in ``.git/config``."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import own_code
from pitstop.audit.repo import Repo, StepPlace, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.knowledge.images import has_git
from pitstop.workflow.yaml import MappingNode

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

# What shows a later step uses the persisted credentials: git writes, or actions that push.
PUSHES = re.compile(
    r"git\s+(push|pull|fetch|commit|tag|submodule)|gh\s+pr\b|git-auto-commit|add-and-commit"
    r"|create-pull-request|github-push-action|changesets/action|semantic-release|release-please"
    # mkdocs gh-deploy pushes the built site to gh-pages with git, through ghp-import (mkdocs'
    # docs, "Deploying your docs": GitHub Pages); so does the gh-pages npm package
    r"|mkdocs\s+gh-deploy|ghp-import|\bgh-pages\s+-d\b",
    re.IGNORECASE,
)
# A step that installs git with the distribution's package manager.
INSTALLS_GIT = re.compile(
    r"\b(apt-get|apt|apk|dnf|yum|microdnf|zypper|pacman|tdnf)\b[^\n]*\s(install|add|in|-S\w*)\b"
    r"[^\n]*\sgit(\s|$)"
)


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        uses = (place.step.uses or "").lower()
        if not uses.startswith("actions/checkout@"):
            continue
        if _fetched_without_git(place):
            continue
        out.checked += 1
        given = place.step.node.get("with")
        persist = given.get("persist-credentials") if isinstance(given, MappingNode) else None
        if persist is not None and str(persist.to_python()).lower() == "false":
            continue
        target = persist if persist is not None else place.step.node.get("uses")
        assert target is not None
        if _later_steps_push(place, repo):
            continue  # a later step pushes (or fetches) with the kept credentials: they are needed
        out.flag(
            span(place.doc, target),
            "actions/checkout keeps the job's token in .git/config for every later step; set "
            "`persist-credentials: false` unless a step pushes",
            # an explicit `persist-credentials: true` is the author's choice (mypy's "needed to
            # `git push` the PR branch", through a script): turning it off needs --unsafe
            fix=Fix(
                "set persist-credentials: false",
                "unsafe" if persist is not None else "safe",
                partial(_drop_credentials, place),
            ),
        )
    out.figure = f"{out.checked - out.failed} of {out.checked} checkouts drop their credentials"


def _fetched_without_git(place: StepPlace) -> bool:
    """The job runs in a container image without git (``images.toml``) and no step before the
    checkout installs it: checkout then downloads through the REST API and writes no
    ``.git/config``, so no token is kept."""
    job = place.job
    image = job.container if job is not None else None
    if isinstance(image, dict):
        image = image.get("image")
    if not isinstance(image, str) or "${{" in image or has_git(image) is not False:
        return False
    earlier = (s.run or "" for s in place.siblings if s.index < place.step.index)
    return not any(INSTALLS_GIT.search(script) for script in earlier)


# In the repository's own scripts, only what talks to GitHub with git counts: `git push`,
# `git pull`, `git fetch` (in a shell line, a Node.js call: `spawnSync("git", ["push", …])`, or
# a Python one: `subprocess.run(["git", "push", …])`),
# `gh pr`, a site pushed by mkdocs or ghp-import; a local `git tag -l` or a sentence about tags
# does not.
SCRIPT_PUSHES = re.compile(
    r"\bgit\s+(push|pull|fetch)\b|[\"'`]git[\"'`]\s*,\s*\[?\s*[\"'`](push|pull|fetch)\b"
    r"|\bgh\s+pr\b|mkdocs\s+gh-deploy|ghp-import",
    re.IGNORECASE,
)
COMMENT_LINE = re.compile(r"^\s*(#|//|/?\*)", re.MULTILINE)


def _later_steps_push(place: StepPlace, repo: Repo) -> bool:
    """A later step pushes, itself or through the repository's own scripts it runs (uptime-kuma's
    `node extra/release/prepare-release.mjs`, which runs `git push`), comments left out."""
    for step in place.later():
        if PUSHES.search(f"{step.run or ''}\n{step.uses or ''}"):
            return True
        code = own_code(step.run, repo) if step.run else ""
        if code and SCRIPT_PUSHES.search(_without_comments(code)):
            return True
    return False


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not COMMENT_LINE.match(line))


def _drop_credentials(place: StepPlace, context: FixContext) -> None:
    patch = context.patch(place.doc)
    given = place.step.node.get("with")
    if isinstance(given, MappingNode):
        persist = given.get("persist-credentials")
        if persist is not None:
            patch.replace_scalar(persist, False)
        else:
            patch.insert_entry(given, "persist-credentials", False)
    else:
        patch.insert_entry(place.step.node, "with", {"persist-credentials": False}, after=("uses",))


RULE = Rule(
    id="checkout-credentials",
    category="security",
    severity="medium",
    summary="actions/checkout persists the token in .git/config.",
    docs=Docs(
        what="Flags `actions/checkout` steps without `persist-credentials: false`, unless a "
        "later step of the job pushes, pulls or fetches with git (or runs an action that "
        "commits back): those need the kept credentials. A job "
        "running in a container image without git (`pitstop/knowledge/images.toml`: `ubuntu`, "
        "`debian`, `alpine`, the `-slim` variants…) that installs none before the checkout is "
        "left alone: checkout then downloads through the REST API and keeps no token. The "
        "repository's own scripts a later step runs count (shell, Node.js and Python calls of "
        "git push, pull or fetch). The fix is safe where the input is absent; an explicit "
        "`persist-credentials: true` is the author's choice, and turning it off needs "
        "`--unsafe`.",
        why="By default checkout writes the job's GITHUB_TOKEN into `.git/config`, where every "
        "later step, every third-party action and any uploaded artifact of the workspace can "
        "read it.",
        example="- uses: actions/checkout@v4",
        instead="- uses: actions/checkout@v4\n  with:\n    persist-credentials: false",
    ),
    check=check,
    fixable="sometimes",
)
