"""Apply (up) or revert (down) the SQL migrations in migrations/ against $DATABASE_URL.

python scripts/migrate.py up            # apply every pending migration
python scripts/migrate.py down [N]      # revert the last N applied (default: all)
python scripts/migrate.py status
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def available() -> list[str]:
    return sorted(p.name[: -len(".up.sql")] for p in MIGRATIONS.glob("*.up.sql"))


def applied(conn: psycopg.Connection) -> list[str]:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)")
    return [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]


def up(conn: psycopg.Connection) -> None:
    done = set(applied(conn))
    for name in available():
        if name not in done:
            with conn.transaction():
                conn.execute((MIGRATIONS / f"{name}.up.sql").read_text())
                conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (name,))
            print(f"applied {name}")


def down(conn: psycopg.Connection, steps: int | None) -> None:
    done = applied(conn)
    for name in list(reversed(done))[:steps]:
        with conn.transaction():
            conn.execute((MIGRATIONS / f"{name}.down.sql").read_text())
            conn.execute("DELETE FROM schema_migrations WHERE name = %s", (name,))
        print(f"reverted {name}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("up", "down", "status"):
        print(__doc__, file=sys.stderr)
        return 2
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is not set", file=sys.stderr)
        return 2
    with psycopg.connect(url, autocommit=True) as conn:
        if argv[0] == "up":
            up(conn)
        elif argv[0] == "down":
            down(conn, int(argv[1]) if len(argv) > 1 else None)
        else:
            names = set(applied(conn))
            for name in available():
                print(f"{'applied' if name in names else 'pending'}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
