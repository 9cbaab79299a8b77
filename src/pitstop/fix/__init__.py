"""``pitstop fix``: the audit's findings that carry a fix, fixed in the files' text.

Each round audits the repository as it stands in memory, asks every fixable finding for its
edits, checks each fix on its own (the file must parse, stay valid and read as before with only
the intended change), and applies those that do not touch one another. Fixes that met another's
edit wait for the next round, which audits again, so positions are always fresh; rounds end when
nothing is left to apply. Nothing is written until the caller asks (``write``), and then each file
atomically, all of them or none.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from pitstop.atomic import write_texts
from pitstop.audit import AuditResult, audit
from pitstop.audit.config import AuditConfig
from pitstop.audit.findings import Finding, Fix
from pitstop.audit.repo import Repo
from pitstop.errors import PitstopError
from pitstop.fix.context import FixContext
from pitstop.fix.patch import CannotFix, Change, Edit, Patch
from pitstop.fix.pins import Pins
from pitstop.fix.verify import apply_edits, problem
from pitstop.workflow.repository import LoadedFile
from pitstop.workflow.yaml import MappingNode, Node, SequenceNode, YamlDocument

ROUNDS = 20


@dataclass(frozen=True)
class Outcome:
    finding: Finding  # as it was found, in the text of its round (its fix's closure dropped)
    title: str  # the fix's title, or why it was not made


def _outcome(finding: Finding, title: str) -> Outcome:
    """An outcome that does not keep its round's parsed repository alive: the fix's ``apply``
    holds the documents it was found in, so only its title and safety are kept."""
    fix = finding.fix
    light = Fix(fix.title, fix.safety, _applied) if fix is not None else None
    return Outcome(replace(finding, fix=light), title)


def _applied(context: FixContext) -> None:
    raise CannotFix("already applied")


@dataclass
class FixResult:
    originals: dict[str, str] = field(default_factory=dict)  # path -> text before
    texts: dict[str, str] = field(default_factory=dict)  # path -> text after, changed files
    applied: list[Outcome] = field(default_factory=list)
    refused: list[Outcome] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    remaining: AuditResult | None = None  # the audit of the fixed text
    invalid: list[PitstopError] = field(default_factory=list)  # files left as they are

    @property
    def changed(self) -> list[str]:
        return sorted(p for p, t in self.texts.items() if t != self.originals[p])

    def unsafe_left(self) -> list[Finding]:
        found = self.remaining.findings if self.remaining else []
        return [f for f in found if f.fix is not None and f.fix.safety == "unsafe"]


def fix(
    root: str,
    config: AuditConfig,
    only: Iterable[str] = (),
    unsafe: bool = False,
    pins: Pins | None = None,
) -> FixResult:
    """Fix what can be fixed in ``root``'s workflows, in memory."""
    only = tuple(only)
    pins = pins or Pins(root)
    result = FixResult()
    settled: set[tuple[str, str, tuple[object, ...]]] = set()  # applied or refused: not again
    parsed: dict[str, tuple[str, LoadedFile]] = {}  # each file's parse, by its newest text
    for _ in range(ROUNDS):
        # a round's parsed repository and findings go when the round ends: only the parse of
        # each file's newest text is kept (``parsed``) for the next
        # Each fix is checked by parsing the text it makes: those trees hold cycles, so the
        # collector runs while fixes are tried (the commands run with it off, cli.main.batch),
        # and fix's peak stays near audit's instead of growing with every fix tried.
        with _collector(True):
            result.remaining = _round(root, config, only, unsafe, pins, result, settled, parsed)
            gc.unfreeze()  # the round's repository, frozen in _round, may go now
            gc.collect()
        if result.remaining is not None:
            break
    if result.remaining is None:
        result.remaining = audit(
            Repo.load(root, {**result.originals, **result.texts}, parsed), config, only
        )
    return result


@contextmanager
def _collector(on: bool) -> Iterator[None]:
    """Python's cycle collector on or off for a while, then as it was."""
    before = gc.isenabled()
    (gc.enable if on else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if before else gc.disable)()


