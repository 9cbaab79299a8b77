"""The deploys table (``pitstop/knowledge/deploys.toml``): every entry is sourced and of a known
kind; each command's usual form is found where a command starts, and not when the word only
appears in a path or an argument."""

from __future__ import annotations

import json

import pytest

from pitstop.audit.jobs import is_deploy
from pitstop.knowledge.deploys import KINDS, script_ships, shipping, waits_for_health
from pitstop.knowledge.tables import table
from pitstop.workflow.repository import load_file

ROWS = table("deploys.toml")
USUAL = [
    ("kubectl apply -f k8s/", "service"),
    ("helm upgrade --install app chart/", "service"),
    ("helmfile apply", "service"),
    ("terraform apply -auto-approve", "service"),
    ("pulumi up --yes", "service"),
    ("npx cdk deploy --all", "service"),
    ("gcloud run deploy api --image x", "service"),
    ("aws ecs update-service --cluster c --service s", "service"),
    ("az webapp deploy --name app", "service"),
    ("heroku container:release web", "service"),
    ("docker stack deploy -c stack.yml app", "service"),
    ("argocd app sync api", "service"),
    ("bundle exec cap production deploy", "service"),
    ("make deploy ENV=prod", "service"),
    ("vercel deploy --prod", "service"),
    ("twine upload dist/*", "package"),
    ("python -m twine upload --skip-existing ./wheelhouse/*", "package"),
    ("npm publish --access public", "package"),
    ("cargo publish", "package"),
    ("docker push ghcr.io/org/app:1", "package"),
    ("aws s3 sync dist/ s3://releases/", "package"),
    ("npx semantic-release", "release"),
    ("goreleaser release --clean", "release"),
    ("gh release create v1.0.0 dist/*", "release"),
    ("mkdocs gh-deploy --force", "pages"),
    ("git push --force origin HEAD:gh-pages", "pages"),
]


@pytest.mark.parametrize(
    "row", ROWS["command"] + ROWS["action"], ids=lambda r: r.get("name", r.get("pattern", ""))[:40]
)
def test_entries_are_sourced_and_of_a_known_kind(row: dict[str, str]) -> None:
    assert row["kind"] in KINDS
    assert row["source"]


@pytest.mark.parametrize(("script", "kind"), USUAL)
def test_the_usual_form_of_each_command_ships(script: str, kind: str) -> None:
    found = script_ships(f"echo start\n{script}\n")
    assert found is not None and found.kind == kind


@pytest.mark.parametrize(
    "script",
    [
        "clang-tidy csrc/deploy/*.cc",
        "echo 'see docs/deploy.md'",
        "vercel deploy",  # a preview
        "pytest tests/test_publish.py",
        "ls deploy/",
        "gh release create v1.0.0 --draft --generate-notes",  # a draft, not published
        # goreleaser's docs: --snapshot builds "without publishing any artifacts" (pulumi's
        # pull-request build), as does --skip=publish
        "goreleaser release --snapshot --clean",
        "goreleaser release --clean --skip=publish,sign",
        # opendatahub's kube-linter job: `make prepare`, and lines later, in a heredoc, a word
        "make prepare\npython3 - <<'EOF'\nCHECKS = {'pods'}  # the operator deploys pods\nEOF",
    ],
)
def test_a_word_in_a_path_or_an_argument_is_not_a_deploy(script: str) -> None:
    assert script_ships(script) is None


@pytest.mark.parametrize(
    ("uses", "given", "ships"),
    [
        ("softprops/action-gh-release@v2", {"files": "dist/*"}, True),
        ("goreleaser/goreleaser-action@v6", {"args": "release --clean"}, True),
        ("goreleaser/goreleaser-action@v6", {}, True),  # goreleaser's default command: release
        ("goreleaser/goreleaser-action@v6", {"args": "check"}, False),  # goreleaser's own CI
        ("goreleaser/goreleaser-action@v6", {"args": "release --snapshot --clean"}, False),
        ("softprops/action-gh-release@v2", {"draft": True}, False),
        ("ncipollo/release-action@v1", {"draft": "true"}, False),
        ("ncipollo/release-action@v1", {"draft": "${{ inputs.draft }}"}, True),
        ("changesets/action@v1", {"publish": "pnpm changeset publish"}, True),
        ("changesets/action@v2", {"publish-script": "pnpm changeset:release"}, True),
        ("changesets/action@v1", {"version": "pnpm changeset version"}, False),
    ],
)
def test_an_action_ships_only_with_the_inputs_that_make_it_ship(
    uses: str, given: dict[str, object], ships: bool
) -> None:
    """The actions' READMEs: `draft: true` creates the release unpublished, for a maintainer
    to publish by hand (cluster-api's release job)."""
    text = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: {uses}\n        with: {json.dumps(given)}\n"
    )
    workflow = load_file(".github/workflows/release.yml", text=text).workflow
    assert workflow is not None
    step = workflow.jobs["release"].steps[0]
    assert (shipping(step) is not None) is ships


@pytest.mark.parametrize("row", ROWS["not_a_deploy"], ids=lambda r: r["name"])
def test_a_deployment_marker_ships_nothing(row: dict[str, str]) -> None:
    """An action named for deployments that only records one: a job with an environment that
    runs it deploys nothing, where an unknown `acme/ecs-deploy` would."""
    assert row["source"].startswith("https://")
    for uses, deploys in ((f"{row['name']}@v1", False), ("acme/ecs-deploy@v1", True)):
        workflow = (
            "on: push\njobs:\n  a:\n    runs-on: x\n    environment: production\n"
            f"    steps:\n      - uses: {uses}\n"
        )
        job = load_file(".github/workflows/w.yml", text=workflow).workflow.jobs["a"]
        assert is_deploy(job) is deploys, uses


def test_a_deploy_that_waits_for_health_says_so() -> None:
    """amazon-ecs-deploy-task-definition's `wait-for-service-stability: true` waits for a
    stable service (its README); left out or false, it returns once the task is submitted."""
    steps = [
        ("      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n"
         f"        with: {{service: api{given}}}\n", waits)
        for given, waits in ((", wait-for-service-stability: true", True),
                             (", wait-for-service-stability: false", False), ("", False))
    ]  # fmt: skip
    for step, waits in steps:
        text = f"on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n{step}"
        job = load_file(".github/workflows/w.yml", text=text).workflow.jobs["a"]
        assert waits_for_health(job.steps[0]) is waits, step
