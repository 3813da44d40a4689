"""The full-text index of public listing text (SQLite FTS5).

Rows hold already normalised and stemmed words (app/search.py writes them), so
the tokenizer only has to split on spaces.
"""


def up(migrator, db):
    if db.__class__.__name__.lower().startswith("sqlite"):
        db.execute_sql(
            "CREATE VIRTUAL TABLE listing_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")


def down(migrator, db):
    if db.__class__.__name__.lower().startswith("sqlite"):
        db.execute_sql("DROP TABLE listing_fts")
