"""``pitstop audit``: the workflows checked against the bulletproof standard, with a scorecard.

Exit codes: 0 no finding at or above ``--fail-on``; 1 at least one; 2 invalid input (no such
folder, no workflows, bad settings, an unknown rule, a missing linter). A workflow GitHub would
reject is a finding of ``invalid-workflow``, not an input error: every other file is audited.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

import click

from pitstop.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, batch
from pitstop.errors import PitstopError

if TYPE_CHECKING:
    from pitstop.audit import AuditResult
    from pitstop.audit.config import AuditConfig
    from pitstop.audit.rule import Rule


@click.command(name="audit")
@click.argument("root", default=".", type=click.Path(file_okay=False))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "sarif", "markdown", "github"]),  # FORMATS
    default="text",
    show_default=True,
    help="How to print the findings and the scorecard: text for a terminal, json, sarif (2.1.0, "
    "for code scanning), markdown (a job summary or pull-request comment), github (annotations).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["low", "medium", "high", "none"]),
    default=None,
    help="Exit 1 when a finding at or above this severity remains (default: high).",
)
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Run only these rules.")
@click.option(
    "--with",
    "linters",
    multiple=True,
    metavar="NAMES",
    help="Also run these linters, comma-separated (zizmor, actionlint), and merge their "
    "findings into the report and the scorecard; each must be installed (pitstop[lint]).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Report only findings not in this baseline (written by --write-baseline).",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Save the current findings as the baseline FILE and exit 0.",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write the report in FORMAT to PATH, e.g. --output sarif=results.sarif "
    "(repeatable; one audit, every report).",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Append the Markdown report to the job summary ($GITHUB_STEP_SUMMARY) when it is set.",
)
@click.option("--explain", metavar="ID", help="Explain a rule and exit.")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
def command(
    root: str,
    output: str,
    fail_on: str | None,
    rules: tuple[str, ...],
    linters: tuple[str, ...],
    baseline: str | None,
    write_baseline: str | None,
    outputs: tuple[str, ...],
    summary: bool,
    explain: str | None,
    list_rules: bool,
) -> None:
    """Audit ROOT's workflows and local actions (default: the current folder)."""
    batch()
    from pitstop.audit.registry import all_rules

    known = all_rules()
    if explain is not None:
        click.echo(_explain(explain, known))
        raise SystemExit(EXIT_OK)
    if list_rules:
        for rule in known.values():
            fix = f"fix: {rule.fixable}" if rule.fixable else ""
            click.echo(
                f"{rule.id:<30} {rule.category:<16} {rule.severity:<7} {fix:<15} {rule.summary}"
            )
        raise SystemExit(EXIT_OK)
    config = setup(root, rules, known)
    chosen = _linters(linters, config.linters)
    files = _outputs(outputs)

    from pitstop.audit import audit
    from pitstop.audit.findings import severity_rank
    from pitstop.audit.parallel import workers_for
    from pitstop.audit.repo import Repo

    repo = Repo.load(root)
    if not repo.paths:
        click.echo(
            f"pitstop: no workflows (.github/workflows/*.yml) under {os.path.abspath(root)}",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    try:
        result = audit(repo, config, rules, chosen, workers_for(repo))
    except PitstopError as error:  # a linter named by --with is missing or failed
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    if write_baseline is not None:
        from pitstop.audit.baseline import write_baseline as save

        try:
            saved = save(write_baseline, result.findings, root)
        except OSError as error:
            click.echo(f"pitstop: {write_baseline}: cannot write: {error.strerror}", err=True)
            raise SystemExit(EXIT_USAGE) from None
        click.echo(f"pitstop: saved {saved} findings to {write_baseline}", err=True)
        raise SystemExit(EXIT_OK)
    known_count = 0
    if baseline is not None:
        from pitstop.audit.baseline import apply_baseline

        try:
            split = apply_baseline(baseline, result.findings, root)
        except PitstopError as error:
            click.echo(f"pitstop: {error}", err=True)
            raise SystemExit(EXIT_USAGE) from None
        result.findings = split.new
        known_count = len(split.known)
    described = [known[r] for r in rules] if rules else list(known.values())
    for kind, path in files:
        _write(path, _render(kind, result, root, described), append=False)
    if summary:
        where = os.environ.get("GITHUB_STEP_SUMMARY")
        if where:
            _write(where, _render("markdown", result, root, described), append=True)
        else:
            click.echo(
                "pitstop: --summary: GITHUB_STEP_SUMMARY is not set; no summary written", err=True
            )
    colour = output == "text" and sys.stdout.isatty()
    click.echo(_render(output, result, root, described, colour), nl=False)
    if known_count:
        click.echo(f"pitstop: {known_count} findings in the baseline not shown", err=True)
    if repo.invalid and "invalid-workflow" not in {c.id for c in result.checks}:
        click.echo(
            f"pitstop: {len(repo.invalid)} of {len(repo.paths)} files are not valid workflows "
            "or actions (rule invalid-workflow, not run here); their findings may be incomplete",
            err=True,
        )
    failed_rules = [c for c in result.checks if c.failure]
    for check in failed_rules:
        click.echo(
            f"pitstop: rule {check.id} failed and reported nothing ({check.failure}); "
            "the audit is incomplete: a pitstop bug, please report it",
            err=True,
        )
    threshold = severity_rank(fail_on or config.fail_on or "high")
    failing = any(severity_rank(f.severity) >= threshold for f in result.findings)
    raise SystemExit(EXIT_FAILED if failing else EXIT_USAGE if failed_rules else EXIT_OK)


FORMATS = ("text", "json", "sarif", "markdown", "github")


def _outputs(given: tuple[str, ...]) -> list[tuple[str, str]]:
    """``--output FORMAT=PATH`` values, checked before the audit runs."""
    found = []
    for value in given:
        kind, equals, path = value.partition("=")
        if not equals or not path or kind not in FORMATS:
            raise click.BadParameter(
                f"'{value}' is not FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}",
                param_hint="--output",
            )
        found.append((kind, path))
    return found


def _render(
    kind: str, result: AuditResult, root: str, rules: list[Rule], colour: bool = False
) -> str:
    """The report in one format, ending with a newline."""
    if kind == "json":
        from pitstop.report.audit import render_json

        return render_json(result) + "\n"
    if kind == "sarif":
        from pitstop.report.sarif import render_sarif

        return render_sarif(result, root, rules) + "\n"
    if kind == "markdown":
        from pitstop.report.markdown import render_markdown

        return render_markdown(result, root)
    if kind == "github":
        from pitstop.report.annotations import render_annotations

        return render_annotations(result, root)
    from pitstop.report.audit import render_text

    repo = result.repo
    texts = {path: doc.text for path, doc in repo.documents.items()}
    for finding in result.findings:  # a README, a lock file: findings outside workflows
        path = finding.span.path
        if path not in texts:
            texts[path] = repo.read(repo.relative(path)) or ""
    return render_text(result, texts, colour=colour) + "\n"


def _write(path: str, text: str, append: bool) -> None:
    """A report to a file: replaced atomically, or appended to (the job summary)."""
    from pitstop.atomic import write_text

    try:
        if append:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(text)
        else:
            write_text(path, text)
    except OSError as error:
        click.echo(f"pitstop: {path}: cannot write: {error.strerror}", err=True)
        raise SystemExit(EXIT_USAGE) from None


def setup(root: str, rules: tuple[str, ...], known: Mapping[str, Rule]) -> AuditConfig:
    """Check ``--rule`` and ROOT, and read the audit settings; exit 2 when any is wrong."""
    from pitstop.audit.config import audit_config
    from pitstop.config import load_settings

    for rule_id in rules:
        if rule_id not in known:
            raise click.BadParameter(f"no rule '{rule_id}' (see --list-rules)", param_hint="--rule")
    if not os.path.isdir(root):
        click.echo(f"pitstop: {root}: no such folder", err=True)
        raise SystemExit(EXIT_USAGE)
    try:
        return audit_config(load_settings(root), {r.id: r.options for r in known.values()})
    except PitstopError as error:
        click.echo(f"pitstop: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None


def _linters(given: tuple[str, ...], configured: tuple[str, ...]) -> list[str]:
    """The linters to run: the settings' ``with``, then ``--with``'s, each once, in order."""
    from pitstop.audit.linters import NAMES as known

    chosen: list[str] = list(configured)
    for name in (n.strip() for value in given for n in value.split(",")):
        if not name:
            continue
        if name not in known:
            raise click.BadParameter(
                f"no linter '{name}' (known: {', '.join(sorted(known))})", param_hint="--with"
            )
        if name not in chosen:
            chosen.append(name)
    return chosen


def _explain(rule_id: str, known: Mapping[str, Rule]) -> str:
    rule = known.get(rule_id)
    if rule is None:
        raise click.BadParameter(f"no rule '{rule_id}' (see --list-rules)", param_hint="--explain")
    docs = rule.docs
    options = "".join(f"\n  {k} = {v!r}" for k, v in rule.options.items())
    return (
        f"{rule.id} ({rule.category}, {rule.severity}): {rule.summary}\n"
        + (f"`pitstop fix` fixes it ({rule.fixable}).\n" if rule.fixable else "")
        + "\n"
        f"What it does\n{_indent(docs.what)}\n\nWhy it matters\n{_indent(docs.why)}\n\n"
        f"Example\n{_indent(docs.example)}\n\nUse instead\n{_indent(docs.instead)}"
        + (f"\n\nOptions ([tool.pitstop.audit.rules.{rule.id}]){options}" if options else "")
    )


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.splitlines())
