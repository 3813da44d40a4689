"""Index every listing again: the search index now also holds the public filters'
words (unit, category, kecamatan, kabupaten; app/search.filter_terms), so a filtered
search is answered from the index. Without this, filtered searches would find nothing
until the next `raja-kemas reindex`."""

REINDEX = True  # done after the last migration (app/operations/migrate.py)


def up(migrator, db):
    pass


def down(migrator, db):
    pass  # the extra words do no harm to an older version's searches
