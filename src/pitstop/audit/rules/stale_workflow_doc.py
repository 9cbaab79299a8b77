"""stale-workflow-doc: a document names a workflow file that does not exist."""

from __future__ import annotations

import os
import re

from pitstop.audit.folders import NOT_OURS, under
from pitstop.audit.locate import text_span
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule

# `.github/workflows/ci.yml`, or a badge or link: …/actions/workflows/ci.yml/badge.svg
HISTORY = re.compile(
    r"(CHANGELOGS?|CHANGES|HISTORY|NEWS|RELEASE[-_]?NOTES)(?![a-z])", re.IGNORECASE
)
MENTION = re.compile(r"(?:\.github/workflows/|/actions/workflows/)([\w.-]+\.ya?ml)\b")


def check(repo: Repo, out: Check) -> None:
    existing = {os.path.basename(w.path) for w in repo.workflows}
    existing |= {os.path.basename(f) for f in repo.files if f.startswith(".github/workflows/")}
    slug = repo.slug
    for relative in repo.documentation:
        if under(relative, NOT_OURS) or any(HISTORY.match(part) for part in relative.split("/")):
            continue  # not ours, or a changelog: it records workflows that were, by design
        text = repo.read(relative)
        if not text:
            continue
        fences = _fenced(text)
        named: set[tuple[int, str]] = set()
        for found in MENTION.finditer(text):
            name = found.group(1)
            if PLACEHOLDER.search(name):
                continue  # `test_x.yml`: "test_0.yml, test_1.yml…", a pattern, not one file
            if any(start <= found.start() < end for start, end in fences):
                continue  # a sample in a code block: a workflow for the reader's repository
            if INSTRUCTION.search(_sentence_before(text, found.start())):
                continue  # "create .github/workflows/x.yml in your repository": for the reader
            if _under_an_example_label(text, found.start()):
                continue  # "- **Pattern:**" then "  - File: `.github/workflows/deploy-production.
                # yml`": a made-up name showing a convention (radius' workflow instructions)
            if _sample_follows(text, found.end()) or _snippet(text, found.start()):
                continue  # "you could use this .github/workflows/x.yml:" and the sample
            if _configured_above(text, fences, name, found.start()):
                continue  # the section's sample sets it: the reader's file (reflex-release's
                # `workflow = "build_wheels.yml"`, then "publish.yml calls …/build_wheels.yml")
            link = LINK.search(text[max(0, found.start() - 200) : found.start()])
            owner, ref = (
                (link.group("slug") or link.group("raw"), link.group("ref") or link.group("rawref"))
                if link
                else ("", "")
            )
            if COMMIT.fullmatch(ref or ""):
                continue  # a link pinned to a commit: it still opens what it named
            if owner and slug and owner.lower() != slug.lower():
                continue  # a badge or link of another repository's workflow
            if _another_repository_after(text, found.end(), slug):
                continue  # "the branch's .github/workflows/build-and-test.yml (in
                # [vlang/tccbin](https://github.com/vlang/tccbin), …)": that repository's file
            if not link and _names_a_sibling(text, slug, repo.root):
                continue  # a bare path in a document about another repository of the same
                # owner ("`vlang/tccbin`" in vlang/v's doc/tccbin_automation.md): whose file it
                # names is not written, so it is not flagged
            folder = _folder_before(text, found.start())
            if folder is not None and not os.path.isdir(os.path.join(repo.root, folder)):
                continue  # `owner/repo/.github/workflows/x.yml`: another repository's file
            line = text.count("\n", 0, found.start())
            if (line, name) in named:
                continue  # a badge names its workflow twice: the image and the link
            named.add((line, name))
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


