"""PostgreSQL specifics: connection URLs, the migration chain both ways, the tsvector index."""
import re

import pytest
from conftest import listing_data
from playhouse.pool import PooledPostgresqlDatabase

from app import create_app
from app.db import database, is_postgres_url, make_database
from app.directory.search import match_expression, tsquery_expression
from app.models import Listing, User
from app.operations.migrate import runner
from app.records import listings as domain

HOSTILE = ['"', "*", "AND (", "jahit:*", "a & b | !c", "(jahit", "'; DROP TABLE listing;--",
           "<->", "jahit\\", "x" * 5000, "penjahit di wonomulyo"]


@pytest.mark.parametrize("url, expected", [
    ("postgresql://u@h/db", True), ("postgres://u@h/db", True),
    ("postgresql+pool://u@h/db", True), ("sqlite:///x.db", False), ("mysql://u@h/db", False),
])
def test_postgres_urls_are_recognised(url, expected):
    assert is_postgres_url(url) is expected


def test_postgres_gets_a_connection_pool():
    db = make_database("postgresql://u@127.0.0.1:5432/db?max_connections=5")
    assert isinstance(db, PooledPostgresqlDatabase)
    assert db._max_connections == 5 and db._wait_timeout == 10


@pytest.mark.parametrize("typed", HOSTILE, ids=lambda text: repr(text[:12]))
def test_tsquery_is_built_from_plain_words_only(typed):
    expr = tsquery_expression(typed)
    assert expr is None or re.fullmatch(r"[a-z0-9:*|&() ]+", expr), expr
    # the same words as the SQLite expression, so both backends match alike
    fts = match_expression(typed)
    assert (expr is None) == (fts is None)
    if expr:
        assert set(re.findall(r"[a-z0-9]+", expr)) == set(re.findall(r"[a-z0-9]+", fts))


def test_tsquery_prefixes_only_the_last_word():
    assert tsquery_expression("penjahit di wonomulyo") == \
        "(jahit | penjahit) & (wonomulyo | wonomulyo:*)"


def test_migration_chain_runs_down_and_up_again(postgres_url):
    db = make_database(postgres_url)
    with db.connection_context():
        applied = runner(db).up()
        assert applied[0] == "0001_initial" and "0006_units_and_postgres" in applied
        tables = set(db.get_tables())
        assert {"listing", "listing_search", "unit", "schema_migration"} <= tables
        indexes = {i.name for i in db.get_indexes("listing_search")}
        assert {"listing_search_document", "listing_search_title"} <= indexes
        assert runner(db).down("0001_initial") == list(reversed(applied))
        assert set(db.get_tables()) <= {"schema_migration"}
        assert runner(db).up() == applied
    db.close_all()


@pytest.fixture
def pg_app(postgres_url, tmp_path):
    """An app on PostgreSQL whichever database the rest of the suite uses."""
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": postgres_url,
                       "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})


def test_index_holds_written_and_stemmed_words_and_follows_the_listing(pg_app):
    from app.models import Unit
    from app.security.accounts import create_user
    with pg_app.test_request_context(), database.connection_context():
        user = create_user(Unit.get(), "admin", "kata-sandi-rahasia", "superadmin")
        listing = domain.save_listing(None, None, listing_data(title="Penjahit Kebaya"), user)
        title, body = database.execute_sql(
            "SELECT title::text, body::text FROM listing_search WHERE listing_id = %s",
            (listing.id,)).fetchone()
        assert {"'penjahit'", "'jahit'", "'kebaya'"} <= set(re.findall(r"'[a-z0-9]+'", title))
        assert "'wonomulyo'" in body
        # An edit replaces the row; a deleted listing row takes its index row with it.
        domain.save_listing(listing, None, listing_data(title="Permak Celana",
                                                        version=str(listing.version)), user)
        title, = database.execute_sql("SELECT title::text FROM listing_search").fetchone()
        assert "kebaya" not in title and "'permak'" in title
        Listing.delete().where(Listing.id == listing.id).execute()
        assert database.execute_sql("SELECT COUNT(*) FROM listing_search").fetchone()[0] == 0
        assert User.select().count() == 1
