"""What a job does, read from its steps: deploys, tests. Shared by the rules about delivery."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from pitstop.audit.package_scripts import run_scripts
from pitstop.audit.scripts import commands, words
from pitstop.knowledge.deploys import Ships, records_a_deployment, script_ships, shipping
from pitstop.workflow.model import Job, Step, Workflow

if TYPE_CHECKING:
    from pitstop.audit.repo import Repo

# A test runner as a command word: not a file or folder named for one (`.vitest/index.html`,
# `pytest.ini`, `jest.config.js`), which a `.` before or a `.` or `/` after gives away; and
# not tox or nox running a lint, docs or typing session (`nox -s lint`), nor a target named
# for something else (polars' `make check-fixme` greps for FIXMEs).
TESTS = re.compile(
    r"(?<!\.)\b(pytest|(tox|nox)(?![^\n;&|]*\s(-[es]|--sessions?)[\s=]+"
    r"(lint|docs?|typing|mypy|format|pre-commit|check|type-?check)\b)"
    # listing the tests runs none: `vitest list` (vitest.dev/guide/cli), `jest --listTests`
    # (jestjs.io/docs/cli), `playwright test --list` (playwright.dev/docs/test-cli)
    r"|unittest|jest(?![^\n;&|]*\s--listTests\b)|vitest(?!\s+list\b)|mocha"
    r"|playwright\s+test(?![^\n;&|]*\s--list\b)|cypress\s+run"
    # `go test -run '^$' -bench .` runs benchmarks and no test: '^$' matches no test's name;
    # `go test -list X` lists tests and runs none (go help testflag, -run and -list)
    r"|go\s+test(?![^\n;&|]*\s(-run[= ]['\"]?\^\$|-list[= ]))"
    r"|cargo\s+(insta\s+|nextest\s+run|test)"
    # Maven's phases from `test` on run the tests (maven.apache.org, "Introduction to the Build
    # Lifecycle"), Gradle's `check` and `build` depend on `test` (docs.gradle.org, "The Java
    # Plugin", lifecycle tasks); not when the line skips them
    r"|((mvn|mvnw|gradle|gradlew)\s+((?!-x\b|--exclude-task\b)[-\w.:=]+\s+)*"
    r"(:?[\w-]+:)*(test|verify|package|install|check|build))"
    r"(?![^\n;&|]*(-DskipTests|-Dmaven\.test\.skip|-x\s+test|--exclude-task\s+test))"
    # `npm test`, and the package's test scripts: `pnpm run test-unit`, `yarn test:e2e`
    r"|(npm|pnpm|yarn|bun)\s+(run\s+)?test([-:_][\w:-]*\w)?"
    # Composer's scripts (getcomposer.org/doc/articles/scripts.md: `composer run-script test`,
    # `composer run test:unit`, or `composer test`)
    r"|composer\s+(run(-script)?\s+)?test([-:_][\w:-]*\w)?"
    r"|make\s+(test|check)|ctest|phpunit|rspec"
    # Django's test runner (docs.djangoproject.com, "Writing and running tests": `./manage.py
    # test`, or `django-admin test` with a settings module)
    r"|(manage\.py|django-admin)\s+test"
    # Hatch's test command (hatch.pypa.io, CLI reference: `hatch test` runs pytest), or a script
    # of its `test` environment (rq: `hatch run test:cov`); Task's `task test` (taskfile.dev)
    r"|hatch\s+(run\s+)?test|(?<!-)task\s+test"
    # Deno's and Bun's test runners (docs.deno.com/runtime/reference/cli/test,
    # bun.sh/docs/cli/test)
    r"|(deno|bun)\s+test"
    # a script of the repository's tests folder, run by its interpreter (deno's web platform
    # tests: `deno run -A --config tests/config/deno.json ./tests/wpt/wpt.ts run`)
    r"|(python3?|node|deno\s+run|bun|bash|sh|tsx)\s+"
    r"((?!-m\b|[-\w=./]*\.(py|js|mjs|ts|sh)\b)[-\w=./\\]+\s+)*(\./)?tests?/[\w./-]+\.(py|js|mjs|ts|sh)"
    # chart-testing installs each chart into a cluster and runs its `helm test`s
    # (helm/chart-testing README: "ct install ... and runs tests")
    r"|ct\s+(install|lint-and-install))\b(?![./-])",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def says(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` is found in ``text``: each script is searched once for each pattern
    however many rules ask about its job."""
    return pattern.search(text) is not None


