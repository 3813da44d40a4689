"""The search index also keeps, for the relevance order (app/directory/ranking.py), the
title's words as written and the description's index words. A search then ranks its
candidates from the index alone, instead of reading and splitting every candidate's
title and description again. They are stored, not searched: FTS5 UNINDEXED columns, plain
text on PostgreSQL, filled when the index is made again after the last migration (REINDEX).
"""

REINDEX = True  # done after the last migration (app/operations/migrate.py)

FTS5_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"


def _is_sqlite(db):
    return db.__class__.__name__.lower().startswith("sqlite")


def _remake_fts(db, columns: str, copied: str):
    """FTS5 takes no ALTER: a new table with `columns`, the `copied` ones carried over."""
    db.execute_sql(f"CREATE VIRTUAL TABLE listing_fts_new USING fts5({columns}, {FTS5_OPTIONS})")
    db.execute_sql(f"INSERT INTO listing_fts_new (rowid, {copied}) "
                   f"SELECT rowid, {copied} FROM listing_fts")
    db.execute_sql("DROP TABLE listing_fts")
    db.execute_sql("ALTER TABLE listing_fts_new RENAME TO listing_fts")


def up(migrator, db):
    if _is_sqlite(db):
        _remake_fts(db, "title, body, title_words UNINDEXED, description UNINDEXED",
                    "title, body")
        return
    db.execute_sql("ALTER TABLE listing_search ADD COLUMN title_words TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE listing_search ADD COLUMN description TEXT NOT NULL DEFAULT ''")


def down(migrator, db):
    if _is_sqlite(db):
        _remake_fts(db, "title, body", "title, body")
        return
    db.execute_sql("ALTER TABLE listing_search DROP COLUMN description")
    db.execute_sql("ALTER TABLE listing_search DROP COLUMN title_words")
