"""Checks a workflow or action file as GitHub would, reporting every error with its place.

Messages follow GitHub's where GitHub has one ("Unexpected value 'x'", "Required property is
missing: runs-on", "Job 'a' depends on unknown job 'b'."), otherwise they say plainly what is wrong.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

from pitstop.errors import PitstopError, Span
from pitstop.expr import ExpressionError, arities, default_functions, parse
from pitstop.expr.functions import BUILTINS
from pitstop.expr.template import Embedded, find_expressions, is_whole_expression
from pitstop.workflow import schema
from pitstop.workflow.cron import cron_error
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, YamlDocument

_ALL_FUNCTIONS = arities(default_functions())
_BUILTIN_ARITIES = arities(BUILTINS)
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_SHELLS = frozenset({"bash", "sh", "pwsh", "powershell", "python", "cmd"})
_USES_REMOTE = re.compile(r"[^/@\s]+/[^/@\s]+(?:/[^@\s]*)?@[^@\s]+\Z")
_WORKFLOW_REF = re.compile(r"[^/@\s]+/[^/@\s]+/\.github/workflows/[^@\s]+\.ya?ml@[^@\s]+\Z")
_NODE_RUNTIMES = ("node12", "node16", "node20", "node24")


class Checker:
    """Collects the problems of one document."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[PitstopError] = []
        self._line_starts: list[int] | None = None

    # -- reporting ----------------------------------------------------------------------------
    def report(self, node: Node, message: str) -> None:
        self.problems.append(PitstopError(message, self.doc.span(node)))

    def report_at(self, offset: int, message: str) -> None:
        if self._line_starts is None:
            text = self.doc.text
            self._line_starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
        line = bisect.bisect_right(self._line_starts, offset)
        column = offset - self._line_starts[line - 1] + 1
        span = Span(self.doc.path, line, column, line, column, offset, offset)
        self.problems.append(PitstopError(message, span))

    # -- the schema walk ----------------------------------------------------------------------
    def check(self, node: Node, spec: schema.Spec) -> None:
        if spec.free:
            return
        if isinstance(node, MappingNode):
            if spec.mapping is None:
                self.report(node, "A mapping was not expected")
            else:
                self.check_mapping(node, spec.mapping)
        elif isinstance(node, SequenceNode):
            if spec.sequence is None:
                self.report(node, "A sequence was not expected")
            else:
                for item in node.items:
                    self.check(item, spec.sequence)
        elif isinstance(node, ScalarNode):
            if spec.scalar is not None:
                self.check_scalar(node, spec.scalar)
            elif node.value is not None:
                wanted = "a mapping" if spec.mapping is not None else "a sequence"
                self.report(node, f"Unexpected value '{node.raw}' (expected {wanted})")

    def check_mapping(self, node: MappingNode, spec: schema.Mapping) -> None:
        for key, value in node.items():
            field = spec.fields.get(key.raw)
            if field is None:
                field = spec.other
            if field is None:
                self.report(key, f"Unexpected value '{key.raw}'")
            else:
                self.check(value, field)
        for name in spec.required:
            if name not in node:
                self.report(node, spec.missing.get(name, f"Required property is missing: {name}"))
        for first, second in spec.exclusive:
            if first in node and second in node:
                self.report(node.keys[second], f"'{first}' and '{second}' cannot be used together")

    def check_scalar(self, node: ScalarNode, spec: schema.Scalar) -> None:
        value = node.value
        if value is None:
            return
        is_text = isinstance(value, str)
        embedded = isinstance(value, str) and "${{" in value
        if embedded:
            if spec.contexts is None:
                self.report(node, "A template expression is not allowed in this context")
                return
            self.check_template(node, spec)
            if spec.bare or spec.kind in ("string", "any"):
                return
            if not is_whole_expression(str(value)):
                self.report(node, f"Unexpected value '{value}' (expected a {spec.kind})")
            return
        if spec.bare and is_text:
            self.check_expression(node, str(value), node.start.offset, spec)
            return
        if spec.kind == "boolean" and not isinstance(value, bool):
            self.report(node, f"Unexpected value '{node.raw}' (expected true or false)")
        elif spec.kind == "number" and (
            isinstance(value, bool) or not isinstance(value, (int, float))
        ):
            self.report(node, f"Unexpected value '{node.raw}' (expected a number)")
        elif spec.allowed and node.raw not in spec.allowed:
            choices = ", ".join(spec.allowed)
            self.report(node, f"Unexpected value '{node.raw}' (expected one of: {choices})")

    def check_template(self, node: ScalarNode, spec: schema.Scalar) -> None:
        text = str(node.value)
        try:
            parts = list(find_expressions(text))
        except ExpressionError as error:
            self.report(node, error.message)
            return
        if _converted_length(text, parts) > MAX_EXPRESSION_LENGTH:
            self.report(node, f"Exceeded max expression length {MAX_EXPRESSION_LENGTH}")
            return
        for part in parts:
            if part.text.strip() == "insert":  # GitHub's case errors-insert
                self.report(
                    node,
                    "The directive 'insert' is not allowed in this context. Directives are not "
                    "supported for expressions that are embedded within a string. Directives "
                    "are only supported when the entire value is an expression.",
                )
                continue
            self.check_expression(node, part.text, self.locate(node, part.text), spec)

    def check_expression(
        self, node: ScalarNode, text: str, offset: int, spec: schema.Scalar
    ) -> None:
        problem = expression_problem(text, spec.contexts or (), spec.functions)
        if problem is not None:
            message, at = problem
            if message.startswith("Unexpected end of expression"):
                # an expression left open: at its `${{`, where GitHub puts it (reader case
                # errors-unclosed-tokens)
                opened = self.doc.text.rfind("${{", node.start.offset, offset + 1)
                self.report_at(opened if opened >= 0 else offset, message)
                return
            self.report_at(offset + at, message)

    def locate(self, node: ScalarNode, expression: str) -> int:
        """Where ``expression`` stands in the file, or the scalar's start if it cannot be found."""
        found = self.doc.text.find(expression, node.start.offset, node.end.offset)
        return found if found >= 0 else node.start.offset