_TEST_CALL = re.compile(r"(test|ci|check)", re.IGNORECASE)
_TEST_NAME = re.compile(r"(?<![^\W_])tests?(?![^\W_])", re.IGNORECASE)  # test_linux, e2e-tests


# In a job with an `environment:`, a step that says it deploys (`./scripts/deploy.sh`, an
# action named for deploying): the environment alone may only hold secrets (uv's
# `environment: automations` for an issue bot, typescript-eslint's for a build cache token).
SAYS_DEPLOY = re.compile(r"\b(deploy|release|publish|rollout)\w*", re.IGNORECASE)


def is_deploy(job: Job, repo: Repo | None = None) -> bool:
    """A job that ships: a step runs a deploy or publish command or action of the table
    (``knowledge/deploys.toml``), itself or through a package.json script of ``repo``, or the
    job names an `environment:` and a step says it deploys. A service deployed into a cluster
    the job makes for itself (kind, k3s) is a test of the deploy, not one."""
    found = [f for s in job.steps if (f := ships(s, repo, job)) is not None]
    if found:
        return not ephemeral_target(job, repo) or any(f.kind != "service" for f in found)
    if job.environment is None or commits_back(job.steps):
        return False  # a job that proposes a change (a version bump's pull request) ships none
    return any(_deploy_action(s) or (s.run is not None and _runs_deploy(s.run)) for s in job.steps)


@lru_cache(maxsize=16384)
def _runs_deploy(script: str) -> bool:
    """A command of the script is named for deploying: its program or subcommand
    (`./scripts/deploy.sh`, `make deploy`, `npm run release`), not a message ("Release
    approved") nor an option (`cargo build --release`) nor a folder (`target/release/deno`)."""
    for command in commands(script):
        said = [w for w in words(command.text) if not re.match(r"[A-Za-z_]\w*=", w)]
        while said and said[0] in ("{", "(", "!", "then", "do", "else"):
            said = said[1:]  # a group's or a clause's opening word: its command follows
        if not said or said[0] in ("echo", "printf", ":", "true", "sleep"):
            continue
        if len(said) > 1 and said[1] in READS:
            continue  # `kubectl get deployments`: it reads what was deployed
        if any(SAYS_DEPLOY.search(w) for w in _program_words(said[:4])):
            return True
    return False


# Subcommands that only read (kubectl get, gh run list, az webapp show): what they name is
# what they look at.
READS = frozenset({"get", "describe", "list", "ls", "show", "view", "status", "logs", "top"})


# A file a command runs as its program: what follows it are the script's arguments.
SCRIPT_FILE = re.compile(r"\.(py|sh|bash|js|mjs|cjs|ts|rb|pl|ps1)$", re.IGNORECASE)


def _program_words(said: list[str]) -> list[str]:
    """The words of a command that name what it runs (their last path part): the program and
    its subcommands (a path after the program only when it is the script file it runs), up to
    that script file, if any, and not past a word the shell expands (gradio's `python
    scripts/delete_old_spaces.py $DAYS gradio-pr-deploys` runs a clean-up, whatever its
    arguments say)."""
    named: list[str] = []
    for word in said:
        if word.startswith("-"):
            continue
        if "$" in word or "://" in word or any(c.isspace() for c in word):
            break  # expanded, a URL or a quoted message: arguments from here on
        if named and "/" in word and not SCRIPT_FILE.search(word):
            continue  # a path it is given (deno's `mkdir -p target/release`), not a program
        named.append(word.rsplit("/", 1)[-1])
        if SCRIPT_FILE.search(word):
            break
    return named


# A branch a release is cut from: `release`, `release/1.2`, `release-v2.0.0`, `v1.x`.
RELEASE_BRANCH = re.compile(r"^(release|releases|rel)([-/_.*].*)?$|^v\d", re.IGNORECASE)


def release_only(workflow: Workflow) -> bool:
    """A workflow that runs for releases only: on `release` events, pushes of tags, or pushes
    to release branches (a manual or called run besides those changes nothing)."""
    code = [t for t in workflow.triggers.values() if t.event not in ("workflow_dispatch",)]
    if not code:
        return False
    for trigger in code:
        if trigger.event == "release":
            continue
        if trigger.event != "push":
            return False
        if trigger.tags is not None and trigger.branches is None:
            continue
        if trigger.branches is not None and all(RELEASE_BRANCH.match(b) for b in trigger.branches):
            continue
        return False
    return True


