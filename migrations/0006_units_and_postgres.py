"""Each unit (Bapas office) gets a logo for its public pages and kiosk, and a version
number so that two superadmins editing it at once get a conflict, not an overwrite."""
from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("unit", "logo", CharField(null=True)),
        migrator.add_column("unit", "logo_thumb", CharField(null=True)),
        migrator.add_column("unit", "logo_width", IntegerField(null=True)),
        migrator.add_column("unit", "logo_height", IntegerField(null=True)),
        migrator.add_column("unit", "version", IntegerField(default=1)),
    )


def down(migrator, db):
    migrator.migrate(*[migrator.drop_column("unit", name)
                       for name in ("logo", "logo_thumb", "logo_width", "logo_height",
                                    "version")])