# The longest expression GitHub evaluates (its expression parser's MaxLength; reader case
# errors-step-run-exceeds-length): a string with `${{ }}` in it is one expression,
# `format('text {0} more', expr)`, and counts whole.
MAX_EXPRESSION_LENGTH = 21000


def _converted_length(text: str, parts: list[Embedded], measured: bool = False) -> int:
    """The length of the expression GitHub makes of ``text``: the expression alone when it is
    the whole value, else ``format('…', …)`` with the text's quotes and braces doubled. Unless
    ``measured``, 0 for a text too short to reach the expression limit."""
    if not measured and 2 * len(text) + 16 <= MAX_EXPRESSION_LENGTH:
        return 0  # doubling every character would not reach the limit: not measured
    if len(parts) == 1 and text.strip() == text[parts[0].start : parts[0].end]:
        return len(parts[0].text)
    literal = 0
    last = 0
    for number, part in enumerate(parts):
        piece = text[last : part.start]
        literal += len(piece) + sum(piece.count(c) for c in "'{}") + len(f"{{{number}}}")
        last = part.end
    piece = text[last:]
    literal += len(piece) + sum(piece.count(c) for c in "'{}")
    return len("format('')") + literal + sum(len(", ") + len(p.text) for p in parts)


# The most memory GitHub's parser gives one workflow's parsed form (actions/runner,
# ParseOptions.MaxResultSize, 10 MB), counted as its TemplateMemory counts: 24 bytes for a
# mapping, sequence, null, boolean or number; a string 24 + 26 + 2 per character; a value
# with `${{ }}` the same for the expression GitHub makes of it; and the file's path as one more
# string, 26 + 2 per character. The reader cases max-result-size (accepted at 1,128) and
# errors-max-result-size (refused at 1,141) hold this to the byte: the same workflow, whose
# paths differ by 7 characters.
MAX_RESULT_SIZE = 10 * 1024 * 1024


def result_size(doc: YamlDocument) -> int:
    """The bytes GitHub's parser counts for ``doc`` (aliases counted at every use)."""
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, ScalarNode):
            found = _scalar_size(node.value)
        elif isinstance(node, MappingNode):
            found = 24 + sum(_scalar_size(k.value) + size(v) for k, v in node.items())
        elif isinstance(node, SequenceNode):
            found = 24 + sum(size(item) for item in node.items)
        else:
            found = 24
        sizes[id(node)] = found
        return found

    return (size(doc.root) if doc.root is not None else 0) + 26 + 2 * len(github_name(doc.path))


