"""undocumented-secret: a secret the workflows read that no document names, so the next person
to set up a fork, an environment or a new repository cannot know it is needed."""

from __future__ import annotations

import posixpath
import re
from functools import cache

from pitstop.audit.locate import offset_span
from pitstop.audit.repo import EXAMPLE_SETTINGS, Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.knowledge.tables import action_entry, table

SECRET = re.compile(r"\bsecrets\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)|\bsecrets\s*\[\s*'([^']+)'\s*\]")
PROVIDED = frozenset({"GITHUB_TOKEN"})  # GitHub creates it for every run


def check(repo: Repo, out: Check) -> None:
    documented = _documented(repo) | _documented_by_their_action(repo) | _explained_at_a_use(repo)
    seen: set[str] = set()
    for _, doc in sorted(repo.documents.items()):
        for found in SECRET.finditer(doc.text):
            name = found.group(1) or found.group(2)
            if name.upper() in PROVIDED or name in seen or _in_comment(doc.text, found.start()):
                continue
            seen.add(name)
            out.checked += 1
            if name in documented:
                continue
            out.flag(
                offset_span(doc, found.start(), found.end()),
                f"secret {name} is not named in any README, docs page or .env.example: whoever "
                "sets up the next environment will not know to create it",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} secrets documented"


def _documented(repo: Repo) -> set[str]:
    """Every name a document or a comment line of a workflow or action mentions, and the
    secrets reusable workflows declare."""
    names: set[str] = set()
    examples = [f for f in repo.files if EXAMPLE_SETTINGS.search(f)]
    for relative in repo.documentation + examples:
        if posixpath.basename(relative).lower() in ("license.txt", "requirements.txt"):
            continue
        names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", repo.read(relative) or ""))
    for doc in repo.documents.values():  # a workflow's own comments (huggingface_hub's
        # release.yml lists its "Required secrets" in its header)
        comments = [line for line in doc.text.splitlines() if line.lstrip().startswith("#")]
        names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", "\n".join(comments)))
    for workflow in repo.workflows:
        call = workflow.triggers.get("workflow_call")
        if call is not None:
            names.update(
                name
                for name, spec in call.secrets.items()
                if isinstance(spec, dict) and spec.get("description")
            )
    return names


def _explained_at_a_use(repo: Repo) -> set[str]:
    """The secrets a sentence explains where a workflow uses them: a comment line of three words
    or more right above the use, not a tool's directive (checksync's release.yml: "# This is
    the token used to publish to npm" over `NPM_TOKEN: ${{ secrets.NPM_TOKEN }}`)."""
    names: set[str] = set()
    for doc in repo.documents.values():
        lines = doc.text.splitlines()
        for number, line in enumerate(lines):
            if not number or "secrets" not in line:
                continue
            above = lines[number - 1].strip()
            if not above.startswith("#") or DIRECTIVE.search(above):
                continue
            if len(above.lstrip("# ").split()) >= 3:
                names.update(f.group(1) or f.group(2) for f in SECRET.finditer(line))
    return names


# A tool's directive in a comment: zizmor's and pitstop's ignores (`zizmor: ignore[…]`), and
# flake8's, yamllint's, bandit's and coverage's markers (noqa, yamllint disable, nosec, pragma)
DIRECTIVE = re.compile(r"^#\s*([\w-]+:\s*ignore\b|noqa\b|yamllint\b|nosec\b|pragma\b)")


def _documented_by_their_action(repo: Repo) -> set[str]:
    """The secrets a step passes to the action whose README names them and says how to make
    them (``knowledge/secret_names.toml``: codecov-action's CODECOV_TOKEN)."""
    known = _by_action()
    names: set[str] = set()
    for place in repo.steps():
        wanted = action_entry(place.step.uses, known) if place.step.uses else None
        if not wanted:
            continue
        given = place.doc.text[place.step.node.start.offset : place.step.node.end.offset]
        names.update(n for n in wanted if re.search(rf"\bsecrets\s*\.\s*{n}\b", given))
    return names


@cache
def _by_action() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for row in table("secret_names.toml")["secret"]:
        found.setdefault(row["action"], set()).add(row["name"])
    return {action: frozenset(names) for action, names in found.items()}


def _in_comment(text: str, offset: int) -> bool:
    line = text[text.rfind("\n", 0, offset) + 1 : offset]
    return line.lstrip().startswith("#")


RULE = Rule(
    id="undocumented-secret",
    category="documentation",
    severity="low",
    summary="A secret the workflows use is named in no document.",
    docs=Docs(
        what="Flags the first use of each `secrets.NAME` (other than GITHUB_TOKEN) whose name "
        "appears in no Markdown, reStructuredText, AsciiDoc or text document of the "
        "repository, nor in an `.env.example`, nor in a comment line of a workflow or action, "
        "nor in a sentence of a comment line right above a use, "
        "nor as a described `workflow_call` secret, nor passed to the action whose README "
        "names it and says how to create it (`knowledge/secret_names.toml`: codecov-action's "
        "`CODECOV_TOKEN`, docker/login-action's `DOCKERHUB_TOKEN`…).",
        why="Secrets live in settings no one can read back. When a fork, a new environment or "
        "a disaster recovery needs them, the workflow fails with an empty value at the step "
        "that uses it, and someone reverse-engineers the list from YAML.",
        example="env:\n  PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}   # named nowhere else",
        instead="docs/ci.md:\n\n| Secret | Used by | How to create it |\n| --- | --- | --- |\n"
        "| PYPI_TOKEN | release.yml | a PyPI API token scoped to the project |",
    ),
    check=check,
)
