"""Opening hours as data: `listing.hours` (JSON) and the `open_slot` rows the *Buka
sekarang* filter reads; existing free-text hours are read where they can be."""
from peewee import CharField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    from app.records import hours as opening  # the parser the entry screen uses

    # Plain SQL: peewee's add_column fills a NOT NULL column by rebuilding the table on
    # SQLite, which would drop the listing table's triggers (migration 0007).
    db.execute_sql("ALTER TABLE listing ADD COLUMN hours TEXT NOT NULL DEFAULT ''")

    class Listing(Model):
        working_hours = CharField(default="")
        hours = TextField(default="")

        class Meta:
            database = db
            table_name = "listing"

    class OpenSlot(Model):
        listing = ForeignKeyField(Listing, on_delete="CASCADE")
        weekday = IntegerField()
        opens = IntegerField()
        closes = IntegerField()

        class Meta:
            database = db
            table_name = "open_slot"
            indexes = ((("weekday", "opens", "closes"), False),)

    OpenSlot.create_table()
    for listing in Listing.select(Listing.id, Listing.working_hours).where(
            Listing.working_hours != ""):
        parsed = opening.parse_text(listing.working_hours)
        if parsed is None:
            continue  # kept as text; the entry screen asks the officer
        Listing.update(hours=parsed.to_json()).where(Listing.id == listing.id).execute()
        for weekday, opens, closes in opening.slots(parsed):
            OpenSlot.create(listing=listing.id, weekday=weekday, opens=opens, closes=closes)


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "open_slot"')
    db.execute_sql("ALTER TABLE listing DROP COLUMN hours")
