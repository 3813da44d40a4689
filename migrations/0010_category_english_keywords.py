"""Categories get English search words (`kata_kunci_en` in app/data/kategori.csv), so
`tailor` or `haircut` finds Indonesian listings. Existing categories get the words of the
data file by slug; every listing is indexed again to carry them."""
import csv

from peewee import TextField


def up(migrator, db):
    from app.config import DATA_DIR
    from app.db import bound_to
    from app.directory.search import rebuild_all
    from app.operations.migrate import has_column
    if not has_column(db, "category", "keywords_en"):  # kept by down(): see there
        migrator.migrate(migrator.add_column("category", "keywords_en", TextField(default="")))
    with open(DATA_DIR / "kategori.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    placeholder = "?" if db.__class__.__name__.lower().startswith("sqlite") else "%s"
    for row in rows:
        db.execute_sql(f"UPDATE category SET keywords_en = {placeholder} "
                       f"WHERE slug = {placeholder}", (row.get("kata_kunci_en") or "", row["slug"]))
    with bound_to(db):  # the database being migrated, whichever the app uses
        rebuild_all()


def down(migrator, db):
    pass  # the column stays: older code ignores it, and the models of this one need it