def builds_release(workflow: Workflow, job: Job, repo: Repo | None = None) -> bool:
    """A job whose output ships: it deploys or publishes itself; in a release-only workflow,
    it hands outputs or artifacts to a job that ships, which waits for it (any job, when none
    is known to ship); elsewhere, it uploads an artifact that a shipping job of the workflow
    waits for and downloads."""
    if _ships(job, repo):
        return True  # even when it also commits (PySyft's deploy-syft bumps the version,
        # pushes it and uploads to PyPI with twine)
    if commits_back(job.steps):
        return False  # it proposes a change (codeql-action's bundle update opens a pull request)
    if release_only(workflow):
        shipping = [other for other in workflow.jobs.values() if _ships(other, repo)]
        # what ships is not known, so any job may; else only what reaches a shipping job: a
        # job it waits for that hands it outputs or artifacts (alpaca-py's tests of a tag,
        # which its publish job does not even wait for, ship nothing)
        return not shipping or any(
            job.id in workflow.with_needs(other.needs) and (job.outputs or _uploads(job))
            for other in shipping
        )
    uploads = _uploads(job)
    return uploads and any(
        job.id in workflow.with_needs(other.needs)
        and _ships(other, repo)
        and any(
            (s.uses or "").lower().startswith("actions/download-artifact@") for s in other.steps
        )
        for other in workflow.jobs.values()
        if other.id != job.id
    )


def _uploads(job: Job) -> bool:
    return any((s.uses or "").lower().startswith("actions/upload-artifact@") for s in job.steps)


def _ships(job: Job, repo: Repo | None = None) -> bool:
    """A step of the table ships (an `environment:` and a step that says "publish" are not
    enough here), and not into a cluster the job makes for itself."""
    return any(ships(s, repo, job) is not None for s in job.steps) and not ephemeral_target(
        job, repo
    )


def ships(step: Step, repo: Repo | None = None, job: Job | None = None) -> Ships | None:
    """What the step ships by the deploys table: itself, or through the repository's scripts,
    make targets and package.json scripts it runs (drizzle's `npm run publish` is `npm publish
    package.tgz`)."""
    found = shipping(step)
    if repo is None or not step.run or (found is not None and not found.own):
        return found
    runs_package = PACKAGE_RUNNER.search(step.run) is not None
    if found is None and not runs_package:
        return None  # most steps: no deploy script, no package script
    code = own_code(step.run, repo) if found is not None else ""
    if runs_package:
        folder = step.working_directory
        if folder is None and job is not None and isinstance(job.defaults.get("run"), dict):
            given = job.defaults["run"].get("working-directory")
            folder = given if isinstance(given, str) else None
        code += "\n" + run_scripts(repo, step.run, folder)
    # what the project's own deploy script or target runs says what it ships (nvm's
    # `./deploy-docs.sh` pushes a site to gh-pages: pages, not a service); when it runs nothing
    # the table knows, the script's name stands
    inner = script_ships(code, own=False) if code.strip() else None
    return inner or found


# A package manager that may run a package.json script.
PACKAGE_RUNNER = re.compile(r"\b(npm|pnpm|yarn|bun)\s")


# A bot's job: it commits what a check found, or opens a pull request with the repair, so a
# failing check there is the input, not a failure to hide.
BOT = re.compile(
    r"\bgit\s+(commit|push)\b|\bgh\s+pr\s+create\b|create-pull-request|autofix-ci/action"
    r"|git-auto-commit-action|add-and-commit",
    re.IGNORECASE,
)


def commits_back(steps: Sequence[Step]) -> bool:
    """Whether these steps (a job's) commit or propose what they changed."""
    return any(BOT.search(s.run or "") or BOT.search(s.uses or "") for s in steps)


# A pull request's events: their runs test a change that has not landed.
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
# Events that never release: what deploys on them is a preview of a change under review.
PREVIEW_EVENTS = frozenset({*PULL_REQUEST_EVENTS, "merge_group"})


