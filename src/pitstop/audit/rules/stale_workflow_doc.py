"""stale-workflow-doc: a document names a workflow file that does not exist."""

from __future__ import annotations

import os
import re

from pitstop.audit.folders import NOT_OURS, under
from pitstop.audit.locate import text_span
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule

# `.github/workflows/ci.yml`, or a badge or link: …/actions/workflows/ci.yml/badge.svg
MENTION = re.compile(r"(?:\.github/workflows/|/actions/workflows/)([\w.-]+\.ya?ml)\b")


def check(repo: Repo, out: Check) -> None:
    existing = {os.path.basename(w.path) for w in repo.workflows}
    existing |= {os.path.basename(f) for f in repo.files if f.startswith(".github/workflows/")}
    slug = repo.slug
    for relative in repo.documentation:
        if under(relative, NOT_OURS):
            continue
        text = repo.read(relative)
        if not text:
            continue
        fences = _fenced(text)
        for found in MENTION.finditer(text):
            name = found.group(1)
            if any(start <= found.start() < end for start, end in fences):
                continue  # a sample in a code block: a workflow for the reader's repository
            if INSTRUCTION.search(text[max(0, found.start() - 80) : found.start()]):
                continue  # "create .github/workflows/x.yml in your repository": for the reader
            if slug and not _this_repository(text, found.start(), slug):
                continue  # a badge or link of another repository's workflow
            folder = _folder_before(text, found.start())
            if folder is not None and not os.path.isdir(os.path.join(repo.root, folder)):
                continue  # `owner/repo/.github/workflows/x.yml`: another repository's file
            out.checked += 1
            if name in existing or (
                folder and os.path.isfile(os.path.join(repo.root, folder, found.group(0)))
            ):
                continue
            path = os.path.normpath(os.path.join(repo.root, relative))
            out.flag(
                text_span(path, text, found.start(1), found.end(1)),
                f"{relative} names the workflow {name}, which does not exist",
            )
    out.figure = f"{out.checked - out.failed} of {out.checked} workflow mentions in docs exist"


INSTRUCTION = re.compile(r"\b(create|add|put|make|save|your)\b[^.\n]*\Z", re.IGNORECASE)
FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def _fenced(text: str) -> list[tuple[int, int]]:
    """The spans of fenced code blocks (their opening line included: a title="…" there names
    the sample's file)."""
    marks = [m.start() for m in FENCE.finditer(text)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


def _this_repository(text: str, start: int, slug: str) -> bool:
    """Whether a ``/actions/workflows/`` link at ``start`` is this repository's (a link of
    another, a vendored project's badge, is not); plain ``.github/workflows/`` mentions are."""
    before = text[max(0, start - 200) : start]
    found = re.search(r"github\.com/([\w.-]+)/([\w.-]+)\Z", before)
    if found is None:
        return True
    return f"{found.group(1)}/{found.group(2)}".lower() == slug.lower()


def _folder_before(text: str, start: int) -> str | None:
    """The path written right before a ``.github/workflows/`` mention (``owner/repo`` in
    ``owner/repo/.github/workflows/x.yml``); None when there is none, or it is a URL's."""
    if not text.startswith(".github/", start) or start == 0 or text[start - 1] != "/":
        return None
    begin = start - 1
    while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "-_./:"):
        begin -= 1
    written = text[begin : start - 1]
    if "://" in written or written.startswith(("github.com", "www.")):
        return None
    return written or None


RULE = Rule(
    id="stale-workflow-doc",
    category="documentation",
    severity="low",
    summary="A document names a workflow file that does not exist.",
    docs=Docs(
        what="Flags mentions of `.github/workflows/<file>` and workflow badge or run links "
        "(`…/actions/workflows/<file>/badge.svg`) in Markdown, reStructuredText, AsciiDoc and "
        "text documents when the file is not in the repository. Left alone: samples in fenced "
        "code blocks (a workflow for the reader's own repository), documents in vendored and "
        "test-data folders, and links to another repository's workflows.",
        why="A renamed workflow leaves a README that sends people to a file that is gone and "
        "a badge that shows 'no status' forever; the docs stop being trusted about the "
        "pipeline at all.",
        example="README.md: ![CI](https://github.com/acme/api/actions/workflows/test.yml/"
        "badge.svg)   # the workflow is ci.yml now",
        instead="![CI](https://github.com/acme/api/actions/workflows/ci.yml/badge.svg)",
    ),
    check=check,
)
