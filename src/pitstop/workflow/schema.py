"""What GitHub accepts where: the workflow and action syntax as data.

Each place in a workflow has a spec: the kinds of node it takes, the keys a mapping may hold, and
for text that may hold ``${{ }}``, the contexts and functions an expression there may use (GitHub's
"Context availability" table, docs.github.com/en/actions/reference/workflows-and-actions/contexts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Contexts by place, from the context availability table.
G, NEEDS, STRATEGY, MATRIX, JOB, RUNNER, ENV, VARS, SECRETS, STEPS, INPUTS, JOBS = (
    "github",
    "needs",
    "strategy",
    "matrix",
    "job",
    "runner",
    "env",
    "vars",
    "secrets",
    "steps",
    "inputs",
    "jobs",
)
STATUS = ("always", "cancelled", "success", "failure")
HASH = ("hashfiles",)

WORKFLOW_LEVEL = (G, INPUTS, VARS)
WORKFLOW_ENV = (G, SECRETS, INPUTS, VARS)
JOB_LEVEL = (G, NEEDS, STRATEGY, MATRIX, VARS, INPUTS)
JOB_IF = (G, NEEDS, VARS, INPUTS)
JOB_ENV = (G, NEEDS, STRATEGY, MATRIX, VARS, SECRETS, INPUTS)
JOB_SECRETS = (G, NEEDS, STRATEGY, MATRIX, SECRETS, INPUTS, VARS)
# workflow-v1.0.json: the container's context and container-registry-credentials' own
CREDENTIALS = (G, NEEDS, STRATEGY, MATRIX, ENV, VARS, SECRETS, INPUTS)
# workflow-v1.0.json: the container's context and string-runner-context's (the docs' table
# leaves out steps; the schema the parser reads has it)
CONTAINER_ENV = (G, NEEDS, STRATEGY, MATRIX, JOB, RUNNER, ENV, VARS, SECRETS, STEPS, INPUTS)
DEFAULTS_RUN = (G, NEEDS, STRATEGY, MATRIX, ENV, VARS, INPUTS)
ENVIRONMENT_URL = (G, NEEDS, STRATEGY, MATRIX, JOB, RUNNER, ENV, VARS, STEPS, INPUTS)
JOB_OUTPUTS = (G, NEEDS, STRATEGY, MATRIX, JOB, RUNNER, ENV, VARS, SECRETS, STEPS, INPUTS)
STEP = (G, NEEDS, STRATEGY, MATRIX, JOB, RUNNER, ENV, VARS, SECRETS, STEPS, INPUTS)
STEP_IF = (G, NEEDS, STRATEGY, MATRIX, JOB, RUNNER, ENV, VARS, STEPS, INPUTS)
CALL_OUTPUT = (G, JOBS, VARS, INPUTS)
# Composite action steps see the action's inputs and the job's contexts, not secrets.
ACTION_STEP = (G, NEEDS, STRATEGY, MATRIX, JOB, RUNNER, ENV, VARS, STEPS, INPUTS)


@dataclass(frozen=True)
class Spec:
    """What one place accepts. Exactly one of the shapes may be left ``None`` to refuse it."""

    scalar: Scalar | None = None
    sequence: Spec | None = None  # the spec of each item
    mapping: Mapping | None = None
    free: bool = False  # anything at all, to any depth


@dataclass(frozen=True)
class Scalar:
    """A scalar: ``kind`` is 'string', 'boolean', 'number' or 'any'; expressions per ``contexts``.

    ``contexts`` ``None`` means no ``${{ }}`` may stand here; ``bare`` marks ``if:``, which is an
    expression even without ``${{ }}``. ``check`` adds a rule of its own (returns a message).
    """

    kind: str = "string"
    contexts: tuple[str, ...] | None = None
    functions: tuple[str, ...] = ()
    bare: bool = False
    allowed: tuple[str, ...] = ()
    check: Callable[[object], str | None] | None = None


@dataclass(frozen=True)
class Mapping:
    """A mapping: known ``fields``, ``required`` keys, and ``other`` for free-form keys."""

    fields: dict[str, Spec] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    other: Spec | None = None
    exclusive: tuple[tuple[str, str], ...] = ()  # pairs that may not stand together
    missing: dict[str, str] = field(default_factory=dict)  # GitHub's words for a missing key


def text(contexts: tuple[str, ...] | None = None, functions: tuple[str, ...] = ()) -> Spec:
    return Spec(scalar=Scalar("string", contexts, functions))


def boolean(contexts: tuple[str, ...] | None = None, functions: tuple[str, ...] = ()) -> Spec:
    return Spec(scalar=Scalar("boolean", contexts, functions))


def number(contexts: tuple[str, ...] | None = None, functions: tuple[str, ...] = ()) -> Spec:
    return Spec(scalar=Scalar("number", contexts, functions))


def condition(contexts: tuple[str, ...], functions: tuple[str, ...]) -> Spec:
    return Spec(scalar=Scalar("any", contexts, functions, bare=True))


def choice(*values: str) -> Spec:
    return Spec(scalar=Scalar("string", allowed=values))


def strings(contexts: tuple[str, ...] | None = None) -> Spec:
    """One string or a list of them (``branches: main`` or ``branches: [main]``)."""
    return Spec(scalar=Scalar("string", contexts), sequence=text(contexts))


def mapping(
    fields: dict[str, Spec] | None = None,
    required: tuple[str, ...] = (),
    other: Spec | None = None,
    exclusive: tuple[tuple[str, str], ...] = (),
) -> Spec:
    return Spec(mapping=Mapping(fields or {}, required, other, exclusive))


def env_map(contexts: tuple[str, ...], functions: tuple[str, ...] = ()) -> Spec:
    item = Spec(scalar=Scalar("any", contexts, functions))
    return Spec(mapping=Mapping(other=item), scalar=Scalar("string", contexts, functions))


# ----------------------------------------------------------------------------------------------
# Events and their activity types (docs: "Events that trigger workflows").

_PR_TYPES = (
    "assigned unassigned labeled unlabeled opened edited closed reopened synchronize "
    "converted_to_draft ready_for_review locked unlocked review_requested review_request_removed "
    "auto_merge_enabled auto_merge_disabled milestoned demilestoned enqueued dequeued "
    "stacked"  # workflow-v1.0.json pull-request-activity (stacked pull requests)
).split()

ACTIVITY_TYPES: dict[str, tuple[str, ...]] = {
    "branch_protection_rule": ("created", "edited", "deleted"),
    "check_run": ("created", "rerequested", "completed", "requested_action"),
    "check_suite": ("completed",),
    "create": (),
    "delete": (),
    "deployment": (),
    "deployment_status": (),
    "discussion": tuple(
        "created edited deleted transferred pinned unpinned labeled unlabeled locked unlocked "
        "category_changed answered unanswered".split()
    ),
    "discussion_comment": ("created", "edited", "deleted"),
    "fork": (),
    "gollum": (),
    "issue_comment": ("created", "edited", "deleted"),
    # workflow-v1.0.json "image-version": a container image version created or changing state
    "image_version": ("created", "ready", "deleted"),
    "issues": tuple(
        "opened edited deleted transferred pinned unpinned closed reopened assigned unassigned "
        "labeled unlabeled locked unlocked milestoned demilestoned typed untyped "
        "field_added field_removed".split()  # issue fields (workflow-v1.0.json issues-activity)
    ),
    "label": ("created", "edited", "deleted"),
    "merge_group": ("checks_requested",),
    "milestone": ("created", "closed", "opened", "edited", "deleted"),
    "page_build": (),
    "project": ("created", "closed", "reopened", "edited", "deleted"),
    "project_card": ("created", "moved", "converted", "edited", "deleted"),
    "project_column": ("created", "updated", "moved", "deleted"),
    "public": (),
    "pull_request": tuple(_PR_TYPES),
    "pull_request_review": ("submitted", "edited", "dismissed"),
    "pull_request_review_comment": ("created", "edited", "deleted"),
    "pull_request_target": tuple(_PR_TYPES),
    "push": (),
    "registry_package": ("published", "updated"),
    # workflow-v1.0.json "pull-request-comment": accepted, "Please use the `issue_comment`
    # event instead", with issue_comment's types
    "pull_request_comment": ("created", "edited", "deleted"),
    "release": (
        "published",
        "unpublished",
        "created",
        "edited",
        "deleted",
        "prereleased",
        "released",
    ),
    "repository_dispatch": (),  # any custom type
    "schedule": (),
    "status": (),
    "watch": ("started",),
    "workflow_call": (),
    "workflow_dispatch": (),
    "workflow_run": ("completed", "requested", "in_progress"),
}

# When ``types`` is not given: pull requests run for these; every other event for all its types.
DEFAULT_TYPES: dict[str, tuple[str, ...]] = {
    "pull_request": ("opened", "synchronize", "reopened"),
    "pull_request_target": ("opened", "synchronize", "reopened"),
}

_TYPES_SPEC = strings()
_BRANCH_FILTERS = {
    "branches": strings(),
    "branches-ignore": strings(),
}
_PATH_FILTERS = {"paths": strings(), "paths-ignore": strings()}
_NOT_BOTH = (("branches", "branches-ignore"), ("tags", "tags-ignore"), ("paths", "paths-ignore"))

_DISPATCH_INPUT = mapping(
    {
        "description": text(),
        "required": boolean(),
        "default": Spec(scalar=Scalar("any")),
        "type": choice("string", "boolean", "choice", "number", "environment"),
        # each option a string; GitHub also takes a list as an option (novu's rollback.yml has
        # offered `- [EU,US]` since its PR #5460 of May 2024, read back with fromJSON), though
        # its published schema and actionlint do not: the workflow runs, so it is valid here
        "options": Spec(sequence=Spec(scalar=Scalar("string"), sequence=text())),
    }
)
_CALL_INPUT = mapping(
    {
        "description": text(),
        "required": boolean(),
        "default": Spec(scalar=Scalar("any", WORKFLOW_LEVEL)),
        "type": choice("string", "boolean", "number"),
    },
    required=("type",),
)
_CALL_OUTPUT = mapping({"description": text(), "value": text(CALL_OUTPUT)}, required=("value",))
_CALL_SECRET = Spec(
    mapping=Mapping({"description": text(), "required": boolean()}), scalar=Scalar()
)

EVENT_SPECS: dict[str, Spec] = {
    "push": mapping(
        {**_BRANCH_FILTERS, "tags": strings(), "tags-ignore": strings(), **_PATH_FILTERS},
        exclusive=_NOT_BOTH,
    ),
    "pull_request": mapping(
        {**_BRANCH_FILTERS, **_PATH_FILTERS, "types": _TYPES_SPEC}, exclusive=_NOT_BOTH
    ),
    "pull_request_target": mapping(
        {**_BRANCH_FILTERS, **_PATH_FILTERS, "types": _TYPES_SPEC}, exclusive=_NOT_BOTH
    ),
    "workflow_run": mapping(
        {**_BRANCH_FILTERS, "workflows": strings(), "types": _TYPES_SPEC}, exclusive=_NOT_BOTH
    ),
    # workflow-v1.0.json "merge-group-mapping": the queue's target branches
    "merge_group": mapping({**_BRANCH_FILTERS, "types": _TYPES_SPEC}, exclusive=_NOT_BOTH),
    # workflow-v1.0.json "image-version-mapping": filters by image name and version
    "image_version": mapping({"types": _TYPES_SPEC, "names": strings(), "versions": strings()}),
    # "cron-mapping": an IANA time zone beside the cron line (workflow-v1.0.json)
    "schedule": Spec(sequence=mapping({"cron": text(), "timezone": text()}, required=("cron",))),
    "workflow_dispatch": mapping({"inputs": mapping(other=_DISPATCH_INPUT)}),
    "workflow_call": mapping(
        {
            "inputs": mapping(other=_CALL_INPUT),
            "outputs": mapping(other=_CALL_OUTPUT),
            "secrets": mapping(other=_CALL_SECRET),
        }
    ),
}


def event_spec(event: str) -> Spec:
    """What ``on.<event>`` accepts: its own filters, otherwise ``types`` alone, or nothing.
    Other keys right under an event are ignored, as GitHub's parser ignores them
    (actions/languageservices reader case "on-workflow_dispatch-unknown-keys-ignored"; helm's
    ``create: tags:`` and opentelemetry-python's ``merge_group: paths:`` run on GitHub)."""
    spec = EVENT_SPECS.get(event) or mapping({"types": _TYPES_SPEC})
    if spec.mapping is None:
        return spec
    loose = Mapping(spec.mapping.fields, spec.mapping.required, ANY, spec.mapping.exclusive)
    return Spec(spec.scalar, spec.sequence, loose, spec.free)


# ----------------------------------------------------------------------------------------------
# Jobs and steps.

# GitHub's workflow schema (workflow-v1.0.json, "permissions-mapping"), in its order.
PERMISSION_SCOPES = (
    "actions",
    "artifact-metadata",
    "attestations",
    "checks",
    "code-quality",
    "contents",
    "copilot-requests",
    "deployments",
    "discussions",
    "drives",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
    "vulnerability-alerts",
)
PERMISSIONS = Spec(
    scalar=Scalar("string", allowed=("read-all", "write-all")),
    mapping=Mapping({scope: choice("read", "write", "none") for scope in PERMISSION_SCOPES}),
)


def concurrency(contexts: tuple[str, ...]) -> Spec:
    return Spec(
        scalar=Scalar("string", contexts),
        mapping=Mapping(
            {
                "group": text(contexts),
                "cancel-in-progress": boolean(contexts),
                "queue": choice("single", "max"),  # workflow-v1.0.json "concurrency-queue"
            },
            required=("group",),
        ),
    )


DEFAULTS = mapping(
    {"run": mapping({"shell": text(DEFAULTS_RUN), "working-directory": text(DEFAULTS_RUN)})}
)
WORKFLOW_DEFAULTS = mapping({"run": mapping({"shell": text(), "working-directory": text()})})

RUNS_ON = Spec(
    scalar=Scalar("string", JOB_LEVEL),
    sequence=text(JOB_LEVEL),
    mapping=Mapping({"group": text(JOB_LEVEL), "labels": strings(JOB_LEVEL)}),
)

ENVIRONMENT = Spec(
    scalar=Scalar("string", JOB_LEVEL),
    mapping=Mapping(
        {"name": text(JOB_LEVEL), "url": text(ENVIRONMENT_URL), "deployment": boolean(JOB_LEVEL)},
        required=("name",),
    ),
)

CREDENTIALS_SPEC = mapping({"username": text(CREDENTIALS), "password": text(CREDENTIALS)})


# GitHub's parser on a container or service mapping with no image (workflow-parser reader case
# job-container-missing-image: "Container image cannot be empty", at the mapping).
IMAGE_MISSING = {"image": "Container image cannot be empty"}
_CONTAINER_KEYS = {
    "image": text(JOB_LEVEL),
    "credentials": CREDENTIALS_SPEC,
    "env": env_map(CONTAINER_ENV),
    "ports": Spec(sequence=Spec(scalar=Scalar("any", JOB_LEVEL))),
    "volumes": Spec(sequence=text(JOB_LEVEL)),
    "options": text(JOB_LEVEL),
}
CONTAINER = Spec(
    scalar=Scalar("string", JOB_LEVEL),
    mapping=Mapping(_CONTAINER_KEYS, required=("image",), missing=IMAGE_MISSING),
)
# A service takes a container's keys, and may also override the image's command and entrypoint.
# A service may also be given as its image alone (workflow-v1.0.json, services-container).
SERVICE = Spec(
    scalar=Scalar("string", JOB_LEVEL),
    mapping=Mapping(
        {**_CONTAINER_KEYS, "command": text(JOB_LEVEL), "entrypoint": text(JOB_LEVEL)},
        required=("image",),
        missing=IMAGE_MISSING,
    ),
)


ANY = Spec(free=True)
MATRIX_VALUE = Spec(scalar=Scalar("any", JOB_IF), sequence=ANY, mapping=Mapping(other=ANY))

STRATEGY_SPEC = mapping(
    {
        "matrix": Spec(
            scalar=Scalar("string", JOB_IF),
            mapping=Mapping(
                {
                    "include": Spec(
                        scalar=Scalar("string", JOB_IF),
                        sequence=Spec(mapping=Mapping(other=MATRIX_VALUE)),
                    ),
                    "exclude": Spec(
                        scalar=Scalar("string", JOB_IF),
                        sequence=Spec(mapping=Mapping(other=MATRIX_VALUE)),
                    ),
                },
                other=Spec(scalar=Scalar("string", JOB_IF), sequence=MATRIX_VALUE),
            ),
        ),
        "fail-fast": boolean(JOB_IF),
        "max-parallel": number(JOB_IF),
    }
)

RUN_STEP_KEYS = ("run", "shell", "working-directory")  # a `uses` step may not set these
# What a step does besides running a command or an action: the parallel-step keywords.
CONTROL_STEP_KEYS = ("wait", "wait-all", "cancel", "parallel")


def step_spec(
    contexts: tuple[str, ...], if_contexts: tuple[str, ...], composite: bool = False
) -> Spec:
    """A step of a job, or of a composite action (which sees other contexts). A workflow
    step's `shell` is a plain string (workflow-v1.0.json, run-step); a composite action's may
    hold an expression (actions/runner, src/Runner.Worker/action_yaml.json: run-step's shell
    is string-steps-context), as playwright's `shell: ${{ inputs.shell }}` does."""
    spec = mapping(
        {
            "id": text(),
            "name": text(contexts, HASH),
            "if": condition(if_contexts, STATUS + HASH),
            "env": env_map(contexts, HASH),
            "continue-on-error": boolean(contexts, HASH),
            "timeout-minutes": number(contexts, HASH),
            "run": text(contexts, HASH),
            "shell": text(contexts, HASH) if composite else text(),
            "working-directory": text(contexts, HASH),
            "uses": text(),
            "with": env_map(contexts, HASH),
            # parallel steps (GitHub, June 2026; docs "Workflow syntax", jobs.<job_id>.steps
            # [*].background, wait, wait-all, cancel and parallel)
            "background": boolean(contexts, HASH),
            "wait": strings(),
            "wait-all": Spec(free=True),
            "cancel": text(),
        }
    )
    assert spec.mapping is not None
    spec.mapping.fields["parallel"] = Spec(sequence=spec)  # a group of steps, each a step
    return spec


STEP_SPEC = step_spec(STEP, STEP_IF)

# GitHub changelog 2026-09-10, "Control GitHub Actions cache access with cache-mode": at the
# workflow or job level, enforced by the cache service.
CACHE_MODE = choice("read", "write", "write-only", "none")

JOB_COMMON = {
    "name": text(JOB_LEVEL),
    "needs": strings(),
    "if": condition(JOB_IF, STATUS),
    "permissions": PERMISSIONS,
    "cache-mode": CACHE_MODE,
    "strategy": STRATEGY_SPEC,
    "concurrency": concurrency(JOB_LEVEL),
}
NORMAL_JOB_KEYS = {
    "runs-on": RUNS_ON,
    "environment": ENVIRONMENT,
    "outputs": mapping(other=text(JOB_OUTPUTS)),
    "env": env_map(JOB_ENV),
    "defaults": DEFAULTS,
    "steps": Spec(sequence=STEP_SPEC),
    "timeout-minutes": number(JOB_LEVEL),
    "cancel-timeout-minutes": number(JOB_LEVEL),  # workflow-v1.0.json "job-factory"
    "continue-on-error": boolean(JOB_LEVEL),
    "container": CONTAINER,
    "services": mapping(other=SERVICE),
    # an image name, or image-name with a version and a condition (workflow-v1.0.json,
    # snapshot and snapshot-mapping)
    "snapshot": Spec(
        scalar=Scalar("string", JOB_LEVEL),
        mapping=Mapping(
            {
                "image-name": text(JOB_LEVEL),
                "version": text(JOB_LEVEL),
                "if": Spec(scalar=Scalar("any", JOB_LEVEL, bare=True)),
            },
            required=("image-name",),
        ),
    ),
}
CALLER_JOB_KEYS = {
    "uses": text(),
    "with": mapping(other=Spec(scalar=Scalar("any", JOB_LEVEL))),
    "secrets": Spec(
        scalar=Scalar("string", allowed=("inherit",)),
        mapping=Mapping(other=text(JOB_SECRETS)),
    ),
}
JOB_SPEC = mapping({**JOB_COMMON, **NORMAL_JOB_KEYS, **CALLER_JOB_KEYS})

WORKFLOW_SPEC = mapping(
    {
        "name": text(),
        "description": text(),  # workflow-v1.0.json "workflow-description"
        "run-name": text(WORKFLOW_LEVEL),
        "on": ANY,  # checked by the trigger rules
        "permissions": PERMISSIONS,
        "cache-mode": CACHE_MODE,
        "env": env_map(WORKFLOW_ENV),
        "defaults": WORKFLOW_DEFAULTS,
        "concurrency": concurrency(WORKFLOW_LEVEL),
        "jobs": mapping(other=JOB_SPEC),
    },
    required=("on", "jobs"),
)

# ----------------------------------------------------------------------------------------------
# action.yml (docs: "Metadata syntax for GitHub Actions").

ACTION_INPUT = mapping(
    {
        "description": text(),
        "required": boolean(),
        # actions/runner src/Runner.Worker/action_yaml.json, "input-default-context": github,
        # strategy, matrix, job, runner (codeql-action/analyze defaults to toJson(matrix))
        "default": Spec(
            scalar=Scalar("any", (G, STRATEGY, MATRIX, INPUTS, VARS, ENV, RUNNER, JOB, STEPS))
        ),
        "deprecationMessage": text(),
    },
    # actions/runner src/Runner.Worker/action_yaml.json: an input's other keys are free
    # ("loose-value-type": "any"; dependabot/fetch-metadata gives its inputs a `type`)
    other=ANY,
)
ACTION_OUTPUT = mapping({"description": text(), "value": text(ACTION_STEP)})
ACTION_STEP_SPEC = step_spec(ACTION_STEP, ACTION_STEP, composite=True)
ACTION_RUNS = mapping(
    {
        "using": text(),
        "main": text(),
        "pre": text(),
        "post": text(),
        "pre-if": condition(STEP_IF, STATUS),
        "post-if": condition(STEP_IF, STATUS),
        "steps": Spec(sequence=ACTION_STEP_SPEC),
        "image": text(),
        "env": env_map((G, INPUTS)),
        "entrypoint": text(),
        "pre-entrypoint": text(),
        "post-entrypoint": text(),
        "args": Spec(sequence=Spec(scalar=Scalar("any", (G, INPUTS)))),
    },
    required=("using",),
)
ACTION_SPEC = mapping(
    {
        "name": text(),
        "author": text(),
        "description": text(),
        "inputs": mapping(other=ACTION_INPUT),
        "outputs": mapping(other=ACTION_OUTPUT),
        "runs": ACTION_RUNS,
        "branding": mapping({"icon": text(), "color": text()}),
    },
    other=ANY,  # action_yaml.json's action-root is loose too (softprops' action.yml has env)
    # the runner's action_yaml.json requires no name: a local action without one runs
    # (pre-commit/pre-commit's .github/actions/pre-test); the Marketplace wants one
    required=("runs",),
)