def live_jobs(repo: Repo) -> tuple[list[tuple[Workflow, Job]], str]:
    """The jobs that can run, and a note on those switched off with ``if: false`` (for a rule's
    figure: "2 jobs with if: false not audited"), empty when there are none."""
    live = []
    off = 0
    for workflow, job in repo.jobs():
        if workflow.triggers and set(workflow.triggers) <= PREVIEW_EVENTS:
            continue  # a pull request's preview or test deployment: nothing is released
        if never_runs(job):
            off += 1
        else:
            live.append((workflow, job))
    note = f" ({off} job{'s' if off != 1 else ''} with if: false not audited)" if off else ""
    return live, note


def never_runs(job: Job) -> bool:
    """A job switched off: ``if: false`` (or ``${{ false }}``)."""
    condition = job.if_
    if isinstance(condition, bool):
        return not condition
    text = str(condition or "").strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    return text.lower() == "false"


def runs_tests(job: Job, repo: Repo | None = None, seen: frozenset[str] = frozenset()) -> bool:
    """A job that runs tests: a test command in a step, or "test" in its id or name. A call of
    one of the repository's own workflows (given ``repo``) runs tests when a job of that
    workflow does; another repository's workflow, when its name says test, ci or check."""
    if job.uses:
        called = repo.called(job.uses) if repo is not None else None
        if called is not None:
            if called.path in seen:
                return False  # a cycle GitHub would refuse to run
            return any(runs_tests(j, repo, seen | {called.path}) for j in called.jobs.values())
        return says(_TEST_CALL, job.uses)
    return any(_runs_test_command(s, repo) for s in job.steps) or says(
        _TEST_NAME, f"{job.id} {job.name or ''}"
    )


def _runs_test_command(step: Step, repo: Repo | None = None) -> bool:
    """A test command in the step's script, in a package.json script it runs (ant-design's
    `ut predeploy` ends with `npm run test:site`, which runs jest), or handed to a local action
    to run (playwright's `uses: ./.github/actions/run-test` with `command: npm run test`)."""
    if step.run:
        if says(TESTS, step.run):
            return True
        return repo is not None and says(TESTS, run_scripts(repo, step.run, step.working_directory))
    if (step.uses or "").startswith(("./", "$/")) and isinstance(step.with_, dict):
        return any(isinstance(v, str) and says(TESTS, v) for v in step.with_.values())
    return False


def runs_test_commands(job: Job, repo: Repo | None = None) -> bool:
    """A job whose own steps run a test command: the evidence a fix needs before it makes a
    deploy wait for the job's workflow (a job merely named "test-docs" is not enough). Given
    ``repo``, the repository's scripts a step runs are read too (uvicorn's `scripts/test` runs
    pytest)."""
    if repo is None:
        return any(s.run and says(TESTS, s.run) for s in job.steps)
    return any(s.run and says(TESTS, step_text(s, repo)) for s in job.steps)


# A command that restores the previous release.
ROLLS_BACK = re.compile(r"rollback|roll[\s-]back|rollout\s+undo", re.IGNORECASE)


def manual_rollback(workflow: Workflow) -> bool:
    """A workflow run by hand only and named for rolling back (growthbook's "Rollback to SHA",
    novu's "Rollback"): it redeploys a version that shipped, and was tested, before."""
    return set(workflow.triggers) == {"workflow_dispatch"} and bool(
        ROLLS_BACK.search(str(workflow.name or ""))
    )


# A cluster or stack the job makes for itself and throws away: deploying there is a test.
EPHEMERAL_ACTIONS = re.compile(
    r"^(helm/kind-action|engineerd/setup-kind|medyagh/setup-minikube|AbsaOSS/k3d-action"
    r"|nolar/setup-k3d-k3s|container-tools/kind-action|jupyterhub/action-k3s-helm)@",
    re.IGNORECASE,
)
EPHEMERAL_COMMANDS = re.compile(
    r"\bkind\s+create\s+cluster\b|\bminikube\s+start\b|\bk3d\s+cluster\s+create\b"
    # k3s installed on the runner itself (docs.k3s.io/quick-start: `curl -sfL
    # https://get.k3s.io | sh -`), KubeArmor's tests
    r"|\bget\.k3s\.io\b"
    r"|\bct\s+install\b|\b(terraform|tofu)\s+destroy\b"
    # destroy mode of apply (developer.hashicorp.com/terraform/cli/commands/plan, "Planning
    # modes": `terraform apply -destroy`), moto's terraform examples tear down so
    r"|\b(terraform|tofu)\s+apply\b[^\n]*\s-destroy\b"
    # a namespace named for the pull request or the run (microservices-demo's `pr${PR_NUMBER}`
    # on its CI cluster): a preview that a cleanup workflow deletes
    r"|\bNAMESPACE\s*=\s*[\"']?[\w-]*\$\{?\{?\s*(PR_NUMBER|PR|GITHUB_RUN_ID|GITHUB_SHA"
    r"|github\.(run_id|sha|event\.number|event\.pull_request\.number))",
)


