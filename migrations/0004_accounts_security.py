"""Accounts security: forced password change, TOTP 2FA, recovery codes, server-side
sessions and app settings. Frozen copies of the models as of this migration."""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("user", "must_change_password", BooleanField(default=False)),
        migrator.add_column("user", "password_changed_at", DateTimeField(null=True)),
        migrator.add_column("user", "totp_secret", TextField(null=True)),
        migrator.add_column("user", "totp_enabled_at", DateTimeField(null=True)),
        migrator.add_column("user", "totp_last_step", IntegerField(null=True)),
    )

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class UserSession(Model):
        token_hash = CharField(unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        address = CharField(default="")

        class Meta:
            database = db
            table_name = "user_session"

    class RecoveryCode(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        code_hash = CharField()
        used_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "recovery_code"

    class AppSetting(Model):
        key = CharField(unique=True)
        value = TextField(default="")

        class Meta:
            database = db
            table_name = "app_setting"

    # One by one: create_tables would also try to create the frozen User.
    for model in (UserSession, RecoveryCode, AppSetting):
        model.create_table()


def down(migrator, db):
    for table in ("app_setting", "recovery_code", "user_session"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
    migrator.migrate(*[migrator.drop_column("user", name) for name in (
        "must_change_password", "password_changed_at", "totp_secret", "totp_enabled_at",
        "totp_last_step")])
