"""untested-migrations: the repository has database migrations, and no job runs them up, down
and up again."""

from __future__ import annotations

import re

from pitstop.audit.folders import SAMPLES, TEST_DATA, under
from pitstop.audit.jobs import step_text
from pitstop.audit.locate import fragment_span
from pitstop.audit.repo import Repo
from pitstop.audit.rule import Check, Docs, Rule
from pitstop.errors import Span
from pitstop.knowledge.tables import table
from pitstop.workflow.model import Job

MIGRATION_FILES = re.compile(
    # Django's makemigrations numbers its files (0001_initial.py): a module of helpers in a
    # folder named migrations (freqtrade's util/migrations/binance_mig.py) is not a migration
    r"(^|/)(alembic|migrations)/versions/[^/]+\.py$|(^|/)migrations/(\d+[_.][^/]*\.py|[^/]+\.sql)$"
    r"|(^|/)db/migrate/[^/]+\.rb$|(^|/)prisma/migrations/[^/]+/migration\.sql$"
    r"|(^|/)V\d+(\.\d+)*__[^/]+\.sql$|\.up\.sql$"
)
UP = re.compile(
    r"alembic\s+upgrade|\bmigrate(\.py)?\s+up\b|manage\.py\s+migrate(?!\s+\w+\s+zero)\b"
    r"|prisma\s+migrate\s+(deploy|dev)|flyway\s+migrate|knex\s+migrate:latest"
    r"|(rails|rake)\s+db:migrate\b|goose\s+[^\n]*\bup\b|dbmate\s+up|sqlx\s+migrate\s+run"
    r"|yoyo\s+apply|\bmigrate\s+-path\s+[^\n]*\bup\b"
    # Django's test runner builds its test database by running every migration
    # (docs.djangoproject.com/en/stable/topics/testing/overview/#the-test-database)
    r"|(manage\.py|django-admin)\s+test\b"
    # `supabase start` and `supabase db reset` apply supabase/migrations to the local database
    # (supabase.com/docs/reference/cli/supabase-start, supabase-db-reset)
    r"|supabase\s+(start|db\s+reset)\b"
)
# Prisma Migrate has no down migrations: a successful migration is undone by a new one, made
# from the reverted schema (prisma.io/docs/orm/prisma-migrate/workflows/generating-down-migrations),
# so applying them is the whole test.
PRISMA = re.compile(r"(^|/)prisma/migrations/[^/]+/migration\.sql$")
DOWN = re.compile(
    r"alembic\s+downgrade|\bmigrate(\.py)?\s+down\b|manage\.py\s+migrate\s+\w+\s+zero"
    # Django's `migrate APP MIGRATION` unapplies the app's later migrations (docs.djangoproject.com,
    # "django-admin and manage.py": migrate [app_label] [migration_name]); after all are applied,
    # a rollback (Kiwi's tests/migrations-rollback walks them back one by one)
    r"|manage\.py\s+migrate\s+(?!-)\S+\s+(?!-)\S+"
    r"|flyway\s+undo|knex\s+migrate:rollback|(rails|rake)\s+db:rollback|goose\s+[^\n]*\bdown\b"
    r"|dbmate\s+(down|rollback)|sqlx\s+migrate\s+revert|yoyo\s+rollback"
    r"|\bmigrate\s+-path\s+[^\n]*\bdown\b"
)


# Where migrations are test data (a linter's fixture, a documentation test's resources), not the
# project's schema.


def check(repo: Repo, out: Check) -> None:
    migrations = [
        f for f in repo.files if MIGRATION_FILES.search(f) and not under(f, TEST_DATA | SAMPLES)
    ]
    if not migrations:
        return
    out.checked += 1
    runs_tests = any(PYTHON_TESTS.search(s.run or "") for _, j in repo.jobs() for s in j.steps)
    harness = _harness(repo) if runs_tests else None  # read the test code only when CI runs it
    if harness is not None:
        out.figure = f"the tests run {len(migrations)} migration files down and up ({harness})"
        return
    first_up: Span | None = None
    up_only = all(PRISMA.search(f) for f in migrations)
    for workflow, job in repo.jobs():
        if up_only and any(UP.search(s.run or "") for s in job.steps):
            out.figure = f"job '{job.id}' applies {len(migrations)} Prisma migrations"
            return
        if _up_down_up(job, repo):
            out.figure = f"job '{job.id}' runs {len(migrations)} migration files up, down and up"
            return
        for step in job.steps:
            found = UP.search(step.run or "")
            node = step.node.get("run")
            if found and node is not None and first_up is None:
                first_up = fragment_span(workflow.doc, node, found.group(0))
    if up_only:
        out.flag(
            repo.file_span(migrations[0]),
            f"{len(migrations)} Prisma migrations, and no step applies them (`prisma migrate "
            "deploy` against a database service): a failing migration is found by the deploy",
        )
    elif first_up is not None:
        out.flag(
            first_up,
            "migrations run up only: no job runs them down and up again, so a broken "
            "downgrade is found during an incident",
        )
    else:
        out.flag(
            repo.file_span(migrations[0]),
            f"{len(migrations)} migration files, and no step runs them up, down and up again "
            "(nor up alone, unless a test runner does): a broken downgrade is found during an "
            "incident, and a failing migration by the deploy",
        )
    out.figure = f"{len(migrations)} migration files not run up, down and up"


