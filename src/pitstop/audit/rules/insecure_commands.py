"""insecure-commands: ``ACTIONS_ALLOW_UNSECURE_COMMANDS`` turns ``::set-env`` and ``::add-path``
back on."""

from __future__ import annotations

from pitstop.audit.repo import Repo, span
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.workflow.yaml import MappingNode, SequenceNode

NAME = "ACTIONS_ALLOW_UNSECURE_COMMANDS"


def check(repo: Repo, out: Check) -> None:
    for doc, _, env in repo.entries("env"):
        if not isinstance(env, MappingNode):
            continue
        out.checked += 1
        key = env.keys.get(NAME)
        value = env.get(NAME)
        if key is None or value is None:
            continue
        if str(value.to_python()).strip().lower() in ("false", "0", ""):
            continue
        out.flag(
            span(doc, key),
            f"{NAME} lets any output line set environment variables and PATH for later "
            "steps; write to $GITHUB_ENV and $GITHUB_PATH instead",
        )
    for doc, _, node in repo.entries("run"):
        if isinstance(node, (MappingNode, SequenceNode)):
            continue  # defaults: run: is settings, not a script
        text = str(node.to_python())
        if NAME in text and f"{NAME}=true" in text.replace(" ", ""):
            out.flag(span(doc, node), f"the script sets {NAME}=true for later steps")
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} env blocks keep workflow commands safe"
    )


RULE = Rule(
    id="insecure-commands",
    category="security",
    severity="high",
    summary="ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables ::set-env and ::add-path.",
    docs=Docs(
        what="Flags `ACTIONS_ALLOW_UNSECURE_COMMANDS` set to anything but false in an `env:` "
        "block, or written to `$GITHUB_ENV` by a script.",
        why="GitHub disabled the `::set-env` and `::add-path` workflow commands in 2020 "
        "(CVE-2020-15228) because any text a step prints — a test name, a log line from a "
        "pull request's code — could set `LD_PRELOAD` or `PATH` for every later step. The "
        "variable turns them back on.",
        example="env:\n  ACTIONS_ALLOW_UNSECURE_COMMANDS: true\nsteps:\n"
        '  - run: echo "::set-env name=VERSION::$v"',
        instead='steps:\n  - run: echo "VERSION=$v" >> "$GITHUB_ENV"',
    ),
    check=check,
)
