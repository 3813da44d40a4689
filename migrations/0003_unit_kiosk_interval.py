"""Each unit sets how many seconds the kiosk shows one listing."""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("unit", "kiosk_interval", IntegerField(default=12)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("unit", "kiosk_interval"))
