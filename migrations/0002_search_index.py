"""The full-text index of public listing text: SQLite FTS5, or tsvectors on PostgreSQL.

Rows hold already normalised and stemmed words (app/search.py writes them), so
the tokenizer only has to split on spaces. On PostgreSQL the same words go into
to_tsvector('simple', ...) columns, and one GIN index covers title and body together.
"""


def _is_sqlite(db):
    return db.__class__.__name__.lower().startswith("sqlite")


def up(migrator, db):
    if _is_sqlite(db):
        db.execute_sql(
            "CREATE VIRTUAL TABLE listing_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")
        return
    db.execute_sql(
        "CREATE TABLE listing_search ("
        "listing_id INTEGER PRIMARY KEY REFERENCES listing (id) ON DELETE CASCADE, "
        "title TSVECTOR NOT NULL, body TSVECTOR NOT NULL)")
    db.execute_sql("CREATE INDEX listing_search_document ON listing_search "
                   "USING GIN ((title || body))")
    db.execute_sql("CREATE INDEX listing_search_title ON listing_search USING GIN (title)")


def down(migrator, db):
    if _is_sqlite(db):
        db.execute_sql("DROP TABLE listing_fts")
    else:
        db.execute_sql("DROP TABLE listing_search")
