"""Running an installation: migrations, seed data, backup and restore, moving to PostgreSQL."""