def github_name(path: str) -> str:
    """A file as GitHub names it in its messages: from `.github/` on
    (`.github/workflows/ci.yml`), else its base name."""
    path = path.replace("\\", "/")
    return path[path.index(".github/") :] if ".github/" in path else path.rsplit("/", 1)[-1]


# An alias (`*name` where a node starts): the one way a file's parsed form outgrows its text.
_ALIAS = re.compile(r"(?:^|[\s\[{,])\*[\w-]", re.MULTILINE)


def _may_exceed(doc: YamlDocument, limit: int) -> bool:
    """Without aliases every character of the file is counted at most 32 bytes (a one-letter
    scalar and its separator: 50 + 2 bytes for 2 characters; a value's quotes doubled in the
    expression made of it), so only a long file or one with aliases is measured."""
    named = github_name(doc.path)
    return 32 * len(doc.text) + 26 + 2 * len(named) > limit or bool(_ALIAS.search(doc.text))


def _scalar_size(value: object) -> int:
    if not isinstance(value, str):
        return 24
    if "${{" in value:
        try:
            parts = list(find_expressions(value))
        except ExpressionError:
            parts = []
        if parts:
            return 50 + 2 * _converted_length(value, parts, measured=True)
    return 50 + 2 * len(value)


@functools.lru_cache(maxsize=8192)
def expression_problem(
    text: str, contexts: tuple[str, ...], functions: tuple[str, ...]
) -> tuple[str, int] | None:
    """Why ``text`` is not a valid expression where ``contexts`` and the built-ins plus
    ``functions`` are allowed: (message, offset in ``text``), or ``None`` when it is valid.
    Workflows repeat the same expressions, so the answer is cached."""
    allowed = dict(_BUILTIN_ARITIES)
    for name in functions:
        allowed[name] = _ALL_FUNCTIONS[name]
    try:
        parse(text, contexts, allowed)
    except ExpressionError as error:
        message = error.message
        if message.startswith("Unrecognized function") and _is_known(message):
            message = message.split(". Located")[0] + " (not available in this context)"
        return message, error.offset or 0
    return None


def _is_known(message: str) -> bool:
    name = message.split("'")[1].lower() if "'" in message else ""
    return name in _ALL_FUNCTIONS


# ------------------------------------------------------------------------------------------------
# Workflows.


def validate_workflow(
    doc: YamlDocument, max_result_size: int = MAX_RESULT_SIZE
) -> list[PitstopError]:
    """Every problem GitHub would report for this workflow file, in file order."""
    checker = Checker(doc)
    root = doc.root
    if root is None:
        return [PitstopError("the workflow is empty", Span.file_start(doc.path))]
    if _may_exceed(doc, max_result_size) and result_size(doc) > max_result_size:
        return [PitstopError("Maximum object size exceeded", Span.file_start(doc.path))]
    if not isinstance(root, MappingNode):
        checker.report(root, "a workflow must be a mapping of keys such as 'on' and 'jobs'")
        return checker.problems
    checker.check(root, schema.WORKFLOW_SPEC)
    on = root.get("on")
    if on is not None:
        _check_triggers(checker, on)
    jobs = root.get("jobs")
    if isinstance(jobs, MappingNode):
        _check_jobs(checker, jobs)
    return in_file_order(checker.problems)


def in_file_order(problems: list[PitstopError]) -> list[PitstopError]:
    def key(p: PitstopError) -> tuple[int, int]:
        return (p.span.line, p.span.column) if p.span else (0, 0)

    unique: dict[tuple[str, tuple[int, int]], PitstopError] = {}
    for problem in problems:
        unique.setdefault((problem.message, key(problem)), problem)
    return sorted(unique.values(), key=key)


def _check_triggers(checker: Checker, on: Node) -> None:
    if isinstance(on, ScalarNode):
        _check_event_name(checker, on)
    elif isinstance(on, SequenceNode):
        if not on.items:
            checker.report(on, "No event triggers defined in `on`")
        for item in on.items:
            if isinstance(item, ScalarNode):
                _check_event_name(checker, item)
            else:
                checker.report(item, "An event name was expected")
    elif isinstance(on, MappingNode):
        if not len(on):
            checker.report(on, "No event triggers defined in `on`")
        for key, value in on.items():
            if _check_event_name(checker, key):
                checker.check(value, schema.event_spec(key.raw))
                _check_event_details(checker, key.raw, value)