def _round(
    root: str,
    config: AuditConfig,
    only: tuple[str, ...],
    unsafe: bool,
    pins: Pins,
    result: FixResult,
    settled: set[tuple[str, str, tuple[object, ...]]],
    parsed: dict[str, tuple[str, LoadedFile]],
) -> AuditResult | None:
    """One round: audit the text as it stands, apply the fixes that do not meet, and return
    the audit when there was nothing left to apply."""
    texts = {**result.originals, **result.texts}
    with _collector(False):  # building trees that live the whole round: nothing to collect
        repo = Repo.load(root, texts, parsed)  # disk: first round only
        if not result.originals:
            result.invalid = list(repo.problems)
        for path, doc in repo.documents.items():
            result.originals.setdefault(path, doc.text)
        found = audit(repo, config, only)
    gc.freeze()  # what lives the whole round is not walked by each collection
    taken: dict[str, tuple[list[Edit], list[Change]]] = {}
    failed: list[tuple[tuple[str, str, tuple[object, ...]], Finding, str]] = []
    moved: set[tuple[str, int]] = set()  # where this round's fixes start
    # Each fix's text is checked by parsing it. Parsing a file once per fix made fix --dry-run
    # 11x an audit on 1,200 files, so the round checks each file once with all its fixes, and
    # checks fix by fix only in a file where that check fails, to name the fix at fault.
    tried: list[tuple[tuple[str, str, tuple[object, ...]], Finding, FixContext, list[Patch]]] = []
    for finding in found.findings:
        if finding.fix is None or (finding.fix.safety != "safe" and not unsafe):
            continue
        key = (finding.rule, finding.span.path, _place(repo, finding))
        if key in settled:
            continue
        context = FixContext(repo, pins)
        try:
            finding.fix.apply(context)
            patches = [p for p in context.patches.values() if p.edits]
            if not patches:
                raise CannotFix("the fix found nothing to change")
            invalid = sorted({p.path for p in patches} & repo.invalid)
            if invalid:
                where = repo.relative(invalid[0])
                raise CannotFix(f"{where} is not a valid workflow; left as it is")
            if any(_meets(p, taken) for p in patches):
                continue  # next round, against the text as this round leaves it
        except CannotFix as error:
            failed.append((key, finding, str(error)))
            continue
        _take(taken, patches)
        tried.append((key, finding, context, patches))
    combined = {
        path: apply_edits(repo.documents[path].text, edits) for path, (edits, _) in taken.items()
    }
    pending = _pending(result.texts, combined)
    suspect = {
        p for p, t in combined.items() if problem(repo.documents[p], t, taken[p][1], pending)
    }
    added = _call_index(repo, combined)
    suspect |= {
        p
        for p in _callers(repo, set(combined), added)
        if p not in combined and problem(repo.documents[p], repo.documents[p].text, [], pending)
    }  # an unchanged caller of a workflow a fix changed
    if suspect:  # fix by fix, each against the files as the fixes kept before it leave them
        taken = {}
        kept = []
        added = {}  # the calls in the files as the kept fixes leave them, by what they call
        for key, finding, context, patches in tried:
            trial = {path: (list(e), list(c)) for path, (e, c) in taken.items()}
            _take(trial, patches)
            now = {
                path: apply_edits(repo.documents[path].text, e) for path, (e, _) in trial.items()
            }
            pending = _pending(result.texts, now)
            touched = {p.path for p in patches}
            mine = _call_index(repo, {path: now[path] for path in touched})
            check = touched | _callers(repo, touched, _merged(added, mine))
            reason = next(
                (
                    r
                    for path in sorted(check)
                    if (
                        r := problem(
                            repo.documents[path],
                            now.get(path, repo.documents[path].text),
                            trial[path][1] if path in trial else [],
                            pending,
                        )
                    )
                ),
                None,
            )
            if reason:
                failed.append((key, finding, f"{reason}; left as it was"))
                continue
            taken = trial
            added = _merged(added, mine)
            kept.append((key, finding, context, patches))
        tried = kept
    for key, finding, context, _ in tried:
        settled.add(key)
        result.applied.append(_outcome(finding, finding.fix.title if finding.fix else ""))
        moved.add((finding.span.path, finding.span.start))
        result.todo += [t for t in context.todo if t not in result.todo]
    # A fix that failed where another fix of this round edits (an unknown tag that a bump
    # replaces) is tried again against the edited text; the others are refused.
    for key, finding, reason in failed:
        if (finding.span.path, finding.span.start) not in moved:
            settled.add(key)
            result.refused.append(_outcome(finding, reason))
    if not taken:
        return found
    final = _pending(
        result.texts,
        {path: apply_edits(repo.documents[path].text, e) for path, (e, _) in taken.items()},
    )
    for path, (edits, changes) in taken.items():
        doc = repo.documents[path]
        text = apply_edits(doc.text, edits)
        checked = path not in suspect and text == combined[path]  # the same fixes, checked above
        reason = None if checked else problem(doc, text, changes, final)
        if reason:  # each fix was sound alone: this is pitstop's bug, and nothing is written
            raise PitstopError(f"the fixes together went wrong ({reason}); please report it")
        result.texts[path] = text
    return None


