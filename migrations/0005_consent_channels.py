"""Privacy lifecycle (issue 4): consent method, text version, area scope and channels;
erased clients; a family contact's own consent.

Defaults keep every existing consent behaving as before: all channels on, area shown.
Consents recorded before this migration were signed forms of an unrecorded text version.
"""
from peewee import BooleanField, CharField, DateField, DateTimeField

CONSENT_COLUMNS = [
    ("method", CharField(default="formulir")),
    ("text_version", CharField(default="")),
    ("scope_area", BooleanField(default=True)),
    ("channel_website", BooleanField(default=True)),
    ("channel_kiosk", BooleanField(default=True)),
    ("channel_share", BooleanField(default=True)),
    ("channel_flyer", BooleanField(default=True)),
    ("channel_search", BooleanField(default=True)),
]
LISTING_COLUMNS = [
    ("family_consent_name", CharField(default="")),
    ("family_consent_on", DateField(null=True)),
    ("family_consent_reference", CharField(default="")),
]


def up(migrator, db):
    migrator.migrate(
        *[migrator.add_column("consent", name, field) for name, field in CONSENT_COLUMNS],
        migrator.add_column("client", "erased_at", DateTimeField(null=True)),
        *[migrator.add_column("listing", name, field) for name, field in LISTING_COLUMNS],
    )


def down(migrator, db):
    migrator.migrate(
        *[migrator.drop_column("listing", name) for name, _ in LISTING_COLUMNS],
        migrator.drop_column("client", "erased_at"),
        *[migrator.drop_column("consent", name) for name, _ in CONSENT_COLUMNS],
    )