def _check_event_name(checker: Checker, node: ScalarNode) -> bool:
    if node.raw not in schema.ACTIVITY_TYPES:
        checker.report(node, f"Unexpected value '{node.raw}' (not an event GitHub knows)")
        return False
    return True


def _check_event_details(checker: Checker, event: str, value: Node) -> None:
    if isinstance(value, MappingNode):
        types = value.get("types")
        known = schema.ACTIVITY_TYPES[event]
        if types is not None and known and event != "repository_dispatch":
            for item in _scalars(types):
                if item.raw not in known:
                    checker.report(
                        item,
                        f"Unexpected value '{item.raw}' "
                        f"(activity types of '{event}': {', '.join(known)})",
                    )
        if event == "workflow_dispatch":
            _check_dispatch_inputs(checker, value.get("inputs"))
    if event == "schedule" and isinstance(value, SequenceNode):
        for entry in value.items:
            cron = entry.get("cron") if isinstance(entry, MappingNode) else None
            if isinstance(cron, ScalarNode) and isinstance(cron.value, str):
                problem = cron_error(cron.value)
                if problem:
                    checker.report(cron, f"Invalid cron expression '{cron.value}': {problem}")


def _check_dispatch_inputs(checker: Checker, inputs: Node | None) -> None:
    if not isinstance(inputs, MappingNode):
        return
    for key, spec in inputs.items():
        if not isinstance(spec, MappingNode):
            continue
        kind = spec.get("type")
        options = spec.get("options")
        has_options = isinstance(options, SequenceNode) and options.items
        if isinstance(kind, ScalarNode) and kind.value == "choice" and not has_options:
            checker.report(kind, f"Input '{key.raw}' of type choice needs 'options'")


def _scalars(node: Node) -> Iterable[ScalarNode]:
    if isinstance(node, ScalarNode):
        if node.value is not None:
            yield node
    elif isinstance(node, SequenceNode):
        for item in node.items:
            if isinstance(item, ScalarNode):
                yield item


def _check_id(checker: Checker, key: ScalarNode, what: str) -> None:
    if key.raw.startswith("__") and _ID.match(key.raw):
        # GitHub's reader cases errors-job-id-leading-underscores and errors-step-id
        checker.report(
            key, f"The identifier '{key.raw}' is invalid. IDs starting with '__' are reserved."
        )
        return
    if key.raw == "" and what == "job id":
        checker.report(key, "Unexpected value ''")  # GitHub's case errors-job-id-empty
        return
    if not _ID.match(key.raw) or len(key.raw) >= 100:
        checker.report(  # GitHub's words, "and and" as it prints them (case errors-step-id)
            key,
            f"The identifier '{key.raw}' is invalid. IDs may only contain alphanumeric "
            "characters, '_', and '-'. IDs must start with a letter or '_' and and must be less "
            f"than 100 characters. ({what})",
        )


def _check_jobs(checker: Checker, jobs: MappingNode) -> None:
    if not len(jobs):
        checker.report(jobs, "The workflow must contain at least one job with no dependencies.")
        return
    needs_of: dict[str, list[ScalarNode]] = {}
    for key, job in jobs.items():
        _check_id(checker, key, "job id")
        if not isinstance(job, MappingNode):
            continue
        _check_job_kind(checker, key, job)
        needs = job.get("needs")
        needs_of[key.raw] = list(_scalars(needs)) if needs is not None else []
        steps = job.get("steps")
        if isinstance(steps, SequenceNode):
            _check_steps(checker, steps, composite=False)
        strategy = job.get("strategy")
        if isinstance(strategy, MappingNode):
            _check_matrix(checker, strategy.get("matrix"))
    _check_needs(checker, needs_of)


def _check_runs_on_group(checker: Checker, runs_on: Node | None) -> None:
    """A runner group is a name, or `organization/name` or `enterprise/name` (`org/`, `ent/`)
    to target one group (GitHub's workflow parser, convertRunsOn; case
    errors-job-runs-on-group-invalid-prefix)."""
    group = runs_on.get("group") if isinstance(runs_on, MappingNode) else None
    if not isinstance(group, ScalarNode) or not isinstance(group.value, str):
        return
    name = group.value
    if "${{" in name or "/" not in name:
        return
    prefix, _, rest = name.partition("/")
    if "/" in rest or prefix not in ("org", "organization", "ent", "enterprise"):
        checker.report(
            group,
            f"Invalid runs-on group name '{name}'. Please use 'organization/' or 'enterprise/' "
            "prefix to target a single runner group.",
        )
    elif not rest:
        checker.report(group, f"Invalid runs-on group name '{name}'.")


