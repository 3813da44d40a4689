"""Directions to a fixed-place business (issue 13.3): the listing's coordinates, and the
consent scope that lets them be shown. No consent given before this covered a map
location, so every existing consent version gets scope_location = false.
"""


def up(migrator, db):
    # Plain SQL: peewee's add_column rebuilds a table on SQLite for a NOT NULL column,
    # which would drop the public-data triggers of both tables (migration 0007).
    db.execute_sql("ALTER TABLE listing ADD COLUMN latitude DECIMAL(9, 6)")
    db.execute_sql("ALTER TABLE listing ADD COLUMN longitude DECIMAL(9, 6)")
    db.execute_sql("ALTER TABLE consent ADD COLUMN scope_location BOOLEAN NOT NULL DEFAULT FALSE")


def down(migrator, db):
    db.execute_sql("ALTER TABLE consent DROP COLUMN scope_location")
    db.execute_sql("ALTER TABLE listing DROP COLUMN longitude")
    db.execute_sql("ALTER TABLE listing DROP COLUMN latitude")