# A workflow name standing for several: its last part a letter or x's (`test_x.yml`, `job-N.yml`).
PLACEHOLDER = re.compile(r"(?:^|[_-])(?:x+|n|X+|N)\.ya?ml$")
INSTRUCTION = re.compile(r"\b(create|add|put|make|save|your|copy)\b", re.IGNORECASE)
FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def _fenced(text: str) -> list[tuple[int, int]]:
    """The spans of fenced code blocks (their opening line included: a title="…" there names
    the sample's file)."""
    marks = [m.start() for m in FENCE.finditer(text)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


# A link's repository and ref, right before a mention: github.com/OWNER/REPO/ (badges),
# github.com/OWNER/REPO/blob/REF/, raw.githubusercontent.com/OWNER/REPO/REF/.
LINK = re.compile(
    r"(?:github\.com/(?P<slug>[\w.-]+/[\w.-]+)(?:/(?:blob|tree|raw|edit)/(?P<ref>[^/\s]+))?"
    r"|raw\.githubusercontent\.com/(?P<raw>[\w.-]+/[\w.-]+)/(?P<rawref>[^/\s]+))/?\Z"
)
COMMIT = re.compile(r"[0-9a-f]{7,40}")
SENTENCE_END = re.compile(r"[.!?:]\s+(?=[A-Z(\[])|\n\s*\n")


HEADING = re.compile(r"^#{1,6}\s", re.MULTILINE)


def _configured_above(text: str, fences: list[tuple[int, int]], name: str, start: int) -> bool:
    """A code sample earlier in the mention's section names the same file: a setting the
    reader writes in their own repository, which the prose then explains."""
    headings = [h.start() for h in HEADING.finditer(text, 0, start)]
    section = headings[-1] if headings else 0
    return any(
        section <= begin and end <= start and name in text[begin:end] for begin, end in fences
    )


def _sentence_before(text: str, start: int) -> str:
    """The sentence a mention stands in, up to the mention: across wrapped lines, and
    through abbreviations such as "e.g."."""
    before = text[max(0, start - 300) : start]
    ends = list(SENTENCE_END.finditer(before))
    return before[ends[-1].end() :] if ends else before


EXAMPLE_LABEL = re.compile(
    r"\b(patterns?|conventions?|examples?|e\.g\.|for instance|naming)\b", re.IGNORECASE
)


def _under_an_example_label(text: str, start: int) -> bool:
    """The mention is in a nested list item whose parent item labels its children as a
    pattern, convention or example."""
    lines = text[:start].split("\n")
    current = lines[-1]
    indent = len(current) - len(current.lstrip())
    for line in reversed(lines[:-1]):
        if not line.strip() or HEADING.match(line):
            return False
        depth = len(line) - len(line.lstrip())
        if depth < indent:
            if EXAMPLE_LABEL.search(line):
                return True
            indent = depth
            if depth == 0:
                return False
    return False


def _another_repository_after(text: str, end: int, slug: str | None) -> bool:
    """The rest of the mention's sentence links to another repository on GitHub."""
    rest = text[end : end + 300]
    stop = SENTENCE_END.search(rest)
    sentence = rest[: stop.start()] if stop else rest
    return bool(slug) and any(
        found.group(1).lower() != str(slug).lower()
        for found in re.finditer(r"github\.com/([\w.-]+/[\w.-]+)", sentence)
    )


def _names_a_sibling(text: str, slug: str | None, root: str) -> bool:
    """Whether the document names another repository of the same owner (``owner/other``,
    written alone or in a link; not an npm scope's ``@owner/package``), the owner not being a
    folder of this repository."""
    if not slug or "/" not in slug:
        return False
    owner, name = slug.split("/", 1)
    if os.path.isdir(os.path.join(root, owner)):
        return False  # `owner/…` may be a path here
    pattern = re.compile(rf"(?<![\w./@-]){re.escape(owner)}/([\w.-]+)", re.IGNORECASE)
    pattern_in_link = re.compile(rf"github\.com/{re.escape(owner)}/([\w.-]+)", re.IGNORECASE)
    for found in (*pattern.finditer(text), *pattern_in_link.finditer(text)):
        other = found.group(1).rstrip(".").removesuffix(".git")
        if other and other.lower() != name.lower():
            return True
    return False


def _sample_follows(text: str, end: int) -> bool:
    """Whether a code sample comes right after the mention's line: a caption or an
    introduction ("> .github/workflows/build.yml", "use this `.github/workflows/x.yml`:")."""
    rest = text[end:]
    line_end = rest.find("\n")
    if line_end < 0:
        return False
    following = [
        line
        for line in rest[line_end + 1 :].split("\n")[:6]
        if line.strip() and not re.fullmatch(r"\s*<!--.*-->\s*", line)  # markers for tools
    ]
    if not following:
        return False
    first = following[0]
    indented = first.startswith(("    ", "\t")) and not first.lstrip().startswith(("-", "*", "|"))
    return indented or FENCE.match(first) is not None or _snippet(first, 0)


def _snippet(text: str, at: int) -> bool:
    """Whether the line at ``at`` imports a code sample from a file: VitePress's
    `<<< ./static-deploy-github-pages.yaml#content [.github/workflows/deploy.yml]`."""
    start = text.rfind("\n", 0, at) + 1
    return text[start:].lstrip().startswith("<<<")


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
        "test-data folders, links to another repository's workflows, and bare paths in a "
        "document that names another repository of the same owner (whose file it is, the "
        "document does not say).",
        why="A renamed workflow leaves a README that sends people to a file that is gone and "
        "a badge that shows 'no status' forever; the docs stop being trusted about the "
        "pipeline at all.",
        example="README.md: ![CI](https://github.com/acme/api/actions/workflows/test.yml/"
        "badge.svg)   # the workflow is ci.yml now",
        instead="![CI](https://github.com/acme/api/actions/workflows/ci.yml/badge.svg)",
    ),
    check=check,
)