def _check_job_kind(checker: Checker, key: ScalarNode, job: MappingNode) -> None:
    uses = job.get("uses")
    if uses is None:
        if "runs-on" not in job:
            checker.report(key, "Required property is missing: runs-on")
        _check_runs_on_group(checker, job.get("runs-on"))
        for name in schema.CALLER_JOB_KEYS:
            if name in job:
                checker.report(
                    job.keys[name],
                    f"Unexpected value '{name}' "
                    "(only for a job that calls a reusable workflow with 'uses')",
                )
        return
    for name in schema.NORMAL_JOB_KEYS:
        if name in job:
            checker.report(
                job.keys[name],
                f"Unexpected value '{name}' (a job that calls a reusable workflow cannot set it)",
            )
    if isinstance(uses, ScalarNode) and isinstance(uses.value, str):
        ref = uses.value
        # "$/": the workflow's own repository at the running commit (GitHub's changelog,
        # 2026-07-30, "Reference same-repository actions with self-repository syntax")
        local = ref.startswith(("./", "$/"))
        if "${{" in ref:
            return
        if local and not re.search(r"\.ya?ml\Z", ref):
            checker.report(
                uses,
                f"Invalid workflow reference '{ref}': a local workflow is a .yml or .yaml file",
            )
        elif not local and not _WORKFLOW_REF.match(ref):
            checker.report(
                uses,
                f"Invalid workflow reference '{ref}': references to workflows must be of the "
                "form 'owner/repository/.github/workflows/file.yml@ref' or './' for local "
                "workflows",  # GitHub's own words, which predate the $/ form
            )


def _check_needs(checker: Checker, needs_of: dict[str, list[ScalarNode]]) -> None:
    for job, needs in needs_of.items():
        for need in needs:
            if need.raw not in needs_of:
                checker.report(need, f"Job '{job}' depends on unknown job '{need.raw}'.")

    # Cycles: every edge that lies on one, as GitHub's parser reports them (reader case
    # errors-job-needs-cycle: both 'two' -> 'three' and 'three' -> 'two'): an edge is on a cycle
    # when its target needs, directly or not, the job that needs it.
    def reachable(start: str) -> set[str]:
        found: set[str] = set()
        todo = [start]
        while todo:
            for need in needs_of.get(todo.pop(), []):
                if need.raw in needs_of and need.raw not in found:
                    found.add(need.raw)
                    todo.append(need.raw)
        return found

    for job, needs in needs_of.items():
        for need in needs:
            if need.raw in needs_of and job in reachable(need.raw) | {need.raw}:
                checker.report(
                    need,
                    f"Job '{job}' depends on job '{need.raw}' which creates a cycle in the "
                    "dependency graph.",
                )


def _missing_kind(step: MappingNode, composite: bool) -> str:
    """GitHub's words for a step with neither `uses` nor `run` (workflow-parser reader cases
    errors-step-uses-missing and error): a key that belongs to one kind asks for that kind's
    key; otherwise the keys that would tell the kinds apart."""
    if "with" in step:
        return "Required property is missing: uses"
    if "shell" in step or "working-directory" in step:
        return "Required property is missing: run"
    keys = "run, shell, uses, with, working-directory"
    return "There's not enough info to determine what you meant. Add one of these properties: " + (
        keys if composite else f"parallel, {keys}"
    )


