"""Which steps ship, from ``deploys.toml``: the deploy and publish commands and actions, each
with its kind (a service rollout, a package, a site, a release) and a source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pitstop.knowledge.tables import action_entry, table
from pitstop.workflow.model import Step

KINDS = ("service", "package", "pages", "release")
# Where a command starts: a line, after ; & | ( or a shell word that runs what follows.
COMMAND_START = r"(?:^[ \t]*|[;&|(][ \t]*|\b(?:then|do|else|exec|sudo|time)[ \t]+)"


# Every program a command of the table starts with, for a quick first look at a script.
MAY_SHIP = re.compile(
    r"kubectl|helm|terraform|terragrunt|tofu|pulumi|deploy|gcloud|aws|az\s|heroku|docker|"
    r"argocd|cap\s|twine|publish|cargo|gem\s|nuget|mvn|gradle|semantic-release|goreleaser|"
    r"gh\s|mkdocs|ghp-import|podman|crane|NPM_CONFIG|gh-pages",
)


@dataclass(frozen=True)
class Ships:
    name: str  # the action, or the command's pattern
    kind: str
    source: str
    when_input: str = ""
    when_value: str = ""
    unless_input: str = ""
    unless_value: str = ""
    own: bool = False  # the project's own deploy script or target: what it runs decides
    waits_input: str = ""
    waits_value: str = ""


@cache
def _commands() -> list[tuple[re.Pattern[str], Ships]]:
    return [
        (
            re.compile(f"{COMMAND_START}(?:{row['pattern']})", re.MULTILINE),
            Ships(row["pattern"], row["kind"], row["source"], own=row.get("own", False)),
        )
        for row in table("deploys.toml")["command"]
    ]


@cache
def _actions() -> dict[str, Ships]:
    return {
        row["name"].lower(): Ships(
            row["name"],
            row["kind"],
            row["source"],
            row.get("when_input", ""),
            row.get("when_value", ""),
            row.get("unless_input", ""),
            row.get("unless_value", ""),
            waits_input=row.get("waits_input", ""),
            waits_value=row.get("waits_value", ""),
        )
        for row in table("deploys.toml")["action"]
    }


def records_a_deployment(step: Step) -> bool:
    """The step's action is named for deployments but only records one (``[[not_a_deploy]]``:
    New Relic's marker, GitHub deployment statuses)."""
    return step.uses is not None and action_entry(step.uses, _not_deploys()) is not None


@cache
def _not_deploys() -> dict[str, str]:
    return {row["name"].lower(): row["source"] for row in table("deploys.toml")["not_a_deploy"]}


def waits_for_health(step: Step) -> bool:
    """The step's deploy action waits for the service to be healthy, by the input the table
    names (amazon-ecs-deploy-task-definition's `wait-for-service-stability: true`)."""
    found = shipping(step)
    if found is None or not found.waits_input or not isinstance(step.with_, dict):
        return False
    return bool(re.search(found.waits_value, _text(step.with_.get(found.waits_input, ""))))


def shipping(step: Step) -> Ships | None:
    """What the step ships, by the table: None for a step that does not deploy or publish."""
    if step.run:
        return script_ships(step.run)
    if not step.uses or step.uses.startswith(("./", "$/", "docker://")):
        return None
    found = action_entry(step.uses, _actions())
    if found is None:
        return None
    inputs = step.with_ if isinstance(step.with_, dict) else {}
    if found.when_input:
        names = [n for n in found.when_input.split("|") if n in inputs]
        value = inputs[names[0]] if names else ""  # absent: as an empty value
        if not re.search(found.when_value, _text(value)):
            return None
    if found.unless_input:
        value = inputs.get(found.unless_input, "")
        if re.search(found.unless_value, _text(value).strip().lower()):
            return None
    return found


@lru_cache(maxsize=16384)
def script_ships(script: str, own: bool = True) -> Ships | None:
    """What a script ships: each script is searched once, however many rules ask. ``own``
    False leaves out the row of the project's own deploy scripts, for reading what such a
    script runs."""
    if not MAY_SHIP.search(script):
        return None  # none of the table's programs appears: most scripts stop here
    # a comment runs nothing (renovate's dry run explains "…merge commit; semantic-release
    # runs"), and ends at its line even after a backslash; other lines continued read as one
    script = COMMENT_LINE.sub("", script).replace("\\\n", " ")
    for pattern, ships in _commands():
        if ships.own and not own:
            continue
        for found in pattern.finditer(script):
            end = script.find("\n", found.end())
            if not DRY_RUN.search(script[found.start() : end if end >= 0 else len(script)]):
                return ships
    return None


# A line that is only a shell comment.
COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)

# A rehearsal ships nothing: `cargo publish --dry-run`, `npm publish --dry-run`.
DRY_RUN = re.compile(r"\s--dry-run\b")


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
