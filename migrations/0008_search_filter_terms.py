"""Index every listing again: the search index now also holds the public filters'
words (unit, category, kecamatan, kabupaten; app/search.filter_terms), so a filtered
search is answered from the index. Without this, filtered searches would find nothing
until the next `raja-kemas reindex`."""


def up(migrator, db):
    from app.db import bound_to
    from app.operations.migrate import has_column
    if not has_column(db, "category", "keywords_en"):
        return  # a new database: 0010 adds the column the models read, then indexes all
    from app.directory.search import rebuild_all
    with bound_to(db):  # the database being migrated, whichever the app uses
        rebuild_all()


def down(migrator, db):
    pass  # the extra words do no harm to an older version's searches
