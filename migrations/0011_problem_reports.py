"""Reports from the public that a listing is wrong, and the per-address limit of public
forms. Frozen copies of the models as of this migration."""
from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Listing(Model):
        class Meta:
            database = db
            table_name = "listing"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class ProblemReport(Model):
        listing = ForeignKeyField(Listing, on_delete="CASCADE")
        reason = CharField()
        note = TextField(default="")
        reporter_contact = CharField(default="")
        created_at = DateTimeField(index=True)
        resolved_at = DateTimeField(null=True, index=True)
        resolution = CharField(default="")
        resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "problem_report"

    class PublicFormUse(Model):
        key = CharField(index=True)
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "public_form_use"

    # One by one: create_tables would also try to create the frozen Listing and User.
    for model in (ProblemReport, PublicFormUse):
        model.create_table()


def down(migrator, db):
    for table in ("public_form_use", "problem_report"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
