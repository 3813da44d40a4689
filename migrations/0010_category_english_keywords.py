"""Categories get English search words (`kata_kunci_en` in app/data/kategori.csv), so
`tailor` or `haircut` finds Indonesian listings. Existing categories get the words of the
data file by slug; every listing is indexed again to carry them."""
import csv

REINDEX = True  # done after the last migration (app/operations/migrate.py)


def up(migrator, db):
    from app.config import DATA_DIR
    from app.operations.migrate import has_column
    # Plain SQL: peewee's add_column would rebuild the table on SQLite and drop the
    # category table's public-data trigger (migration 0007).
    if not has_column(db, "category", "keywords_en"):
        db.execute_sql("ALTER TABLE category ADD COLUMN keywords_en TEXT NOT NULL DEFAULT ''")
    with open(DATA_DIR / "kategori.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        db.execute_sql(f"UPDATE category SET keywords_en = {db.param} WHERE slug = {db.param}",
                       (row.get("kata_kunci_en") or "", row["slug"]))


def down(migrator, db):
    db.execute_sql("ALTER TABLE category DROP COLUMN keywords_en")
