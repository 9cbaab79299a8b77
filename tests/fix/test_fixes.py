"""Every fix on exact text: the file before, the file after, and a second run that changes
nothing. The expected text is the whole file, so every byte outside the edit is checked too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fix.helpers import fixed_text

HEAD = "on: push\njobs:\n"


CASES = [
    # -- missing-timeout ---------------------------------------------------------------------
    pytest.param(
        "missing-timeout",
        HEAD + "  test:\n    runs-on: ubuntu-latest  # hosted\n    steps:\n      - run: pytest\n",
        HEAD + "  test:\n    runs-on: ubuntu-latest  # hosted\n    timeout-minutes: 30\n"
        "    steps:\n      - run: pytest\n",
        True,
        {},
        id="timeout-after-runs-on",
    ),
    pytest.param(
        "missing-timeout",
        HEAD + "  test:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: pytest\n",
        HEAD + "  test:\n    runs-on: [self-hosted, linux]\n    timeout-minutes: 30\n"
        "    steps:\n      - run: pytest\n",
        True,
        {},
        id="timeout-before-steps",
    ),
    pytest.param(
        "missing-timeout",
        HEAD + "    test:\n        runs-on: x\n        steps:\n            - run: pytest\n",
        HEAD + "    test:\n        runs-on: x\n        timeout-minutes: 30\n"
        "        steps:\n            - run: pytest\n",
        True,
        {},
        id="timeout-four-space-indent",
    ),
    # -- checkout-credentials: an explicit `true` is the author's choice ----------------------
    pytest.param(
        "checkout-credentials",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "        with:\n          persist-credentials: true  # needed to push the PR branch\n"
        "      - run: python misc/sync.py\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "        with:\n          persist-credentials: false  # needed to push the PR branch\n"
        "      - run: python misc/sync.py\n",
        True,
        {},
        id="checkout-explicit-true-needs-unsafe",
    ),
    # -- stale-workflow-run --------------------------------------------------------------------
    pytest.param(
        "stale-workflow-run",
        "on:\n  workflow_run:\n    workflows: ['Compatibility Check']  # katana\njobs:\n"
        "  a:\n    runs-on: x\n    steps: [{run: make}]\n",
        "on:\n  workflow_run:\n    workflows: ['Compatibility Checks']  # katana\njobs:\n"
        "  a:\n    runs-on: x\n    steps: [{run: make}]\n",
        True,
        {
            ".github/workflows/c.yml": "name: Compatibility Checks\n"
            + HEAD
            + "  a:\n    runs-on: x\n    steps: [{run: make}]\n"
        },
        id="workflow-run-the-one-close-name",
    ),
    pytest.param(
        "stale-workflow-run",
        "on:\n  workflow_run:\n    workflows: [C++]\njobs:\n"
        "  a:\n    runs-on: x\n    steps: [{run: make}]\n",
        "on:\n  workflow_run:\n    workflows: [C\\+\\+]\njobs:\n"
        "  a:\n    runs-on: x\n    steps: [{run: make}]\n",
        True,
        {
            ".github/workflows/c.yml": "name: C++\n"
            + HEAD
            + "  a:\n    runs-on: x\n    steps: [{run: make}]\n"
        },
        id="workflow-run-name-escaped-as-a-pattern",
    ),
    # -- cache-poisoning -----------------------------------------------------------------------
    pytest.param(
        "cache-poisoning",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-go@v5\n"
        "      - run: twine upload dist/*\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-go@v5\n"
        "        with:\n          cache: false\n      - run: twine upload dist/*\n",
        False,
        {},
        id="cache-off-new-with",
    ),
    pytest.param(
        "cache-poisoning",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: astral-sh/setup-uv@v6\n"
        "        with:\n          enable-cache: true  # speed\n      - run: uv publish\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: astral-sh/setup-uv@v6\n"
        "        with:\n          enable-cache: false  # speed\n      - run: uv publish\n",
        False,
        {},
        id="cache-off-existing-input",
    ),
    pytest.param(
        "cache-poisoning",
        "on: pull_request_target\ncache-mode: write  # warm\njobs:\n  a:\n    runs-on: x\n"
        "    steps:\n      - run: make\n",
        "on: pull_request_target\ncache-mode: read  # warm\njobs:\n  a:\n    runs-on: x\n"
        "    steps:\n      - run: make\n",
        False,
        {},
        id="cache-mode-write-to-read",
    ),
    pytest.param(
        "cache-poisoning",
        "on: [workflow_run]\njobs:\n  a:\n    runs-on: x\n    cache-mode: 'write-only'\n"
        "    steps:\n      - run: make\n",
        "on: [workflow_run]\njobs:\n  a:\n    runs-on: x\n    cache-mode: 'none'\n"
        "    steps:\n      - run: make\n",
        False,
        {},
        id="cache-mode-write-only-to-none",
    ),
    # -- unsound-condition ---------------------------------------------------------------------
    pytest.param(
        "unsound-condition",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - if: |\n"
        "          ${{ github.ref == 'refs/heads/main' }}\n        run: ./deploy.sh\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - if: |-\n"
        "          ${{ github.ref == 'refs/heads/main' }}\n        run: ./deploy.sh\n",
        True,
        {},
        id="condition-block-to-expression",
    ),
    # -- checkout-credentials ------------------------------------------------------------------
    pytest.param(
        "checkout-credentials",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with:\n          persist-credentials: false\n",
        False,
        {},
        id="credentials-new-with",
    ),
    pytest.param(
        "checkout-credentials",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with:\n          fetch-depth: 0  # full history\n      - run: make\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with:\n          fetch-depth: 0  # full history\n"
        "          persist-credentials: false\n      - run: make\n",
        False,
        {},
        id="credentials-existing-with",
    ),
    pytest.param(
        "checkout-credentials",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with: {persist-credentials: 'true'}\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with: {persist-credentials: false}\n",
        True,  # an explicit `true` is the author's choice: turning it off is unsafe
        {},
        id="credentials-true-to-false",
    ),
    # -- service-without-healthcheck -------------------------------------------------------------
    pytest.param(
        "service-without-healthcheck",
        HEAD + "  a:\n    runs-on: x\n    services:\n      redis:\n        image: redis:7\n"
        "        ports: ['6379:6379']\n    steps:\n      - run: make\n",
        HEAD + "  a:\n    runs-on: x\n    services:\n      redis:\n        image: redis:7\n"
        '        options: >-\n          --health-cmd "redis-cli ping"\n'
        "          --health-interval 5s --health-timeout 5s --health-retries 10\n"
        "        ports: ['6379:6379']\n    steps:\n      - run: make\n",
        False,
        {},
        id="health-redis-new-options",
    ),
    pytest.param(
        "service-without-healthcheck",
        HEAD + "  a:\n    runs-on: x\n    services:\n      db:\n        image: postgres:16\n"
        "        env: {POSTGRES_USER: app, POSTGRES_PASSWORD: x}\n"
        "        options: --shm-size 256m\n    steps:\n      - run: make\n",
        HEAD + "  a:\n    runs-on: x\n    services:\n      db:\n        image: postgres:16\n"
        "        env: {POSTGRES_USER: app, POSTGRES_PASSWORD: x}\n"
        '        options: --health-cmd "pg_isready -U app" --health-interval 5s '
        "--health-timeout 5s --health-retries 10 --shm-size 256m\n    steps:\n      - run: make\n",
        False,
        {},
        id="health-postgres-existing-options",
    ),
    pytest.param(
        "service-without-healthcheck",
        HEAD + "  a:\n    runs-on: x\n    services:\n      db:\n        image: mysql:8\n"
        "        options: >-\n          --tmpfs /var/lib/mysql\n    steps:\n      - run: make\n",
        HEAD + "  a:\n    runs-on: x\n    services:\n      db:\n        image: mysql:8\n"
        '        options: >-\n          --health-cmd "mysqladmin ping -h 127.0.0.1" '
        "--health-interval 5s --health-timeout 5s --health-retries 10\n"
        "          --tmpfs /var/lib/mysql\n    steps:\n      - run: make\n",
        False,
        {},
        id="health-mysql-folded-options",
    ),
    # -- hardcoded-credential ------------------------------------------------------------------
    pytest.param(
        "hardcoded-credential",
        HEAD + "  a:\n    runs-on: x\n    env:\n      DB_PASSWORD: hunter2\n"
        "      DATABASE_URL: postgres://app:hunter2@localhost/app\n"
        "      CACHE_URL: redis://u:s3cret@localhost:6379\n    steps:\n      - run: make\n",
        HEAD + "  a:\n    runs-on: x\n    env:\n      DB_PASSWORD: ${{ secrets.DB_PASSWORD }}\n"
        "      DATABASE_URL: postgres://app:${{ secrets.DB_PASSWORD }}@localhost/app\n"
        "      CACHE_URL: redis://u:${{ secrets.CACHE_PASSWORD }}@localhost:6379\n"
        "    steps:\n      - run: make\n",
        True,
        {},
        id="credential-same-literal-same-secret",
    ),
    pytest.param(
        "hardcoded-credential",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: some/deploy@v1\n        with:\n"
        "          token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: some/deploy@v1\n        with:\n"
        "          token: '${{ secrets.DEPLOY_TOKEN }}'\n",
        True,
        {},
        id="credential-token-keeps-quotes",
    ),
    pytest.param(
        "hardcoded-credential",
        HEAD + "  a:\n    runs-on: x\n    services:\n      db:\n        image: postgres\n"
        "        env:\n          POSTGRES_PASSWORD: postgres\n    env:\n"
        "      DATABASE_URL: postgres://postgres:postgres@localhost:5432/postgres\n"
        "    steps:\n      - run: make\n"
        "  b:\n    runs-on: x\n    env:\n      POSTGRES_PASSWORD: other-value\n"
        "    steps:\n      - run: make\n",
        HEAD + "  a:\n    runs-on: x\n    services:\n      db:\n        image: postgres\n"
        "        env:\n          POSTGRES_PASSWORD: ${{ secrets.POSTGRES_PASSWORD }}\n"
        "    env:\n      DATABASE_URL: "
        "postgres://postgres:${{ secrets.POSTGRES_PASSWORD }}@localhost:5432/postgres\n"
        "    steps:\n      - run: make\n"
        "  b:\n    runs-on: x\n    env:\n"
        "      POSTGRES_PASSWORD: ${{ secrets.POSTGRES_PASSWORD_2 }}\n"
        "    steps:\n      - run: make\n",
        True,
        {},
        id="credential-only-the-password-of-the-url-and-one-name-per-value",
    ),
    # -- soft-fail-security-scan -----------------------------------------------------------------
    pytest.param(
        "soft-fail-security-scan",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: bandit -r src -ll || true\n"
        "      - run: |\n          pip-audit  || echo 'audit failed'\n          echo done\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: bandit -r src -ll\n"
        "      - run: |\n          pip-audit\n          echo done\n",
        True,
        {},
        id="soft-fail-or-true-and-echo",
    ),
    pytest.param(
        "soft-fail-security-scan",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - name: scan\n"
        "        continue-on-error: true\n        run: semgrep scan --error\n"
        "      - run: flake8 --exit-zero && safety check --exit-zero\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - name: scan\n"
        "        run: semgrep scan --error\n"
        "      - run: flake8 --exit-zero && safety check\n",
        True,
        {},
        id="soft-fail-continue-on-error-and-exit-zero",
    ),
    pytest.param(
        "soft-fail-security-scan",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: aquasecurity/trivy-action@0.28.0\n"
        "        with:\n          image-ref: app\n          exit-code: 0\n"
        "      - run: trivy fs --exit-code 0 .\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: aquasecurity/trivy-action@0.28.0\n"
        "        with:\n          image-ref: app\n          exit-code: 1\n"
        "      - run: trivy fs --exit-code 1 .\n",
        True,
        {},
        id="soft-fail-exit-code",
    ),
    # -- sleep-for-readiness and unchecked-curl ----------------------------------------------
    pytest.param(
        "sleep-for-readiness",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: ./start.sh &\n"
        '      - run: sleep 20\n      - run: curl -s "http://localhost:$PORT/health"\n',
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: ./start.sh &\n"
        "      - run: curl --fail --silent --show-error --output /dev/null --retry 40 "
        '--retry-delay 1 --retry-all-errors "http://localhost:$PORT/health"\n'
        '      - run: curl -s "http://localhost:$PORT/health"\n',
        True,
        {},
        id="sleep-to-poll",
    ),
    pytest.param(
        "unchecked-curl",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: |\n"
        "          curl -sS https://example.test/a\n          curl -f https://example.test/b\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: |\n"
        "          curl --fail -sS https://example.test/a\n          curl -f https://example.test/b\n",
        True,
        {},
        id="curl-fail",
    ),
    # -- excessive-permissions -----------------------------------------------------------------
    pytest.param(
        "excessive-permissions",
        "on: push\npermissions:\n  contents: write\n  id-token: write\njobs:\n"
        "  release:\n    runs-on: x\n    steps:\n      - run: gh release create v1\n"
        "  build:\n    runs-on: x\n    steps:\n      - run: make\n",
        "on: push\npermissions:\n  contents: read\n  id-token: none\njobs:\n"
        "  release:\n    runs-on: x\n    permissions:\n      contents: write\n"
        "      id-token: none\n    steps:\n      - run: gh release create v1\n"
        "  build:\n    runs-on: x\n    steps:\n      - run: make\n",
        True,
        {},
        id="permissions-moved-to-the-job-that-needs-them",
    ),
    pytest.param(
        "excessive-permissions",
        "name: CI\non: push\n\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n",
        "name: CI\non: push\n\npermissions:\n  contents: read\n\n"
        "jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n",
        True,
        {},
        id="permissions-added",
    ),
    pytest.param(
        "excessive-permissions",
        "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - run: make\n",
        "on: push\npermissions: {contents: read}\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - run: make\n",
        True,
        {},
        id="permissions-write-all",
    ),
    pytest.param(
        "excessive-permissions",
        "on: push\npermissions:\n  contents: write\n  issues: write\njobs:\n  a:\n"
        "    runs-on: x\n    steps:\n      - run: gh issue list\n",
        "on: push\npermissions:\n  contents: read\n  issues: read\njobs:\n  a:\n"
        "    runs-on: x\n    steps:\n      - run: gh issue list\n",
        True,
        {},
        id="permissions-unused-write",
    ),
    # -- template-injection --------------------------------------------------------------------
    pytest.param(
        "template-injection",
        HEAD + "  a:\n    runs-on: x\n    steps:\n"
        '      - run: echo "Title ${{ github.event.pull_request.title }}"\n',
        HEAD + "  a:\n    runs-on: x\n    steps:\n"
        '      - run: echo "Title ${PULL_REQUEST_TITLE}"\n'
        "        env:\n          PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}\n",
        False,
        {},
        id="injection-one-line",
    ),
    pytest.param(
        "template-injection",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - name: Tag\n        run: |\n"
        '          git tag "preview-${{ github.head_ref }}"\n'
        "          echo 'ref: ${{ github.head_ref }}'\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - name: Tag\n"
        "        env:\n          HEAD_REF: ${{ github.head_ref }}\n        run: |\n"
        '          git tag "preview-${HEAD_REF}"\n'
        "          echo 'ref: '\"${HEAD_REF}\"''\n",
        False,
        {},
        id="injection-single-quotes-twice",
    ),
    pytest.param(
        "template-injection",
        HEAD + "  a:\n    runs-on: x\n    env:\n      ISSUE_TITLE: other\n    steps:\n"
        '      - run: |\n          echo "${{ github.event.issue.title }}"\n      - run: make\n',
        HEAD + "  a:\n    runs-on: x\n    env:\n      ISSUE_TITLE: other\n    steps:\n"
        '      - run: |\n          echo "${ISSUE_TITLE_2}"\n'
        "        env:\n          ISSUE_TITLE_2: ${{ github.event.issue.title }}\n"
        "      - run: make\n",
        False,
        {},
        id="injection-after-block-name-taken",
    ),
    # -- missing-concurrency -------------------------------------------------------------------
    pytest.param(
        "missing-concurrency",
        "on:\n  pull_request:\npermissions:\n  contents: read\n\njobs:\n  a:\n    runs-on: x\n"
        "    steps:\n      - run: git fetch && make\n",
        "on:\n  pull_request:\npermissions:\n  contents: read\n\n"
        "concurrency:\n  group: ${{ github.workflow }}-"
        "${{ github.event.pull_request.number || github.run_id }}\n  cancel-in-progress: true\n"
        "\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: git fetch && make\n",
        False,
        {},
        id="concurrency-before-jobs",
    ),
    # -- deploy-without-tests ------------------------------------------------------------------
    pytest.param(
        "deploy-without-tests",
        HEAD + "  test:\n    runs-on: x\n    steps:\n      - run: pytest\n"
        "  deploy:\n    runs-on: x\n    environment: prod\n    steps:\n      - run: ./deploy.sh\n",
        HEAD + "  test:\n    runs-on: x\n    steps:\n      - run: pytest\n"
        "  deploy:\n    needs: test\n    runs-on: x\n    environment: prod\n"
        "    steps:\n      - run: ./deploy.sh\n",
        True,
        {},
        id="deploy-needs-test-job",
    ),
    pytest.param(
        "deploy-without-tests",
        HEAD + "  lint:\n    runs-on: x\n    steps:\n      - run: ruff check\n"
        "  unit:\n    runs-on: x\n    steps:\n      - run: pytest\n"
        "  deploy:\n    name: Ship it\n    needs: lint\n    runs-on: x\n"
        "    steps:\n      - run: ./deploy.sh\n",
        HEAD + "  lint:\n    runs-on: x\n    steps:\n      - run: ruff check\n"
        "  unit:\n    runs-on: x\n    steps:\n      - run: pytest\n"
        "  deploy:\n    name: Ship it\n    needs: [lint, unit]\n    runs-on: x\n"
        "    steps:\n      - run: ./deploy.sh\n",
        True,
        {},
        id="deploy-needs-extended",
    ),
    # -- missing-dependency-cache ------------------------------------------------------------------
    pytest.param(
        "missing-dependency-cache",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "      - uses: actions/setup-python@v6\n"
        "        with:\n          python-version: '3.12'  # ours\n      - run: pip install .\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "      - uses: actions/setup-python@v6\n"
        "        with:\n          python-version: '3.12'  # ours\n          cache: pip\n"
        "      - run: pip install .\n",
        False,
        {"requirements.txt": "flask\n"},
        id="cache-pip-in-with",
    ),
    pytest.param(
        "missing-dependency-cache",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "      - uses: actions/setup-node@v5\n"
        "      - run: yarn\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "      - uses: actions/setup-node@v5\n"
        "        with:\n          cache: yarn\n      - run: yarn\n",
        False,
        {"web/yarn.lock": "", "package-lock.json": ""},
        id="cache-yarn-new-with",
    ),
    pytest.param(
        "missing-dependency-cache",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "      - {uses: actions/setup-python@v6, with: {python-version: '3.12'}}\n"
        "      - run: poetry install\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n"
        "      - {uses: actions/setup-python@v6, with: {python-version: '3.12', cache: poetry}}\n"
        "      - run: poetry install\n",
        False,
        {"poetry.lock": "", "requirements.txt": ""},
        id="cache-poetry-flow",
    ),
    # -- needless-serial-jobs ------------------------------------------------------------------
    pytest.param(
        "needless-serial-jobs",
        HEAD + "  a:\n    runs-on: x\n    steps: [{run: pytest tests/a}]\n"
        "  b:\n    needs: a  # gate\n    runs-on: x\n    steps: [{run: pytest tests/b}]\n",
        HEAD + "  a:\n    runs-on: x\n    steps: [{run: pytest tests/a}]\n"
        "  b:\n    runs-on: x\n    steps: [{run: pytest tests/b}]\n",
        True,
        {},
        id="serial-scalar",
    ),
    pytest.param(
        "needless-serial-jobs",
        HEAD + "  a:\n    runs-on: x\n    steps: [{run: pytest tests/a}]\n"
        "  c:\n    runs-on: x\n    outputs: {v: '1'}\n    steps: [{run: pytest tests/c}]\n"
        "  b:\n    needs:\n      - a\n      - c\n    runs-on: x\n"
        "    steps: [{run: 'pytest --v=${{ needs.c.outputs.v }}'}]\n",
        HEAD + "  a:\n    runs-on: x\n    steps: [{run: pytest tests/a}]\n"
        "  c:\n    runs-on: x\n    outputs: {v: '1'}\n    steps: [{run: pytest tests/c}]\n"
        "  b:\n    needs:\n      - c\n    runs-on: x\n"
        "    steps: [{run: 'pytest --v=${{ needs.c.outputs.v }}'}]\n",
        True,
        {},
        id="serial-block-item",
    ),
    pytest.param(
        "needless-serial-jobs",
        HEAD + "  a:\n    runs-on: x\n    steps: [{run: pytest tests/a}]\n"
        "  c:\n    runs-on: x\n    steps: [{run: pytest tests/c}]\n"
        "  b:\n    needs: [a, c]\n    runs-on: x\n    steps: [{run: pytest tests/b}]\n",
        HEAD + "  a:\n    runs-on: x\n    steps: [{run: pytest tests/a}]\n"
        "  c:\n    runs-on: x\n    steps: [{run: pytest tests/c}]\n"
        "  b:\n    runs-on: x\n    steps: [{run: pytest tests/b}]\n",
        True,
        {},
        id="serial-flow-both",
    ),
    # -- masked-test-failure -----------------------------------------------------------------------
    pytest.param(
        "masked-test-failure",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: pytest -q || true  # flaky\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: pytest -q  # flaky\n",
        True,
        {},
        id="masked-or-true",
    ),
    pytest.param(
        "masked-test-failure",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: mypy src\n"
        "        continue-on-error: true\n      - run: make\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - run: mypy src\n      - run: make\n",
        True,
        {},
        id="masked-continue-on-error",
    ),
    # -- deprecated-action-version ---------------------------------------------------------------
    pytest.param(
        "deprecated-action-version",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v3  # code\n"
        "      - uses: 'actions/setup-python@v4.7.1'\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v5  # code\n"
        "      - uses: 'actions/setup-python@v6'\n",
        False,
        {},
        id="node24-major-safe",
    ),
    pytest.param(
        "deprecated-action-version",
        HEAD + "  a:\n    runs-on: x\n    steps:\n"
        "      - {uses: actions/upload-artifact@v3, with: {name: d, path: d}}\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n"
        "      - {uses: actions/upload-artifact@v6, with: {name: d, path: d}}\n",
        True,
        {},
        id="node24-major-unsafe",
    ),
    pytest.param(
        "deprecated-action-version",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-java@v1\n"
        "        with:\n          java-version: 17\n      - uses: actions/checkout@v1\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-java@v5\n"
        "        with:\n          java-version: 17\n          distribution: zulu\n"
        "      - uses: actions/checkout@v5\n        with:\n          fetch-depth: 0\n",
        False,
        {},
        id="node24-major-safe-with-the-inputs-that-keep-v1",
    ),
    pytest.param(
        "deprecated-action-version",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-python@v2\n",
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-python@v6\n"
        "        with:\n          python-version: 3.x\n",
        False,
        {},
        id="node24-setup-python-keeps-3.x",
    ),
]


@pytest.mark.parametrize(("rule", "before", "after", "unsafe", "others"), CASES)
def test_fix(
    tmp_path: Path, rule: str, before: str, after: str, unsafe: bool, others: dict[str, str]
) -> None:
    fixed, result = fixed_text(tmp_path / "one", before, (rule,), unsafe, others=others)
    assert fixed == after, "\n".join(o.title for o in result.refused)
    again, second = fixed_text(tmp_path / "two", fixed, (rule,), unsafe, others=others)
    assert again == fixed
    assert not second.applied


@pytest.mark.parametrize(("rule", "before", "after", "unsafe", "others"), CASES)
def test_unsafe_fixes_wait_for_unsafe(
    tmp_path: Path, rule: str, before: str, after: str, unsafe: bool, others: dict[str, str]
) -> None:
    fixed, result = fixed_text(tmp_path, before, (rule,), False, others=others)
    assert fixed == (after if not unsafe else before)
    assert all(o.finding.fix and o.finding.fix.safety == "safe" for o in result.applied)


def test_the_test_workflow_becomes_reusable_when_the_deploy_is_elsewhere(tmp_path: Path) -> None:
    ci = (
        "name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\n"
        "jobs:\n  test:\n    runs-on: x\n    env:\n      TOKEN: ${{ secrets.API_KEY }}\n"
        "    steps:\n      - run: pytest\n"
    )
    deploy = (
        "name: Deploy\non:\n  push:\n    branches: [main]\njobs:\n"
        "  deploy:\n    runs-on: x\n    environment: staging\n"
        "    steps:\n      - run: ./deploy.sh\n"
    )
    fixed, result = fixed_text(
        tmp_path,
        deploy,
        ("deploy-without-tests",),
        True,
        name=".github/workflows/deploy.yml",
        others={".github/workflows/ci.yml": ci},
    )
    assert fixed == (
        "name: Deploy\non:\n  push:\n    branches: [main]\njobs:\n"
        "  tests:\n    uses: ./.github/workflows/ci.yml\n    secrets: inherit\n"
        "  deploy:\n    needs: tests\n    runs-on: x\n    environment: staging\n"
        "    steps:\n      - run: ./deploy.sh\n"
    )
    ci_after = next(t for p, t in result.texts.items() if p.endswith("ci.yml"))
    assert ci_after == ci.replace("  pull_request:\n", "  pull_request:\n  workflow_call:\n")


def test_a_push_after_checkout_keeps_the_credentials(tmp_path: Path) -> None:
    before = (
        HEAD + "  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: git commit -am bump && git push\n"
    )
    fixed, result = fixed_text(tmp_path, before, ("checkout-credentials",), unsafe=True)
    assert fixed == before
    assert not result.unsafe_left()


def test_a_credential_in_a_composite_action_is_left_with_the_reason(tmp_path: Path) -> None:
    action = (
        "name: x\nruns:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n"
        "      env:\n        API_TOKEN: literal-value\n"
    )
    fixed, result = fixed_text(
        tmp_path,
        action,
        ("hardcoded-credential",),
        True,
        name=".github/actions/x/action.yml",
        others={
            ".github/workflows/w.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
            "      - run: make\n"
        },
    )
    assert fixed == action
    assert "cannot read secrets" in result.refused[0].title


def test_every_fixable_rule_has_an_exact_text_case() -> None:
    from pitstop.audit.registry import all_rules

    covered = {str(p.values[0]) for p in CASES} | {"unpinned-action"}  # pins: test_pins.py
    fixable = {r.id for r in all_rules().values() if r.fixable}
    assert fixable <= covered, fixable - covered


def test_a_local_action_on_a_retired_node_moves_to_node24(tmp_path: Path) -> None:
    action = "name: x\nruns:\n  using: 'node16'\n  main: dist/index.js\n"
    fixed, result = fixed_text(
        tmp_path,
        action,
        ("deprecated-action-version",),
        True,
        name=".github/actions/x/action.yml",
        others={".github/workflows/w.yml": HEAD + "  a:\n    runs-on: x\n    steps: [{run: m}]\n"},
    )
    assert fixed == action.replace("'node16'", "'node24'")
    assert [o.finding.fix.safety for o in result.applied if o.finding.fix] == ["unsafe"]


@pytest.mark.parametrize(
    ("on", "becomes"),
    [
        ("on: push  # every branch\n", "on: [push, workflow_call]  # every branch\n"),
        ("on: [push, pull_request]\n", "on: [push, pull_request, workflow_call]\n"),
        (
            "on:\n  - push\n  - pull_request  # both\n",
            "on:\n  - push\n  - pull_request  # both\n  - workflow_call\n",
        ),
    ],
)
def test_a_test_workflow_with_events_as_a_list_becomes_reusable(
    tmp_path: Path, on: str, becomes: str
) -> None:
    """``on: push`` and lists of events are as common as the mapping form."""
    ci = on + "jobs:\n  test:\n    runs-on: x\n    steps:\n      - run: pytest\n"
    deploy = (
        "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: x\n"
        "    environment: staging\n    steps:\n      - run: ./deploy.sh\n"
    )
    fixed, result = fixed_text(
        tmp_path,
        deploy,
        ("deploy-without-tests",),
        True,
        name=".github/workflows/deploy.yml",
        others={".github/workflows/ci.yml": ci},
    )
    assert "needs: tests" in fixed and "uses: ./.github/workflows/ci.yml" in fixed
    ci_after = next(t for p, t in result.texts.items() if p.endswith("ci.yml"))
    assert ci_after == ci.replace(on, becomes)


def test_a_deploy_is_never_made_to_wait_for_a_workflow_that_only_looks_like_tests(
    tmp_path: Path,
) -> None:
    """Issue 13: deploy-without-tests' fix made deploy jobs call a docs workflow "as their
    tests" (its job was named test-docs). Only a workflow whose steps run a test command, and
    that deploys nothing itself, is called."""
    deploy = (
        "on: push\njobs:\n  deploy:\n    runs-on: x\n    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    )
    docs = (
        "on: push\njobs:\n  test-docs:\n    runs-on: x\n    steps:\n"
        "      - run: mkdocs build --strict\n"
    )
    fixed, result = fixed_text(
        tmp_path,
        deploy,
        ("deploy-without-tests",),
        True,
        name=".github/workflows/deploy.yml",
        others={".github/workflows/docs.yml": docs},
    )
    assert fixed == deploy
    assert "found no job or workflow that runs the tests" in result.refused[0].title


def test_the_called_tests_get_what_they_ask_under_a_caller_with_no_permissions(
    tmp_path: Path,
) -> None:
    """A called workflow's jobs get at most what the calling job has: under the caller's
    `permissions: {}`, ci.yml's `contents: read` would make GitHub reject the workflow (docs,
    "Reusing workflows": the GITHUB_TOKEN permissions passed from the caller can only be
    downgraded by the called workflow). The call asks for them; a block list of needs gains
    the call as one more item; a test workflow that must be given inputs is not called, and
    one switched off (`if: false`) runs no tests."""
    ci = (
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  test:\n"
        "    runs-on: x\n    steps:\n      - run: hatch test\n"
    )
    builds = (
        "on:\n  workflow_call:\n    inputs:\n      version: {required: true, type: string}\n"
        "jobs:\n  test:\n    runs-on: x\n    steps:\n      - run: pytest\n"
    )
    off = (
        "on: push\njobs:\n  test:\n    if: false\n    runs-on: x\n    steps:\n      - run: pytest\n"
    )
    deploy = (
        "on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  build:\n    runs-on: x\n"
        "    steps:\n      - run: make\n  publish:\n    needs:\n      - build\n    runs-on: x\n"
        "    steps:\n      - run: twine upload dist/*\n"
    )
    fixed, result = fixed_text(
        tmp_path,
        deploy,
        ("deploy-without-tests",),
        True,
        name=".github/workflows/release.yml",
        others={
            ".github/workflows/ci.yml": ci,
            ".github/workflows/a-builds.yml": builds,
            ".github/workflows/a-off.yml": off,
        },
    )
    assert "uses: ./.github/workflows/ci.yml" in fixed
    assert "permissions:\n      contents: read" in fixed or "permissions: {contents: read}" in fixed
    assert "    needs:\n      - build\n      - tests\n" in fixed
    assert not any(p.endswith(("a-builds.yml", "a-off.yml")) for p in result.texts)
