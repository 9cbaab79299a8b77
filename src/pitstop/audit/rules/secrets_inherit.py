"""secrets-inherit: a call to another repository's workflow with ``secrets: inherit``."""

from __future__ import annotations

from pitstop.audit.repo import Repo, value_span
from pitstop.audit.rule import Check, Docs, Rule


def check(repo: Repo, out: Check) -> None:
    for workflow, job in repo.jobs():
        if not job.uses or job.uses.startswith(("./", "$/")) or _own(repo, job.uses):
            continue  # a workflow of this repository sees what this repository already has
        out.checked += 1
        if job.secrets_inherit:
            out.flag(
                value_span(workflow.doc, job.node, "secrets"),
                f"job '{job.id}' hands every secret of this repository to {job.uses}; pass "
                "the ones it needs by name",
            )
    out.figure = (
        f"{out.checked - out.failed} of {out.checked} external workflow calls name their secrets"
    )


def _own(repo: Repo, uses: str) -> bool:
    """A call of this repository's own workflow by its full name (``acme/api/.github/…@main``
    from acme/api)."""
    return repo.slug is not None and uses.lower().startswith(repo.slug.lower() + "/")


RULE = Rule(
    id="secrets-inherit",
    category="security",
    severity="medium",
    summary="A workflow in another repository receives every secret with `secrets: inherit`.",
    docs=Docs(
        what="Flags jobs that call a reusable workflow outside this repository with "
        "`secrets: inherit`. Calls to `./.github/workflows/…`, or to this repository's own "
        "workflows by their full name (read from the `origin` remote), are exempt: they run "
        "this repository's own code.",
        why="`inherit` passes all of the caller's secrets — deploy keys, registry tokens, "
        "cloud credentials — to code maintained elsewhere, whether it reads them or not. "
        "Whoever can change that workflow, or the tag it is called at, can read them all.",
        example="jobs:\n  release:\n    uses: org/shared/.github/workflows/release.yml@v2\n"
        "    secrets: inherit",
        instead="jobs:\n  release:\n    uses: org/shared/.github/workflows/release.yml@<sha>\n"
        "    secrets:\n      PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}",
    ),
    check=check,
)