def ephemeral_target(job: Job, repo: Repo | None = None) -> bool:
    """A job that deploys into something it creates and removes itself (a kind cluster, a
    stack it destroys at the end): a test of the deploy, not a rollout. The repository's
    scripts and make targets a step runs are read too (ingress-nginx's `make dev-env` makes a
    kind cluster in build/dev-env.sh)."""
    return _makes_its_target(job.steps, repo) or any(_local_cloud(job, s) for s in job.steps)


def _makes_its_target(steps: Sequence[Step], repo: Repo | None, depth: int = 0) -> bool:
    """A step makes a throwaway cluster or stack, itself or in a composite action of the
    repository it uses (kserve's ./.github/actions/minikube-setup, with setup-minikube)."""
    for step in steps:
        if step.uses and EPHEMERAL_ACTIONS.match(step.uses):
            return True
        if step.run and says(EPHEMERAL_COMMANDS, step_text(step, repo)):
            return True
        if repo is not None and depth < 2 and (step.uses or "").startswith("./"):
            action = repo.local_action(step.uses or "")
            if action is not None and _makes_its_target(action.steps, repo, depth + 1):
                return True
    return False


# The cloud's API pointed at this machine: an emulator (moto, LocalStack) the job started
# (AWS SDKs' AWS_ENDPOINT_URL, docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html;
# the CLI's --endpoint-url).
LOCAL_ENDPOINT = re.compile(
    r"(AWS_ENDPOINT_URL\w*|--endpoint-url)[\s=:\"']+https?://(localhost|127\.0\.0\.1)\b"
)


def _local_cloud(job: Job, step: Step) -> bool:
    """The step ships to a cloud API served on localhost (moto's `cdk deploy` with
    `AWS_ENDPOINT_URL: http://localhost:5000`): a test of the deploy."""
    if shipping(step) is None:
        return False
    given = [job.env, step.env]
    settings = " ".join(
        f"{k}={v}" for env in given if isinstance(env, dict) for k, v in env.items()
    )
    return bool(LOCAL_ENDPOINT.search(f"{settings}\n{step.run or ''}"))


def deploy_steps(job: Job, repo: Repo | None = None) -> list[Step]:
    """The steps that roll out a service: a deploy command or action of the table, or in a job
    with an environment, an action named for deploying. Not the repository's own action
    (``own`` is its ``owner/name``): a deploy action's repository deploys sample apps to test
    the action (Azure/webapps-deploy's scheduled tests), not a service anyone runs."""
    own = repo.slug if repo is not None else None
    found = [
        s
        for s in job.steps
        if not _own_action(s, own)
        and (
            (
                (shipped := ships(s, repo, job)) is not None
                and shipped.kind == "service"
                and not (s.run and _rollback_only(s.run))
            )
            or (job.environment is not None and shipped is None and _deploy_action(s))
        )
    ]
    return [] if found and ephemeral_target(job, repo) else found  # most jobs deploy nothing


# A script of the repository a step runs: `bash ./examples/deploy-all.sh`, `./scripts/x.sh`,
# or a make recipe's `@build/dev-env.sh`.
# a shell or Python script of the repository (`./ci/deploy.sh`, mitmproxy's
# `./release/release.py`), or one of the extension-less scripts of a `scripts/` folder (encode's
# httpx and starlette: `scripts/build`, `scripts/test`)
LOCAL_SCRIPT = re.compile(
    r"(?:^|[\s;&|(@])(?:(?:bash|sh)\s+)?\.?/?((?:[\w.-]+/)*[\w.-]+\.(?:sh|py)|scripts/[\w-]+)"
    r"(?![\w./-])"
    # an executable of the repository run by its path, without a suffix (Kiwi's
    # `./tests/migrations-rollback`)
    r"|(?:^|[\s;&|(])\./((?:[\w.-]+/)+[\w-]+)(?![\w./-])"
    # a JavaScript or TypeScript file a runtime runs (uptime-kuma's `node extra/release/….mjs`)
    r"|\b(?:node|bun|tsx|ts-node)\s+\.?/?((?:[\w.-]+/)*[\w.-]+\.[cm]?[jt]s)(?![\w./-])"
)


