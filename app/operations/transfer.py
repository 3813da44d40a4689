"""Move an office's SQLite database into an empty PostgreSQL one: every row, one transaction.

Tables come from the app's models (every subclass of BaseModel, parents before
children) plus the migration history, so a table added later is moved too. The
target must be empty; on any failure its transaction is rolled back and nothing
is left behind. Photo files stay in the upload folder: rows keep their names.
"""
from pathlib import Path

from peewee import sort_models

from app import models  # noqa: F401  (defines the models that are moved)
from app.db import BaseModel, bound_to, is_postgres_url, make_database
from app.operations.migrate import HISTORY_TABLE, runner

BATCH = 500
# SQLite's full-text tables are rebuilt on PostgreSQL from the listings, not copied;
# the public data version (migration 0007) is the target's own counter.
REBUILT_PREFIXES = ("listing_fts", "sqlite_", "public_data_version")


class TransferError(Exception):
    """The move was refused or failed; the message is for the person (Indonesian)."""


def model_classes() -> list:
    """Return every table model of the app, each table once, parents before children."""
    found, stack = {}, [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            found.setdefault(sub._meta.table_name, sub)
    return sort_models(list(found.values()))


def sqlite_url(source: str) -> str:
    """Accept `sqlite:///path.db` or a plain path; refuse a missing file."""
    url = source if "://" in source else "sqlite:///" + Path(source).resolve().as_posix()
    if not url.startswith("sqlite:///"):
        raise TransferError("Sumber harus database SQLite, mis. sqlite:///instance/raja_kemas.db")
    if not Path(url[len("sqlite:///"):]).is_file():
        raise TransferError(f"Berkas database sumber tidak ditemukan: {url[len('sqlite:///'):]}")
    return url


def _rows_in(db, table: str) -> bool:
    return db.execute_sql(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]


def _refuse_if_not_empty(dst) -> None:
    """Refuse a target with any row in any table: the move never merges or overwrites."""
    filled = [t for t in dst.get_tables() if _rows_in(dst, t)]
    if filled:
        raise TransferError(
            "Database tujuan sudah berisi data (tabel: " + ", ".join(filled) + "). "
            "Pemindahan dibatalkan dan tidak ada yang diubah. Gunakan database PostgreSQL "
            "baru yang masih kosong.")


def _refuse_unknown_tables(src, known: set) -> None:
    """Refuse a source with rows in tables this version of the app does not know."""
    unknown = [t for t in src.get_tables() if t not in known
               and not t.startswith(REBUILT_PREFIXES) and _rows_in(src, t)]
    if unknown:
        raise TransferError("Database sumber berisi tabel yang tidak dikenal aplikasi ini: "
                            + ", ".join(unknown) + ". Perbarui Raja Kemas dulu.")


def _copy_table(model, src, dst) -> int:
    """Copy every row of one model's table, ids included, in batches."""
    fields = model._meta.sorted_fields
    query = model.select(*fields).order_by(model._meta.primary_key).tuples()
    count, batch = 0, []
    for row in query.iterator(src):
        batch.append(row)
        if len(batch) == BATCH:
            model.insert_many(batch, fields=fields).as_rowcount().execute(dst)
            count, batch = count + len(batch), []
    if batch:
        model.insert_many(batch, fields=fields).as_rowcount().execute(dst)
        count += len(batch)
    return count


def _reset_sequence(dst, table: str) -> None:
    """Let PostgreSQL hand out ids after the highest copied one."""
    dst.execute_sql(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
        f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)', (f'"{table}"',))


def _copy_history(src, dst) -> int:
    """Replace the target's migration history with the source's (same names, same dates)."""
    source, target = runner(src).History, runner(dst).History
    rows = list(source.select(source.name, source.applied).order_by(source.id).tuples())
    target.delete().execute()
    if rows:
        target.insert_many(rows, fields=[target.name, target.applied]).as_rowcount().execute()
    _reset_sequence(dst, HISTORY_TABLE)
    return len(rows)


def _rebuild_search(dst) -> int:
    """Index every listing in PostgreSQL's search table (the proxy points at it meanwhile)."""
    from app.directory.search import rebuild_all
    with bound_to(dst):
        return rebuild_all()


def _count(db, table: str) -> int:
    return db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def move_to_postgres(source: str, target: str, echo=print) -> dict[str, int]:
    """Copy every row from an SQLite database into an empty PostgreSQL one.

    Migrates the source first (as any start of the app would), then, in one
    transaction on the target: creates the schema, copies each table with its
    ids, copies the migration history, resets sequences, rebuilds the search
    index and compares every table's row count. Returns rows per table.
    """
    src_url = sqlite_url(source)
    if not is_postgres_url(target):
        raise TransferError("Tujuan harus PostgreSQL, mis. postgresql://raja@localhost/raja_kemas")
    src, dst = make_database(src_url), make_database(target)
    try:
        dst.connect()
    except Exception as exc:  # noqa: BLE001 - any driver error: say it plainly
        raise TransferError(f"Tidak bisa terhubung ke PostgreSQL tujuan: {exc}".strip()) from None
    src.connect()
    try:
        _refuse_if_not_empty(dst)
        applied = runner(src).up()
        if applied:
            echo("Migrasi diterapkan pada sumber: " + ", ".join(applied))
        tables = model_classes()
        _refuse_unknown_tables(src, {m._meta.table_name for m in tables} | {HISTORY_TABLE})
        with src.atomic(), dst.atomic():  # one snapshot read, one transaction written
            runner(dst).up()
            summary = {}
            for model in tables:
                table = model._meta.table_name
                summary[table] = _copy_table(model, src, dst)
                _reset_sequence(dst, table)
                echo(f"  {table}: {summary[table]} baris")
            summary[HISTORY_TABLE] = _copy_history(src, dst)
            indexed = _rebuild_search(dst)
            for table, copied in summary.items():
                if _count(src, table) != copied or _count(dst, table) != copied:
                    raise TransferError(f"Jumlah baris tabel {table} tidak sama setelah disalin. "
                                        "Pemindahan dibatalkan; tujuan tidak diubah.")
            echo(f"  indeks pencarian: {indexed} jasa")
    except TransferError:
        raise
    except Exception as exc:  # noqa: BLE001 - rolled back above; report without a traceback
        raise TransferError(f"Pemindahan gagal dan dibatalkan; tujuan tidak diubah. ({exc})"
                            ) from exc
    finally:
        src.close()
        dst.close()
        if hasattr(dst, "close_all"):
            dst.close_all()
    return summary
