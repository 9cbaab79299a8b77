"""sleep-for-readiness: ``sleep`` where a health check should wait."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import TESTS
from pitstop.audit.repo import Repo, StepPlace
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import Command, commands, located_commands, words
from pitstop.fix.patch import CannotFix
from pitstop.workflow.model import Step

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

URL = re.compile(r"""(["']?)https?://[^\s"']+\1""")

DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smh]?)$")
# What a sleep waits for: something started before it (in the background, a container, a
# deploy) or checked after it (a request, a database or cache client, a health or smoke check).
# Not `systemctl start`, which returns once the unit says it is ready (systemd.service(5),
# Type=notify), and not `kill -0 $PID` after it, which asks whether a process crashed.
STARTS = re.compile(
    r"&\s*$|\b(nohup|docker\s+(run|start|compose\s+up)|docker-compose\s+up|podman\s+run"
    r"|service\s+\S+\s+(start|restart)"
    r"|kubectl\s+(apply|create|rollout|set\s+image)|helm\s+(install|upgrade)|deploy\w*"
    r"|terraform\s+apply|flyctl\s+deploy|start\w*(\.sh)?)\b",
    re.IGNORECASE,
)
CHECKS = re.compile(
    r"\b(curl|wget|nc|pg_isready|psql|redis-cli|mysqladmin|mysql|grpcurl|http|kubectl\s+wait"
    r"|health\w*|smoke\w*|check\w*(\.sh)?)\b",
    re.IGNORECASE,
)
CRASHED = re.compile(r"\bkill\s+-0\b")
LOOP_HEAD = re.compile(r"\s*(for|while|until)\b")
# Tools that wait until a resource answers: wait-on (npmjs.com/package/wait-on),
# wait-for-it.sh (github.com/vishnubob/wait-for-it), dockerize -wait (github.com/jwilder/dockerize)
POLLERS = re.compile(r"\bwait-on\b|\bwait-for-it\b|\bdockerize\b[^\n]*\s-wait\b")
SYSTEMD = re.compile(r"\bsystemctl\s+(start|restart)\b")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


def seconds(command: str) -> float | None:
    said = words(command)
    if len(said) != 2 or said[0] != "sleep":
        return None
    match = DURATION.match(said[1])
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


def check(repo: Repo, out: Check) -> None:
    minimum = float(out.options.get("seconds", 3))
    for place in repo.steps():
        for command, where in located_commands(place):
            waited = seconds(command.text)
            if waited is None:
                continue
            out.checked += 1
            if command.in_loop or waited < minimum:
                continue  # a poll's interval, or a short pause
            if not _waits_for_something(place, command):
                continue  # a pause that nothing before starts or after checks: not a wait
            url = health_url(place)
            out.flag(
                where,
                f"'{command.text}' waits a fixed time: too short on a slow day, wasted on a fast "
                "one; poll for readiness instead",
                fix=Fix(
                    f"replaced '{command.text}' by polling {url}",
                    "unsafe",  # the step now fails when the service never answers
                    partial(_poll, place, where.start, command.text, url, waited),
                )
                if url
                else None,
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} waits poll instead of sleeping"