# `make target` (or `make -C dir target`): the recipe of a target of the repository's Makefile.
MAKE = re.compile(r"(?:^|[\s;&|(])make((?:\s+-C\s*[\w./-]+|\s+-[\w]+)*)\s+([\w.-]+)")


def step_text(step: Step, repo: Repo | None = None) -> str:
    """What a step says it does: its name, script and action, and the text of the repository's
    own shell scripts and make targets it runs, where a deploy's rollback or health check
    often lives (jaeger's deploy-all.sh runs `helm upgrade --atomic`)."""
    text = f"{step.name or ''}\n{step.run or ''}\n{step.uses or ''}"
    if repo is None or not step.run:
        return text
    return text + own_code(step.run, repo)


def _scripts_run(script: str) -> list[str]:
    """The paths of the repository's own scripts a script runs, as written."""
    return [next(g for g in found.groups() if g) for found in LOCAL_SCRIPT.finditer(script)]


def own_code(script: str, repo: Repo) -> str:
    """The text of the repository's own shell scripts and make targets a script runs (each
    on lines of its own), or ""."""
    text = ""
    own = _scripts_run(script)
    for found in MAKE.finditer(script):
        folder = re.search(r"-C\s*([\w./-]+)", found.group(1))
        recipe = _recipe(repo, folder.group(1) if folder else ".", found.group(2))
        text += "\n" + recipe
        own += _scripts_run(recipe)
    seen: set[str] = set()
    for depth in range(2):  # a script, and the scripts it runs (KubeArmor's install-k3s.sh)
        nested: list[str] = []
        for name in own:
            if ".." in name.split("/") or name in seen:
                continue  # inside the repository only, each once
            seen.add(name)
            found_text = repo.read(name)
            if found_text:
                text += "\n" + found_text[:100_000]
                if depth == 0:
                    nested += _scripts_run(found_text[:100_000])
        own = nested
    return text


def _recipe(repo: Repo, folder: str, target: str, depth: int = 2) -> str:
    """The recipe lines of ``target`` in ``folder``'s Makefile, and of the targets it depends
    on (two levels: actionlint's `lint` runs `.linttimestamp`'s recipe), or ""."""
    if ".." in folder.split("/"):
        return ""
    makefile = repo.read(os.path.normpath(os.path.join(folder, "Makefile"))) or ""
    found = re.search(
        rf"^(?:[^\s:#=]+\s+)*{re.escape(target)}(?:\s+[^\s:#=]+)*\s*:(?!=)([^\n]*)\n"
        r"((?:(?:\t|(?:ifn?eq|ifn?def|else|endif)\b)[^\n]*\n?)*)",
        makefile,
        re.M,
    )
    if not found:
        return ""
    text = found.group(1) + "\n" + found.group(2)  # prerequisites too: `docs/checks.md`
    if depth > 0:
        for prerequisite in found.group(1).split():
            if "$" not in prerequisite and prerequisite != target:
                text += _recipe(repo, folder, prerequisite, depth - 1)
    return text


def _own_action(step: Step, own: str | None) -> bool:
    uses = (step.uses or "").lower()
    return uses in ("./", ".") or bool(own and uses.startswith(own.lower() + "@"))


def _deploy_action(step: Step) -> bool:
    """An action the table does not list but whose repository calls itself a deploy
    (``acme/ecs-deploy``): evidence only in a job GitHub already treats as a deployment
    (one with an ``environment:``)."""
    if not step.uses or step.uses.startswith(("./", "$/", "docker://")):
        return False
    if records_a_deployment(step):
        return False  # a deployment marker or status (newrelic/deployment-marker-action)
    repository = step.uses.partition("@")[0].lower().split("/")
    return len(repository) > 1 and "deploy" in repository[1]


def _rollback_only(script: str) -> bool:
    return bool(ROLLS_BACK.search(script))