DEPENDENCY_FILES = re.compile(
    r"(^|/)(pyproject\.toml|requirements[^/]*\.(txt|in)|setup\.(cfg|py)|Pipfile|poetry\.lock"
    r"|uv\.lock)$"
)
TEST_CODE = re.compile(r"(^|/)tests?/.*\.py$|(^|/)test_[^/]*\.py$")


# A step that runs a Python test suite, where the harnesses below run migrations: the Python
# runners of the shared TESTS pattern, without its other languages' runners.
PYTHON_TESTS = re.compile(r"\bpytest\b|(manage\.py|django-admin)\s+test\b|\btox\b|\bnox\b")


def _harness(repo: Repo) -> str | None:
    """The test harness (``knowledge/migration_tests.toml``) through which the repository's tests
    run its migrations down, with where it was found, or None."""
    rows = table("migration_tests.toml")["harness"]
    packages = [r for r in rows if "package" in r]
    codes = [r for r in rows if "code" in r]
    for path in repo.files:
        if DEPENDENCY_FILES.search(path):
            text = (repo.read(path) or "").lower()
            for row in packages:
                if row["package"] in text or row["package"].replace("-", "_") in text:
                    return f"{row['name']}, in {path}"
        elif TEST_CODE.search(path) and not under(path, SAMPLES):
            text = repo.read(path) or ""
            for row in codes:
                if row["code"] in text and ".migrate(" in text:
                    return f"{row['name']}, in {path}"
    return None


def _up_down_up(job: Job, repo: Repo) -> bool:
    """Whether the job's scripts, with the repository's own scripts they run, migrate up, down
    and up again; a Django management command of the project's own that calls `migrate`
    (Kiwi's `manage.py upgrade`) migrates up."""
    script = "\n".join(step_text(s, repo) for s in job.steps if s.run)
    for command in _django_commands_that_migrate(repo):
        script = re.sub(rf"manage\.py\s+{re.escape(command)}\b", "manage.py migrate", script)
    up = UP.search(script)
    down = DOWN.search(script, up.end()) if up else None
    return bool(down and UP.search(script, down.end()))


COMMAND_FILE = re.compile(r"(^|/)management/commands/(\w+)\.py$")
CALLS_MIGRATE = re.compile(r"call_command\(\s*[\"']migrate[\"']")


def _django_commands_that_migrate(repo: Repo) -> list[str]:
    """The project's own Django management commands (``<app>/management/commands/<name>.py``)
    that call ``migrate``."""

    def compute() -> list[str]:
        found = [(f, m.group(2)) for f in repo.files if (m := COMMAND_FILE.search(f))]
        return [name for path, name in found if CALLS_MIGRATE.search(repo.read(path) or "")]

    return repo.memo("django-commands-that-migrate", compute)


RULE = Rule(
    id="untested-migrations",
    category="delivery",
    severity="medium",
    summary="Database migrations are never run up, down and up in CI.",
    docs=Docs(
        what="When the repository holds migrations (Alembic, Django, Rails, Prisma, Flyway, "
        "golang-migrate, dbmate, sqlx, Knex, or `*.up.sql` files), flags it unless one job "
        "runs them up, then down, then up again against a database, in its steps or in the "
        "repository's own scripts they run (Django's `migrate APP MIGRATION` goes down; a "
        "management command of the project's own that calls `migrate` goes up). Points at the "
        "first "
        "`upgrade` a job runs (Django's `manage.py test` and `supabase start` run them up "
        "too), or at the first migration file when nothing runs them. Prisma Migrate has no "
        "down migrations: a repository whose migrations are all Prisma's needs them applied "
        "(`prisma migrate deploy`) in one job. Not flagged when the test suite a job runs "
        "migrates down itself, through a harness of `knowledge/migration_tests.toml` "
        "(pytest-alembic, django-test-migrations, Django's MigrationExecutor in the tests: "
        "paperless-ngx's TestMigrations).",
        why="The downgrade is the rollback plan for a schema change, and the one path nobody "
        "runs until the deploy has failed. Up-down-up finds the missing `DROP`, the "
        "irreversible data migration and the migration that is not idempotent while they are "
        "still cheap to fix.",
        example="- run: alembic upgrade head\n- run: pytest",
        instead="services:\n  postgres: …\nsteps:\n  - run: alembic upgrade head\n"
        "  - run: alembic downgrade base\n  - run: alembic upgrade head",
    ),
    check=check,
)
