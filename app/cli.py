"""The `raja-kemas` command: serve, init, create-admin, migrate, setup-link, reindex."""
import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import accounts
from .db import database
from .models import ROLES, Listing


def _setup_link(host: str, port: int) -> str:
    with database.connection_context():
        token = accounts.new_setup_token()
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}/siapkan/{token}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengar.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host, port, threads):
    """Jalankan server (waitress)."""
    from waitress import serve
    app = current_app._get_current_object()
    with database.connection_context():
        first_run = accounts.needs_setup()
    click.echo(f"Raja Kemas berjalan di http://{host}:{port}/  (Ctrl+C untuk berhenti)")
    if first_run:
        click.echo("Belum ada admin. Buka tautan sekali pakai ini untuk membuat superadmin:")
        click.echo("  " + _setup_link(host, port))
    serve(app, host=host, port=port, threads=threads)


@click.command("init")
@with_appcontext
def init_command():
    """Buat/migrasikan database dan isi data rujukan."""
    # create_app already migrated and seeded; this reports the state.
    from .migrate import migration_status
    with database.connection_context():
        for migration in migration_status():
            click.echo(f"  {'ok' if migration.applied else '..'} {migration.name}")
    click.echo("Database siap: " + current_app.config["DATABASE_URL"])


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Terapkan migrasi skema yang belum dijalankan."""
    from .migrate import migrate_database
    with database.connection_context():
        applied = migrate_database()
    click.echo("Diterapkan: " + (", ".join(applied) if applied else "tidak ada (sudah terbaru)"))


@click.command("create-admin")
@click.option("--username", prompt="Nama pengguna")
@click.option("--full-name", default="", help="Nama lengkap petugas.")
@click.option("--role", type=click.Choice(sorted(ROLES)), default="superadmin", show_default=True)
@click.password_option("--password", prompt="Kata sandi", confirmation_prompt="Ulangi kata sandi")
@with_appcontext
def create_admin_command(username, full_name, role, password):
    """Buat akun admin."""
    from .seed import ensure_default_unit
    with database.connection_context():
        try:
            user = accounts.create_user(ensure_default_unit(), username, password, role, full_name)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Akun '{user.username}' ({ROLES[user.role]}) dibuat.")


@click.command("setup-link")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8080, type=click.IntRange(1, 65535))
@with_appcontext
def setup_link_command(host, port):
    """Cetak tautan sekali pakai untuk membuat superadmin pertama."""
    with database.connection_context():
        if not accounts.needs_setup():
            raise click.ClickException("Sudah ada admin. Gunakan create-admin untuk akun baru.")
    click.echo(_setup_link(host, port))


@click.command("reindex")
@with_appcontext
def reindex_command():
    """Bangun ulang indeks pencarian."""
    from .search import reindex
    with database.connection_context():
        count = reindex(Listing.select())
    click.echo(f"{count} jasa diindeks ulang.")


COMMANDS = [serve_command, init_command, migrate_command, create_admin_command,
            setup_link_command, reindex_command]


def register(app):
    for command in COMMANDS:
        app.cli.add_command(command)


def _make_app():
    from . import create_app
    return create_app()


def main():
    group = FlaskGroup(create_app=_make_app, add_default_commands=False,
                       add_version_option=False, load_dotenv=True,
                       help="Raja Kemas: direktori jasa klien pemasyarakatan.")
    for command in COMMANDS:
        group.add_command(command)
    group(prog_name="raja-kemas")
