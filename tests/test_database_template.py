"""The suite's PostgreSQL template: a schema filled by replaying the first start's SQL is
the same as one the app migrated and seeded itself (tables, indexes, triggers, rows)."""
import databases
from conftest import TEST_SETTINGS

from app import create_app
from app.db import release_database


def describe(cursor, schema):
    """Everything about a schema that the app could notice, with its name taken out."""
    queries = {
        "columns": """SELECT table_name, column_name, data_type, is_nullable,
                             column_default
                      FROM information_schema.columns WHERE table_schema = %(s)s""",
        "indexes": """SELECT tablename, indexname, indexdef
                      FROM pg_indexes WHERE schemaname = %(s)s""",
        "constraints": """SELECT c.conrelid::regclass::text, c.conname,
                                 pg_get_constraintdef(c.oid)
                          FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                          WHERE n.nspname = %(s)s""",
        "triggers": """SELECT event_object_table, trigger_name, event_manipulation,
                              action_statement
                       FROM information_schema.triggers WHERE trigger_schema = %(s)s""",
        "functions": """SELECT p.proname, p.prosrc FROM pg_proc p
                        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(s)s""",
        "sequences": """SELECT sequencename, last_value FROM pg_sequences
                        WHERE schemaname = %(s)s""",
    }
    found = {}
    for what, sql in queries.items():
        cursor.execute(sql, {"s": schema})
        found[what] = sorted(tuple(str(v).replace(schema, "<schema>") for v in row)
                             for row in cursor.fetchall())
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
        found["rows of " + table] = sorted(map(repr, cursor.fetchall()))
    return found


def test_a_replayed_schema_matches_a_first_start(postgres_schemas, tmp_path):
    first, url = postgres_schemas.create()
    with databases.recorded_statements() as statements:
        create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url, **TEST_SETTINGS})
    release_database()
    copy, _ = postgres_schemas.create(postgres_schemas.script(statements))
    try:
        conn = databases.connect(postgres_schemas.url)
        with conn, conn.cursor() as cursor:
            original, replayed = describe(cursor, first), describe(cursor, copy)
        conn.close()
        assert len(original["columns"]) > 100 and len(original["triggers"]) >= 6
        assert len(original["rows of region"]) == 69
        assert replayed == original
    finally:
        postgres_schemas.drop(first)
        postgres_schemas.drop(copy)