def _pending(earlier: dict[str, str], now: dict[str, str]) -> dict[str, str]:
    """The texts fixes have given files so far, by absolute path, for checking calls."""
    return {os.path.abspath(p): t for p, t in {**earlier, **now}.items()}


# A call of the repository's own workflow or action: `uses: ./.github/workflows/x.yml`.
LOCAL_USES = re.compile(r"uses:\s*[\"']?\./([^\s\"'#@]+)")


def _call_index(repo: Repo, texts: dict[str, str]) -> dict[str, set[str]]:
    """What the files call, as ``texts`` have them: called path -> the paths calling it (read
    once per text, not once per called file)."""
    index: dict[str, set[str]] = {}
    for path, text in texts.items():
        for found in LOCAL_USES.finditer(text):
            target = os.path.normpath(os.path.join(repo.root, found.group(1)))
            index.setdefault(target, set()).add(path)
    return index


def _merged(a: dict[str, set[str]], b: dict[str, set[str]]) -> dict[str, set[str]]:
    return {k: a.get(k, set()) | b.get(k, set()) for k in a.keys() | b.keys()}


def _callers(repo: Repo, paths: set[str], added: dict[str, set[str]]) -> set[str]:
    """The workflows that call one of ``paths``: the repository's own calls, and the calls
    that fixes have written (``added``, from ``_call_index``)."""
    found: set[str] = set()
    for path in paths:
        workflow = repo.workflow_at(path)
        if workflow is not None:
            found |= {caller.path for caller, _ in repo.callers(workflow)}
        found |= {p for p in added.get(os.path.normpath(path), ()) if p != path}
    return {p for p in found if p in repo.documents}


def _take(taken: dict[str, tuple[list[Edit], list[Change]]], patches: list[Patch]) -> None:
    for patch in patches:
        edits, changes = taken.setdefault(patch.path, ([], []))
        edits += patch.edits
        changes += patch.changes


def write(result: FixResult) -> list[tuple[str, str]]:
    """Write the changed files together, all or none: fixes in one file can need those in
    another (a ``needs:`` on tests that a ``workflow_call`` trigger added in another file makes
    callable). When a file changed on disk since it was read, or cannot be written, every file
    is left as it was; the files at fault are returned with the reason."""
    texts: dict[str, str] = {}
    faults: list[tuple[str, str]] = []
    for path in result.changed:
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                now = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            faults.append((path, f"cannot write: {reason}"))
            continue
        if now.removeprefix("\ufeff") != result.originals[path]:
            faults.append((path, "changed on disk while fixing"))
            continue
        bom = "\ufeff" if now.startswith("\ufeff") else ""
        texts[path] = bom + result.texts[path]
    if not faults:
        try:
            write_texts(texts)
        except OSError as error:
            where = error.filename if isinstance(error.filename, str) else ", ".join(texts)
            faults.append((where, f"cannot write: {error.strerror}"))
    return [(path, f"{reason}; no file was written") for path, reason in faults]


def _meets(patch: Patch, taken: dict[str, tuple[list[Edit], list[Change]]]) -> bool:
    edits, changes = taken.get(patch.path, ([], []))
    return any(e.touches(o) for e in patch.edits for o in edits) or any(
        c.overlaps(o) for c in patch.changes for o in changes
    )


def _place(repo: Repo, finding: Finding) -> tuple[object, ...]:
    """Where a finding is, in terms that survive edits elsewhere in the file: the path of the
    node it starts at (and the offset inside a scalar), not its line."""
    doc = repo.documents.get(finding.span.path)
    if doc is None or doc.root is None:
        return (finding.span.line, finding.span.column, finding.message)
    return (*_node_place(doc, doc.root, finding.span.start, ()), finding.message)


def _node_place(
    doc: YamlDocument, node: Node, offset: int, path: tuple[object, ...]
) -> tuple[object, ...]:
    children: list[tuple[object, Node, Node | None]] = []
    if isinstance(node, MappingNode):
        children = [(name, node.values[name], key) for name, key in node.keys.items()]
    elif isinstance(node, SequenceNode):
        children = [(index, item, None) for index, item in enumerate(node.items)]
    for name, child, key in children:
        if key is not None and key.start.offset == offset:
            return (*path, name, "key")
        if child.start.offset <= offset < max(child.end.offset, child.start.offset + 1):
            return _node_place(doc, child, offset, (*path, name))
    return (*path, offset - node.start.offset)
