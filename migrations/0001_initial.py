"""Create the whole schema: a frozen copy of app/models.py as of this migration.

Timestamps get their defaults in Python (app.models.now), so none is set here.
"""
import datetime

from peewee import *


def up(migrator, db):
    class Unit(Model):
        name = CharField()
        slug = CharField(unique=True)
        address = TextField(default='')
        phone = CharField(default='')
        email = CharField(default='')
        kabupaten_served = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'unit'
    db.create_tables([Unit])

    class User(Model):
        unit = ForeignKeyField(Unit)
        username = CharField(unique=True)
        full_name = CharField(default='')
        password_hash = CharField()
        role = CharField(default='admin')
        is_enabled = BooleanField(default=True)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class AuditEvent(Model):
        created_at = DateTimeField(index=True)
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        username = CharField(default='')
        action = CharField()
        entity = CharField(default='')
        entity_id = IntegerField(null=True)
        before = TextField(default='')
        after = TextField(default='')
        address = CharField(default='')
        class Meta:
            database = db
            table_name = 'audit_event'
    db.create_tables([AuditEvent])

    class Category(Model):
        slug = CharField(unique=True)
        name = CharField()
        keywords = TextField(default='')
        sort_order = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'category'
    db.create_tables([Category])

    class Client(Model):
        unit = ForeignKeyField(Unit)
        full_name = CharField()
        register_number = CharField(default='')
        birth_date = DateField(null=True)
        supervising_officer = CharField(default='')
        supervision_end_date = DateField(null=True)
        internal_notes = TextField(default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        deleted_at = DateTimeField(null=True)
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'client'
    db.create_tables([Client])

    class Consent(Model):
        client = ForeignKeyField(Client, on_delete='CASCADE')
        given_on = DateField()
        officer_name = CharField()
        recorded_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        form_reference = CharField(default='')
        scope_name = BooleanField(default=True)
        scope_photo = BooleanField(default=False)
        scope_phone = BooleanField(default=True)
        valid_until = DateField(null=True)
        withdrawn_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'consent'
    db.create_tables([Consent])

    class Region(Model):
        code = CharField(unique=True)
        province = CharField()
        kabupaten = CharField(index=True)
        kecamatan = CharField()
        aliases = TextField(default='')
        class Meta:
            database = db
            table_name = 'region'
    db.create_tables([Region])

    class Listing(Model):
        unit = ForeignKeyField(Unit)
        client = ForeignKeyField(Client)
        category = ForeignKeyField(Category)
        region = ForeignKeyField(Region, null=True)
        title = CharField()
        slug = CharField()
        description = TextField(default='')
        service_area = CharField(default='')
        price_hint = CharField(default='')
        working_hours = CharField(default='')
        display_name = CharField(default='')
        contact_name = CharField(default='')
        contact_relation = CharField(default='klien')
        phone = CharField(default='')
        phone_is_mobile = BooleanField(default=False)
        photo = CharField(null=True)
        photo_thumb = CharField(null=True)
        photo_width = IntegerField(null=True)
        photo_height = IntegerField(null=True)
        thumb_width = IntegerField(null=True)
        thumb_height = IntegerField(null=True)
        is_published = BooleanField(index=True, default=False)
        published_at = DateTimeField(null=True)
        publish_until = DateField(null=True)
        featured = BooleanField(default=False)
        last_confirmed_at = DateField(default=datetime.date.today)
        created_at = DateTimeField()
        updated_at = DateTimeField(index=True)
        updated_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        deleted_at = DateTimeField(null=True)
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'listing'
    db.create_tables([Listing])

    class DailyStat(Model):
        listing = ForeignKeyField(Listing, on_delete='CASCADE')
        day = DateField()
        views = IntegerField(default=0)
        whatsapp_taps = IntegerField(default=0)
        phone_taps = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'daily_stat'
            indexes = ((('listing', 'day'), True),)
    db.create_tables([DailyStat])

    class LoginFailure(Model):
        key = CharField(index=True)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'login_failure'
    db.create_tables([LoginFailure])

    class SetupToken(Model):
        token_hash = CharField(unique=True)
        created_at = DateTimeField()
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'setup_token'
    db.create_tables([SetupToken])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('setup_token'))
    migrator.migrate(migrator.drop_table('login_failure'))
    migrator.migrate(migrator.drop_table('daily_stat'))
    migrator.migrate(migrator.drop_table('listing'))
    migrator.migrate(migrator.drop_table('region'))
    migrator.migrate(migrator.drop_table('consent'))
    migrator.migrate(migrator.drop_table('client'))
    migrator.migrate(migrator.drop_table('category'))
    migrator.migrate(migrator.drop_table('audit_event'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('unit'))
