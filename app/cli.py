"""The `raja-kemas` command: serve, init, create-admin, migrate, reindex, backup, restore,
import."""
import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from app.db import database
from app.models import ROLES
from app.security import accounts
from app.web.public_address import trust_served_host


def _setup_link(host: str, port: int) -> str:
    with database.connection_context():
        token = accounts.new_setup_token()
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}/siapkan/{token}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengar.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
# Waitress reads and writes the network itself; its threads only run the app, which
# holds Python's lock. Four keep two cores busy: eight served fewer requests, more slowly
# and in more memory (bench/RESULTS.md, 100,000 listings).
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host, port, threads):
    """Jalankan server (waitress)."""
    from waitress import serve
    app = current_app._get_current_object()
    with database.connection_context():
        first_run = accounts.needs_setup()
    trusted = trust_served_host(app, host)
    click.echo(f"Raja Kemas berjalan di http://{host}:{port}/  (Ctrl+C untuk berhenti)")
    click.echo("Menjawab alamat: " + ", ".join(trusted) + ". Alamat lain: atur "
               "RAJA_KEMAS_PUBLIC_URL atau RAJA_KEMAS_TRUSTED_HOSTS (lihat README).")
    if first_run:
        click.echo("Belum ada admin. Buka tautan sekali pakai ini untuk membuat superadmin:")
        click.echo("  " + _setup_link(host, port))
    serve(app, host=host, port=port, threads=threads)


@click.command("init")
@with_appcontext
def init_command():
    """Buat/migrasikan database dan isi data rujukan."""
    # create_app already migrated and seeded; this reports the state.
    from app.operations.migrate import migration_status
    with database.connection_context():
        for migration in migration_status():
            click.echo(f"  {'ok' if migration.applied else '..'} {migration.name}")
    click.echo("Database siap: " + current_app.config["DATABASE_URL"])


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Terapkan migrasi skema yang belum dijalankan."""
    from app.operations.migrate import migrate_database
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
    from app.operations.seed import ensure_default_unit
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
    """Bangun ulang indeks pencarian dari awal."""
    from app.directory.search import rebuild_all
    with database.connection_context():
        count = rebuild_all()
    click.echo(f"Indeks pencarian dibangun ulang: {count} jasa diindeks ulang.")


@click.command("backup")
@click.option("--dest", type=click.Path(file_okay=False), default=None,
              help="Folder arsip (bawaan: instance/backups).")
@click.option("--keep", default=14, show_default=True, type=click.IntRange(1, 10000),
              help="Jumlah arsip terbaru yang disimpan.")
@click.pass_context
def backup_command(ctx, dest, keep):
    """Buat satu arsip cadangan: database, foto dan manifest."""
    import os

    from flask.cli import ScriptInfo

    from app.operations import backup
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise click.ClickException(backup.PG_MESSAGE)  # before connecting to it
    app = ctx.ensure_object(ScriptInfo).load_app()
    try:
        with app.app_context(), database.connection_context():
            path = backup.run_backup(app, dest, keep, username="(baris perintah)")
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Cadangan dibuat: {path} ({backup.human_size(path.stat().st_size)})")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Jangan tanya konfirmasi.")
@click.pass_context
def restore_command(ctx, archive, yes):
    """Pulihkan database dan foto dari arsip cadangan (diperiksa dulu)."""
    from flask.cli import ScriptInfo

    from app.config import instance_path, load_settings
    from app.operations import backup, restore
    info = ctx.ensure_object(ScriptInfo)
    try:
        app = info.load_app()
    except Exception as exc:  # a damaged database must not block its own restore
        app = None
        click.echo(f"Aplikasi tidak bisa dibuka ({exc}); memakai pengaturan lingkungan.")
    if not yes:
        click.confirm("Database dan foto sekarang akan diganti isi arsip ini (salinan lama "
                      "disimpan sebagai .before-restore). Lanjutkan?", abort=True)
    try:
        result = restore.run_restore(app.config if app else load_settings(instance_path()),
                                     archive)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    app = app or info.load_app()
    with app.app_context(), database.connection_context():
        restore.record_restore(archive, result, username="(baris perintah)")
    click.echo(f"Dipulihkan dari cadangan {result['manifest'].get('created_at', '?')}.")
    if result["previous_db"]:
        click.echo(f"Database sebelumnya disimpan di {result['previous_db']}")
    if result["previous_photos"]:
        click.echo(f"Foto yang tidak ada di arsip dipindah ke {result['previous_photos']}")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--as", "username", required=True, metavar="USERNAME",
              help="Akun admin yang tercatat di log audit sebagai pengimpor.")
@click.option("--unit", "unit_slug", default=None, metavar="SLUG",
              help="Unit tujuan (bawaan: unit akun itu; unit lain hanya untuk superadmin).")
@with_appcontext
def import_command(file, username, unit_slug):
    """Impor jasa dan klien dari berkas .xlsx atau .csv (semua baris atau tidak sama sekali)."""
    from app.office.import_command import ImportCommandError, import_file, problem_lines
    try:
        result = import_file(file, username, unit_slug)
    except ImportCommandError as exc:
        raise click.ClickException(str(exc)) from None
    if not result.saved:
        for line in problem_lines(result.preview):
            click.echo(line, err=True)
        raise click.ClickException("Tidak ada yang disimpan: perbaiki masalah di atas, lalu "
                                   "jalankan lagi.")
    click.echo(f"{len(result.preview.rows)} baris dari {result.preview.file} sudah diimpor.")


COMMANDS = [serve_command, init_command, migrate_command, create_admin_command,
            setup_link_command, reindex_command, backup_command, restore_command,
            import_command]


@click.command("move-to-postgres")
@click.option("--from", "source", required=True, metavar="SQLITE",
              help="Database kantor: sqlite:///instance/raja_kemas.db (atau jalur berkasnya).")
@click.option("--to", "target", required=True, metavar="POSTGRESQL",
              help="Database PostgreSQL baru yang kosong: postgresql://user@host/nama.")
def move_to_postgres_command(source, target):
    """Pindahkan semua data dari SQLite ke PostgreSQL yang masih kosong."""
    # Without the app: opening it would migrate and seed DATABASE_URL, maybe the target.
    from app.operations.transfer import TransferError, move_to_postgres
    try:
        summary = move_to_postgres(source, target, echo=click.echo)
    except TransferError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Selesai: {sum(summary.values())} baris dari {len(summary)} tabel dipindahkan. "
               "Foto tetap di folder uploads: salin folder itu ke instance yang baru.")


COMMANDS.append(move_to_postgres_command)


def register(app):
    for command in COMMANDS:
        app.cli.add_command(command)


def _make_app():
    from app import create_app
    return create_app()


def main():
    group = FlaskGroup(create_app=_make_app, add_default_commands=False,
                       add_version_option=False, load_dotenv=True,
                       help="Raja Kemas: direktori jasa klien pemasyarakatan.")
    for command in COMMANDS:
        group.add_command(command)
    group(prog_name="raja-kemas")
