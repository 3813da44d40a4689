"""Test databases: a temporary SQLite file, or a fresh PostgreSQL schema for each test.

Set RAJA_KEMAS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to run
the suite on PostgreSQL: each test then gets its own schema (`t_<random>`, chosen
through the connection's search_path) that is dropped afterwards.
"""
import os
import secrets
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ENV = "RAJA_KEMAS_TEST_DATABASE_URL"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def testing_postgres() -> bool:
    """Tell whether this run of the suite is meant for PostgreSQL."""
    return urlsplit(os.environ.get(ENV, "")).scheme.startswith("postgres")


def postgres_server_url() -> str:
    """Return the PostgreSQL server the tests use: the configured one, else the local one."""
    return os.environ[ENV] if testing_postgres() else DEFAULT_POSTGRES


def _connect(url: str):
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
        _connect(url).close()
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
            self._conn = _connect(self.url)
        return self._conn.cursor()

    def create(self) -> tuple[str, str]:
        """Make an empty schema; return its name and a URL that works inside it."""
        name = "t_" + secrets.token_hex(6)
        with self._cursor() as cur:
            cur.execute(f'CREATE SCHEMA "{name}"')
        return name, with_search_path(self.url, name)

    def drop(self, name: str) -> None:
        with self._cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