def _waits_for_something(place: StepPlace, sleep: Command) -> bool:
    """Whether the sleep is a wait for readiness: the job has services, or what comes right
    before it starts something (a background process, a container, a deploy), or what comes
    right after it checks or tests something. A sleep after a stop or a restart, at the end of
    a step that only reported, or before a loop that polls is a grace period, not the wait."""
    steps = place.siblings
    own = commands(place.step.run or "")
    at = own.index(sleep)
    if at + 1 < len(own) and (own[at + 1].in_loop or LOOP_HEAD.match(own[at + 1].text)):
        return False  # a poll follows: the sleep only gives it a head start (formbricks'
        # `sleep 10` before `for attempt in {1..10}; do … curl … done`)
    if any(POLLERS.search(c.text) for c in own[at + 1 :]):
        return False  # a tool that polls follows in the step (openreplay's `npx wait-on`)
    if place.job is not None and place.job.services:
        return True
    earlier = [act for s in steps[: place.step.index] for act in _acts(s, actions=True)]
    earlier += [c.text for c in own[:at] if not _idle(c.text)]
    later: list[str | bool] = [c.text for c in own[at + 1 :] if not _idle(c.text)]
    later += [act for s in steps[place.step.index + 1 :] for act in _acts(s, actions=False)]
    previous = earlier[-1] if earlier else None
    following = later[0] if later else None
    if at + 1 < len(own) and CRASHED.search(own[at + 1].text):
        return False  # time to crash, then `kill -0`: a check that it did not, not a wait
    if isinstance(previous, str) and SYSTEMD.search(previous):
        return False  # systemctl start returned: the unit said it was ready
    started = previous is True or (isinstance(previous, str) and bool(STARTS.search(previous)))
    checked = isinstance(following, str) and bool(
        CHECKS.search(following) or TESTS.search(following)
    )
    return started or checked


def _acts(step: Step, actions: bool) -> list[str | bool]:
    """What a step does, in order: its commands that are not idle, or for an action (when
    ``actions``) whether it is named for deploying."""
    if step.uses:
        return ["deploy" in step.uses.lower()] if actions else []
    return [c.text for c in commands(step.run or "") if not _idle(c.text)]


IDLE = frozenset(
    {"sleep", "echo", "printf", ":", "true", "date", "if", "then", "else", "fi", "do", "done"}
)


def _idle(command: str) -> bool:
    """A command that neither starts nor checks anything: another sleep, a message, a
    variable set (`pid=$!`), the shell's own `if … then` words."""
    said = words(command)
    return not said or said[0] in IDLE or re.match(r"[A-Za-z_]\w*=", said[0]) is not None


def health_url(place: StepPlace) -> str | None:
    """The URL a later ``curl`` in the same job checks: what the sleep was waiting for. Only
    for bash and sh steps, where the poll is written in shell."""
    if place.job is None or place.shell not in ("bash", "sh"):
        return None
    for step in place.job.steps[place.step.index :]:
        for command in commands(step.run or ""):
            said = words(command.text)
            if said and said[0] == "curl":
                found = URL.search(command.text)
                if found:
                    return found.group(0)
    return None


def _poll(
    place: StepPlace, start: int, text: str, url: str, waited: float, context: FixContext
) -> None:
    node = place.step.node.get("run")
    if node is None or place.doc.text[start : start + len(text)] != text:
        raise CannotFix("the sleep is not written where it was found")
    tries = max(30, int(waited * 2))
    poll = (
        f"curl --fail --silent --show-error --output /dev/null --retry {tries} "
        f"--retry-delay 1 --retry-all-errors {url}"
    )
    context.patch(place.doc).replace_fragment(node, start, start + len(text), poll)


RULE = Rule(
    id="sleep-for-readiness",
    category="reliability",
    severity="medium",
    summary="A fixed `sleep` waits for a service or a deploy.",
    docs=Docs(
        what="Flags `sleep N` commands of 3 seconds or more (option `seconds`) outside a polling "
        "loop in `run:` scripts, when they wait for something: the job has services, or "
        "something starts before the sleep (a background process, a container, a deploy), or "
        "something is checked after it (curl, wget, nc, pg_isready, psql, redis-cli, a health or "
        "smoke check).",
        why="A fixed sleep is a guess. When the service is slow the next step fails at random; "
        "when it is fast every run pays the full wait. Both teach people to distrust the "
        "pipeline.",
        example="- run: ./deploy.sh staging\n- run: sleep 30\n- run: curl -f $URL/healthz",
        instead="- run: ./deploy.sh staging\n- timeout-minutes: 5\n"
        "  run: until curl -fsS $URL/healthz; do sleep 2; done",
    ),
    check=check,
    fixable="unsafe",
    options={"seconds": 3},
)
