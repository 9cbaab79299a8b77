"""github-env: a privileged workflow writes an outsider's text to GITHUB_ENV or GITHUB_PATH."""

from __future__ import annotations

import re

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.rules.bot_condition import PRIVILEGED
from pitstop.audit.rules.dangerous_trigger import checkout_of_head
from pitstop.audit.rules.template_injection import UNTRUSTED
from pitstop.knowledge.artifacts import downloads_another_runs
from pitstop.workflow.model import Job, Step, Workflow

WRITES = re.compile(r">>?\s*\"?\$\{?(GITHUB_ENV|GITHUB_PATH)\b|\$env:(GITHUB_ENV|GITHUB_PATH)\b")
# Events anyone who can open an issue or a pull request starts, run on the base repository
# with its secrets and a token as its settings give it (GitHub's docs, "Events that trigger
# workflows": issues, issue_comment, discussion and discussion_comment run on the default
# branch; pull_request_target and workflow_run in the base repository's context).
OUTSIDERS_START = PRIVILEGED | {"issues", "issue_comment", "discussion", "discussion_comment"}
# Reading a file's text: `$(< f)`, or cat, jq and the like as a command of their own (not fed
# by a pipe, which is some other command's output), or `read VAR < f`.
FILE_READ = re.compile(
    r"\$\(\s*<|(^|[;&(]|\$\()\s*(cat|jq|yq|head|tail|sed|awk|grep|tr)\s", re.MULTILINE
)
ASSIGNED = re.compile(r"^\s*(?:export\s+|local\s+)?(\w+)=(.*)$", re.MULTILINE)
READ_INTO = re.compile(r"\bread\b(?:\s+-\w+)*\s+(\w+)[^\n]*<\s*[^<\s]")


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        workflow, job = place.workflow, place.job
        if workflow is None or job is None or not OUTSIDERS_START & set(workflow.triggers):
            continue
        script = place.step.run or ""
        written = WRITES.search(script)
        if written is None:
            continue
        out.checked += 1
        source = _outsiders_text(workflow, job, place.step)
        if source is None and _write_carries(script, set(), files=True):
            source = _outsiders_files(repo, workflow, job, place.step)
        if source is None:
            continue
        target = written.group(1) or written.group(2)
        node = place.step.node.get("run")
        assert node is not None
        events = " and ".join(sorted(OUTSIDERS_START & set(workflow.triggers)))
        out.flag(
            span(place.doc, node),
            f"this step writes to {target} on {events}, from text an outsider writes "
            f"({source}): a newline in it sets any variable (BASH_ENV, LD_PRELOAD, "
            "NODE_OPTIONS) or PATH entry for every later step",
        )
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} privileged GITHUB_ENV writes are clean"
    )


def _outsiders_text(workflow: Workflow, job: Job, step: Step) -> str | None:
    """The outsider's text (template-injection's list) the step's write carries: written
    into the script, or handed to a shell script in `env:` and written from that variable (a
    variable only tested, `grep -q … "$BODY"`, writes nothing of it)."""
    script = step.run or ""
    inline = UNTRUSTED.search(script)
    if inline is not None:
        return inline.group(0)
    names: dict[str, str] = {}
    for env in (workflow.env, job.env, step.env):
        for name, value in env.items() if isinstance(env, dict) else ():
            found = UNTRUSTED.search(str(value))
            if found is not None:
                names[str(name)] = found.group(0)
    if not names:
        return None
    if (step.shell or "bash").split()[0] not in ("bash", "sh"):
        return next(iter(names.values()))  # python, pwsh: pitstop does not follow the value
    return next((names[n] for n in names if _write_carries(script, {n}, files=False)), None)


def _write_carries(script: str, sources: set[str], files: bool) -> bool:
    """A write to GITHUB_ENV or GITHUB_PATH whose text comes from the variables ``sources``
    or, with ``files``, from a file: on the line that writes, or through a variable set from
    them and not checked against an anchored pattern first (litestar's
    `[[ "$PR_NUMBER" =~ ^[0-9]+$ ]] || exit 1`)."""
    tainted = set(sources)
    if files:
        tainted |= {m.group(1) for m in READ_INTO.finditer(script)}
    for _ in range(3):  # A=$(cat f); B="x-$A": a few steps of a chain
        for m in ASSIGNED.finditer(script):
            if (files and FILE_READ.search(m.group(2))) or _mentions(m.group(2), tainted):
                tainted.add(m.group(1))
    tainted = {v for v in tainted if not re.search(rf"\$\{{?{v}\}}?\"?\s*=~\s*[\"']?\^", script)}
    lines = script.splitlines()
    for index, line in enumerate(lines):
        if not WRITES.search(line):
            continue
        written = [line]
        if line.lstrip().startswith("}"):  # { echo …; echo …; } >> "$GITHUB_ENV"
            start = max((i for i in range(index) if lines[i].strip() == "{"), default=index)
            written = lines[start : index + 1]
        text = "\n".join(written)
        if (files and FILE_READ.search(text.split(">>")[0])) or _mentions(text, tainted):
            return True
    return False


def _mentions(text: str, names: set[str]) -> bool:
    return any(re.search(rf"\$\{{?{name}\b", text) for name in names)


def _outsiders_files(repo: Repo, workflow: Workflow, job: Job, step: Step) -> str | None:
    """Where the files this step reads come from, when an outsider wrote them: another run's
    artifacts downloaded earlier in a workflow_run job, when the run that made them can be a
    pull request's, or the pull request's code checked out earlier."""
    before = [s for s in job.steps if s.index < step.index]
    if (
        "workflow_run" in workflow.triggers
        and any(downloads_another_runs(s) for s in before)
        and _after_pull_requests(repo, workflow)
    ):
        return "files of the triggering run's artifacts, which its pull request wrote"
    head = checkout_of_head(job)
    if head is not None and head[0] < step.index:
        return "files of the pull request's code, checked out above"
    return None


def _after_pull_requests(repo: Repo, workflow: Workflow) -> bool:
    """The workflows whose runs start this one can run on a pull request, a fork's among them
    (or they are not in the repository to say otherwise)."""
    named = repo.started_by(workflow)
    return not named or any("pull_request" in w.triggers for w in named)


RULE = Rule(
    id="github-env",
    category="security",
    severity="high",
    summary="A privileged workflow writes an outsider's text to GITHUB_ENV or GITHUB_PATH.",
    docs=Docs(
        what="Flags steps of workflows an outsider can start with the base repository's "
        "secrets (`pull_request_target`, `workflow_run`, `issues`, `issue_comment`, "
        "`discussion`, `discussion_comment`) that append to `$GITHUB_ENV` or `$GITHUB_PATH` "
        "while their script or env reads text an outsider controls: a pull request's title or "
        "body, its head branch, a commit message (the same list as template-injection), or "
        "files an outsider wrote: another run's artifacts downloaded earlier in a "
        "`workflow_run` job (a table of the actions and commands that download them), or the "
        "pull request's code checked out earlier. Values GitHub gives a fixed shape (numbers, "
        "SHAs, logins, repository names) and command output of the job's own are left alone.",
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
