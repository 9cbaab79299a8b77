"""missing-secret-scan: no workflow scans the repository for committed secrets."""

from __future__ import annotations

from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.audit.scanners import SECRETS, scans


def check(repo: Repo, out: Check) -> None:
    where = repo.anchor()
    if where is None:
        return
    out.checked += 1
    tools = sorted({name for _, name, kinds in scans(repo) if SECRETS in kinds})
    if tools:
        out.figure = f"secrets scanned by {', '.join(tools)}"
        return
    out.flag(
        where,
        "no workflow scans for committed secrets: add gitleaks, trufflehog or detect-secrets "
        "on pull requests",
    )
    out.figure = "no secret scan"


RULE = Rule(
    id="missing-secret-scan",
    category="security",
    severity="medium",
    summary="No workflow scans for committed secrets.",
    docs=Docs(
        what="Flags a repository whose workflows run no secret scanner (gitleaks, trufflehog, "
        "detect-secrets, ggshield, trivy, or their actions). The finding points at the `on:` "
        "of the pull-request workflow, where the scan belongs.",
        why="A key pushed once stays in the history for good, and automated harvesters find "
        "public ones within minutes. A scan on every pull request catches it before the "
        "merge, while rotating it is still a small job.",
        example="jobs:\n  test: …\n  lint: …",
        instead="jobs:\n  secret-scan:\n    steps:\n      - uses: actions/checkout@<sha>\n"
        "        with: {fetch-depth: 0}\n      - uses: gitleaks/gitleaks-action@<sha>",
    ),
    check=check,
)
