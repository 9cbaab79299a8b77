"""sleep-for-readiness: ``sleep`` where a health check should wait."""

from __future__ import annotations

import re

from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import located_commands, words

DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smh]?)$")
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
            out.flag(
                where,
                f"'{command.text}' waits a fixed time: too short on a slow day, wasted on a fast "
                "one; poll for readiness instead",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} waits poll instead of sleeping"


RULE = Rule(
    id="sleep-for-readiness",
    category="reliability",
    severity="medium",
    summary="A fixed `sleep` waits for a service or a deploy.",
    docs=Docs(
        what="Flags `sleep N` commands of 3 seconds or more (option `seconds`) outside a polling "
        "loop in `run:` scripts.",
        why="A fixed sleep is a guess. When the service is slow the next step fails at random; "
        "when it is fast every run pays the full wait. Both teach people to distrust the "
        "pipeline.",
        example="- run: ./deploy.sh staging\n- run: sleep 30\n- run: curl -f $URL/healthz",
        instead="- run: ./deploy.sh staging\n- timeout-minutes: 5\n"
        "  run: until curl -fsS $URL/healthz; do sleep 2; done",
    ),
    check=check,
    options={"seconds": 3},
)
