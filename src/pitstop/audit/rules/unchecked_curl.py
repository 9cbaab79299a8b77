"""unchecked-curl: ``curl`` without ``--fail`` passes on an HTTP 500."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.jobs import never_runs
from pitstop.audit.repo import Repo, StepPlace
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scripts import Command, located_commands, words
from pitstop.fix.patch import CannotFix

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
FAIL_FLAGS = frozenset({"--fail", "--fail-with-body", "--fail-early"})
CHECKED_BY_HAND = frozenset({"-w", "--write-out"})
NO_REQUEST = frozenset({"--version", "-V", "--help", "-h", "--manual", "-M"})  # no HTTP at all


def fails_on_error(said: Sequence[str]) -> bool:
    for word in said:
        if word in FAIL_FLAGS or word in CHECKED_BY_HAND or word.startswith("--write-out="):
            return True
        if word.startswith("-") and not word.startswith("--") and "f" in word[1:]:
            return True
    return False


def _consumed(place: StepPlace, command: Command, said: Sequence[str]) -> bool:
    """curl whose output another command reads: piped (``| tar -x``, ``| sh``), or saved to a
    file (``-o out``, ``-O``/``-LO`` under the URL's name) that the script or a later step of
    the job names again. An error page makes those fail there."""
    script = place.step.run or ""
    # the command's logical line, from the command on: continuation lines joined (the
    # splitter numbers joined lines, so the offset, not the line number, finds it here)
    joined = script.replace("\\\n", "  ")
    end = joined.find("\n", command.offset)
    rest = joined[command.offset : end if end >= 0 else len(joined)]
    code = QUOTED.sub(lambda m: " " * len(m.group()), rest)  # `--json '{"a": "<b>"}'` is data
    if re.search(r"(?<!\|)\|(?!\|)", code):
        return True
    if re.search(r"\|\|\s*(true|:|echo)\b", code):
        return True  # best effort on purpose: the failure would be swallowed anyway
    redirected = re.search(r"(?<![0-9&])>>?\s*([^\s;&|]+)", code)
    saved = redirected.group(1) if redirected else _saved_as(said, command.text)
    if not saved:
        return False
    after = script[command.offset + len(rest) :]
    later = "\n".join(s.run or "" for s in place.later())
    named = [saved]
    base = saved.rstrip("/").rsplit("/", 1)[-1]
    if len(base) >= 4 and base != saved:
        named.append(base)  # `> src/buildtools/DEPS`, then a tool told `'deps_file':'DEPS'`
    tail = rest[rest.find(saved) + len(saved) :]
    return any(name in after or name in later or name in tail for name in named)


def _proxy_check(said: Sequence[str]) -> bool:
    """curl through a proxy to an https URL checks the proxy: a proxy that refuses or fails
    answers the CONNECT with an error, which curl reports with a non-zero exit (curl's
    manual, --proxy; exit 56). The far site's status says nothing about the proxy."""
    proxied = any(w in ("-x", "--proxy") or w.startswith("--proxy=") for w in said)
    return proxied and any(w.startswith("https://") for w in said)


def _saved_as(said: Sequence[str], text: str) -> str | None:
    """The file curl writes, by ``-o``/``--output`` or, with ``-O``, by the URL's last part
    (the last word with a scheme: kind's `…/release/$(curl …)/bin/linux/amd64/kubectl`; or,
    when an expression hides the scheme, what follows the command's last slash)."""
    urls = [w for w in said[1:] if "://" in w]
    url = urls[-1] if urls else (text.rstrip().rsplit("/", 1)[-1] if "/" in text else "")
    for index, word in enumerate(said[1:], start=1):
        following = said[index + 1] if index + 1 < len(said) else ""
        if word in ("-o", "--output"):
            return following or None
        if word.startswith("--output="):
            return word.partition("=")[2] or None
        if word in ("-O", "--remote-name") or (
            word.startswith("-") and not word.startswith("--") and "O" in word
        ):
            return url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or None
        if word.startswith("-") and not word.startswith("--") and word.endswith("o"):
            return following or None
    return None


def check(repo: Repo, out: Check) -> None:
    for place in repo.steps():
        if place.job is not None and never_runs(place.job):
            continue  # a job switched off with `if: false`
        for command, where in located_commands(place):
            said = words(command.text)
            if not said or said[0] != "curl" or set(said[1:]) & NO_REQUEST:
                continue
            out.checked += 1
            if fails_on_error(said) or _consumed(place, command, said) or _proxy_check(said):
                continue
            if str(place.step.continue_on_error).lower() == "true":
                continue  # a best-effort call (a Slack message): the step cannot fail anyway
            out.flag(
                where,
                "curl exits 0 on an HTTP error status: add --fail (or -f) so a 500 fails the step",
                fix=Fix(
                    "added --fail to curl",
                    "unsafe",  # the check it makes now fails when the service errs
                    partial(_add_fail, place, where.start),
                ),
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} curl calls fail on HTTP errors"


def _add_fail(place: StepPlace, start: int, context: FixContext) -> None:
    node = place.step.node.get("run")
    if node is None or place.doc.text[start : start + 5] not in ("curl ", "curl\t"):
        raise CannotFix("the curl command is not written where it was found")
    context.patch(place.doc).replace_fragment(node, start, start + 4, "curl --fail")


RULE = Rule(
    id="unchecked-curl",
    category="reliability",
    severity="medium",
    summary="curl without --fail: an HTTP error passes.",
    docs=Docs(
        what="Flags `curl` commands in `run:` scripts that neither pass `--fail`/`-f` "
        "(`--fail-with-body`) nor check the status themselves with `-w`/`--write-out`. A curl "
        "whose output another command reads (piped to `tar`/`sh`, or saved with `-o`/`-O` to a "
        "file the job uses next) fails there on an error page, and a step with "
        "continue-on-error cannot fail: both are left alone.",
        why="curl exits 0 whenever it gets any HTTP answer. A health check or smoke test that "
        "gets a 500 or a 404 passes, and the deploy is declared healthy.",
        example="- run: curl -s http://127.0.0.1:8080/healthz",
        instead="- run: curl -fsS http://127.0.0.1:8080/healthz",
    ),
    check=check,
    fixable="unsafe",
)
