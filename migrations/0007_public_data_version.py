"""A counter that changes whenever data shown on public pages may have changed.

Each app process keeps rendered public pages in memory (app/page_cache.py) and reuses
them while this number stays the same. Triggers bump it on any write to the tables that
public pages are made of, whichever process or tool writes, so a saved change shows on
the next request everywhere. Visitor statistics, logins and audit events do not bump it.
"""

TABLES = ("unit", "category", "region", "client", "consent", "listing")


def _is_sqlite(db):
    return db.__class__.__name__.lower().startswith("sqlite")


def up(migrator, db):
    db.execute_sql("CREATE TABLE public_data_version (id INTEGER PRIMARY KEY, "
                   "version BIGINT NOT NULL)")
    db.execute_sql("INSERT INTO public_data_version (id, version) VALUES (1, 1)")
    if _is_sqlite(db):
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                db.execute_sql(
                    f"CREATE TRIGGER public_data_{table}_{event.lower()} AFTER {event} "
                    f"ON {table} BEGIN UPDATE public_data_version SET version = version + 1; END")
        return
    db.execute_sql(
        "CREATE FUNCTION bump_public_data_version() RETURNS trigger AS $$ BEGIN "
        "UPDATE public_data_version SET version = version + 1; RETURN NULL; END $$ "
        "LANGUAGE plpgsql")
    for table in TABLES:  # once per statement: a 1,000-row import bumps it once
        db.execute_sql(
            f"CREATE TRIGGER public_data_{table} AFTER INSERT OR UPDATE OR DELETE "
            f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
            "EXECUTE FUNCTION bump_public_data_version()")


def down(migrator, db):
    if _is_sqlite(db):
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                db.execute_sql(f"DROP TRIGGER public_data_{table}_{event}")
    else:
        for table in TABLES:
            db.execute_sql(f"DROP TRIGGER public_data_{table} ON {table}")
        db.execute_sql("DROP FUNCTION bump_public_data_version()")
    db.execute_sql("DROP TABLE public_data_version")