def _check_steps(checker: Checker, steps: SequenceNode, composite: bool) -> None:
    seen: dict[str, ScalarNode] = {}
    if not steps.items and not composite:
        checker.report(steps, "A job must have at least one step")
    for step in steps.items:
        if not isinstance(step, MappingNode):
            checker.report(step, "A step must be a mapping")
            continue
        uses, run = step.get("uses"), step.get("run")
        group = step.get("parallel")
        if isinstance(group, SequenceNode):
            _check_steps(checker, group, composite)
        if uses is None and run is None:
            if not any(k in step for k in schema.CONTROL_STEP_KEYS):
                checker.report(step, _missing_kind(step, composite))
        elif uses is not None and run is not None:
            checker.report(step.keys["run"], "A step cannot have both `uses` and `run`")
        elif uses is not None:
            for name in schema.RUN_STEP_KEYS:
                if name in step:
                    checker.report(
                        step.keys[name], f"Unexpected value '{name}' (a `uses` step cannot set it)"
                    )
            _check_uses(checker, uses)
        else:
            if "with" in step:
                checker.report(
                    step.keys["with"], "Unexpected value 'with' (a `run` step takes no inputs)"
                )
            if composite and "shell" not in step:
                checker.report(step, "Required property is missing: shell")
        shell = step.get("shell")
        if (
            isinstance(shell, ScalarNode)
            and isinstance(shell.value, str)
            and "${{" not in shell.raw
        ):
            name = shell.value.split()[0] if shell.value.split() else ""
            if name not in _SHELLS and "{0}" not in shell.value:
                checker.report(
                    shell,
                    f"Invalid shell option '{shell.value}'. Shell must be a valid built-in "
                    "(bash, sh, cmd, powershell, pwsh, python) or a format string containing "
                    "'{0}'",
                )
        step_id = step.get("id")
        if isinstance(step_id, ScalarNode) and step_id.value is not None:
            if "${{" in step_id.raw:
                continue  # already reported: ids take no expressions
            _check_id(checker, step_id, "step id")
            if step_id.raw.lower() in seen:  # ids compare without case (errors-step-id)
                checker.report(
                    step_id,
                    f"The identifier '{step_id.raw}' may not be used more than once within "
                    "the same scope.",
                )
            seen[step_id.raw.lower()] = step_id


def _check_uses(checker: Checker, uses: Node) -> None:
    if not isinstance(uses, ScalarNode) or not isinstance(uses.value, str):
        return
    ref = uses.value
    if ref.startswith(("./", "$/", "docker://")) or "${{" in ref:
        return  # $/: the self-repository syntax, as for jobs
    if not _USES_REMOTE.match(ref):
        checker.report(uses, f"Expected format {{org}}/{{repo}}[/path]@ref. Actual '{ref}'")


def _check_matrix(checker: Checker, matrix: Node | None) -> None:
    if not isinstance(matrix, MappingNode):
        return
    vectors = [(k, v) for k, v in matrix.items() if k.raw not in ("include", "exclude")]
    if not vectors and "include" not in matrix:
        checker.report(matrix, "Matrix must define at least one vector")
    for key, value in vectors:
        if isinstance(value, SequenceNode) and not value.items:
            checker.report(key, f"Matrix vector '{key.raw}' does not contain any values")
    keys = {k.raw.lower() for k, _ in vectors}  # case ignored, as GitHub does (withastro/astro)
    exclude = matrix.get("exclude")
    if isinstance(exclude, SequenceNode) and keys:
        for entry in exclude.items:
            if isinstance(entry, MappingNode):
                for name, _ in entry.items():
                    if name.raw.lower() not in keys:
                        checker.report(
                            name,
                            f"Matrix exclude key '{name.raw}' does not match any key "
                            "within the matrix",
                        )


# ------------------------------------------------------------------------------------------------
# Actions (action.yml).


def validate_action(doc: YamlDocument) -> list[PitstopError]:
    checker = Checker(doc)
    root = doc.root
    if root is None:
        return [PitstopError("the action file is empty", Span.file_start(doc.path))]
    if not isinstance(root, MappingNode):
        checker.report(root, "an action file must be a mapping")
        return checker.problems
    checker.check(root, schema.ACTION_SPEC)
    runs = root.get("runs")
    if isinstance(runs, MappingNode):
        using = runs.get("using")
        kind = using.value if isinstance(using, ScalarNode) else None
        if kind == "composite":
            steps = runs.get("steps")
            if steps is None:
                checker.report(runs, "Required property is missing: steps")
            elif isinstance(steps, SequenceNode):
                _check_steps(checker, steps, composite=True)
        elif kind in _NODE_RUNTIMES:
            if "main" not in runs:
                checker.report(runs, "Required property is missing: main")
        elif kind == "docker":
            if "image" not in runs:
                checker.report(runs, "Required property is missing: image")
        elif using is not None:
            checker.report(
                using,
                f"Unexpected value '{kind}' (runs.using must be composite, docker or one of "
                f"{', '.join(_NODE_RUNTIMES)})",
            )
    return in_file_order(checker.problems)
