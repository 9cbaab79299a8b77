"""github-env: a privileged workflow writes an outsider's text to GITHUB_ENV or GITHUB_PATH."""

from __future__ import annotations

import re

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.rules.bot_condition import PRIVILEGED
from pitstop.audit.rules.template_injection import UNTRUSTED

WRITES = re.compile(r">>?\s*\"?\$\{?(GITHUB_ENV|GITHUB_PATH)\b|\$env:(GITHUB_ENV|GITHUB_PATH)\b")


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        workflow, job = place.workflow, place.job
        if workflow is None or job is None or not PRIVILEGED & set(workflow.triggers):
            continue
        script = place.step.run or ""
        written = WRITES.search(script)
        if written is None:
            continue
        out.checked += 1
        envs = [workflow.env, job.env, place.step.env]
        values = [str(v) for e in envs if isinstance(e, dict) for v in e.values()]
        untrusted = next((m for t in [script, *values] if (m := UNTRUSTED.search(t))), None)
        if untrusted is None:
            continue
        target = written.group(1) or written.group(2)
        node = place.step.node.get("run")
        assert node is not None
        events = " and ".join(sorted(PRIVILEGED & set(workflow.triggers)))
        out.flag(
            span(place.doc, node),
            f"this step writes to {target} on {events}, "
            f"from text an outsider writes ({untrusted.group(0)}): a newline in it sets any "
            "variable (BASH_ENV, LD_PRELOAD, NODE_OPTIONS) or PATH entry for every later step",
        )
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} privileged GITHUB_ENV writes are clean"
    )


RULE = Rule(
    id="github-env",
    category="security",
    severity="high",
    summary="A privileged workflow writes an outsider's text to GITHUB_ENV or GITHUB_PATH.",
    docs=Docs(
        what="Flags steps of `pull_request_target` and `workflow_run` workflows that append to "
        "`$GITHUB_ENV` or `$GITHUB_PATH` while their script or env reads text an outsider "
        "controls (a pull request's title or body, its head branch, a commit message: the "
        "same list as template-injection).",
        why="Each line of GITHUB_ENV sets a variable for every later step. A title with a "
        "newline and `BASH_ENV=/tmp/x` or `LD_PRELOAD=…` in it makes the next step run the "
        "attacker's code, with the base repository's secrets and a write token.",
        example="on: pull_request_target\n…\n- env:\n    TITLE: ${{ github.event.pull_request."
        'title }}\n  run: echo "title=$TITLE" >> $GITHUB_ENV',
        instead="Pass the value as a step output (`>> $GITHUB_OUTPUT`) and read it through "
        "`env:` where it is used, or keep it out of the privileged workflow.",
    ),
    check=check,
)
