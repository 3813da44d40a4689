"""Test databases: a temporary SQLite file, or a fresh PostgreSQL schema for each test.

Set RAJA_KEMAS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to run
the suite on PostgreSQL: each test then gets its own schema (`t_<random>`, chosen
through the connection's search_path) that is dropped afterwards.

Migrating and seeding a database takes ~1 s, so it happens once per session (see
`database_template` in conftest.py): a test gets a copy of the SQLite file, or a schema
filled by replaying the SQL that the first start ran (one round trip).
"""
import os
import secrets
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ENV = "RAJA_KEMAS_TEST_DATABASE_URL"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def testing_postgres() -> bool:
    """Tell whether this run of the suite is meant for PostgreSQL."""
    return urlsplit(os.environ.get(ENV, "")).scheme.startswith("postgres")


def postgres_server_url() -> str:
    """Return the PostgreSQL server the tests use: the configured one, else the local one."""
    return os.environ[ENV] if testing_postgres() else DEFAULT_POSTGRES


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + Path(path).as_posix()


@contextmanager
def recorded_statements():
    """Record every statement peewee runs meanwhile, as (sql, params) pairs."""
    import peewee
    import pytest
    statements = []
    execute_sql = peewee.Database.execute_sql

    def recording(db, sql, params=None):
        statements.append((sql, params))
        return execute_sql(db, sql, params)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(peewee.Database, "execute_sql", recording)
        yield statements


def connect(url: str):
    import psycopg2
    parts = urlsplit(url)
    conn = psycopg2.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                            user=parts.username or "postgres", password=parts.password,
                            dbname=parts.path.lstrip("/") or "postgres", connect_timeout=3)
    conn.autocommit = True
    return conn


@lru_cache(maxsize=None)
def postgres_problem(url: str) -> str:
    """Return why a PostgreSQL server cannot be used ('' if it can)."""
    try:
        connect(url).close()
    except ImportError:
        return "psycopg2 is not installed (pip install -e '.[test]')"
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        return f"no PostgreSQL at {url}: {str(exc).strip()}"
    return ""


def with_search_path(url: str, schema: str) -> str:
    """Return the URL with `options=-csearch_path=<schema>` in its query string."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


class Schemas:
    """Create throwaway schemas on one server and drop them again."""

    def __init__(self, url: str):
        self.url = url
        self._conn = None

    def _cursor(self):
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.url)
        return self._conn.cursor()

    def create(self, script: str = "") -> tuple[str, str]:
        """Make a schema, empty or filled by `script` (see `script`); return its name and a
        URL that works inside it."""
        name = "t_" + secrets.token_hex(6)
        with self._cursor() as cur:
            if not script:
                cur.execute(f'CREATE SCHEMA "{name}"')
            else:
                try:  # one transaction, one round trip; no crash safety needed for a test
                    cur.execute(f'BEGIN; SET LOCAL synchronous_commit TO off; '
                                f'CREATE SCHEMA "{name}"; SET LOCAL search_path TO "{name}";\n'
                                f'{script};\nCOMMIT;')
                except Exception:
                    cur.execute("ROLLBACK")
                    raise
        return name, with_search_path(self.url, name)

    def script(self, statements) -> str:
        """Join recorded (sql, params) statements into one SQL text, parameters inlined."""
        with self._cursor() as cur:
            return ";\n".join(cur.mogrify(sql, params or ()).decode()  # as peewee runs it
                              for sql, params in statements)

    def drop(self, name: str) -> None:
        with self._cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
