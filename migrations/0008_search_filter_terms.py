"""Index every listing again: the search index now also holds the public filters'
words (unit, category, kecamatan, kabupaten; app/search.filter_terms), so a filtered
search is answered from the index. Without this, filtered searches would find nothing
until the next `raja-kemas reindex`."""


def up(migrator, db):
    from app.db import database
    from app.search import rebuild_all
    previous = database.obj
    database.initialize(db)  # the database being migrated, whichever the app uses
    try:
        rebuild_all()
    finally:
        if previous is not None:
            database.initialize(previous)


def down(migrator, db):
    pass  # the extra words do no harm to an older version's searches
