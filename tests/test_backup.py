"""Backups: a consistent snapshot under write load, restore, refusal of damaged archives."""
import hashlib
import json
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import jpeg_bytes, listing_data

from app.cli import backup_command, restore_command
from app.db import database
from app.models import AuditEvent, Listing, User
from app.operations import backup, restore
from app.records import listings as domain

pytestmark = pytest.mark.sqlite_only  # backs up the SQLite file; PostgreSQL uses pg_dump


@pytest.fixture
def paths(app):
    """The database file, the photo folder and a backup folder of the test app."""
    return (backup.sqlite_file(app.config["DATABASE_URL"]), Path(app.config["UPLOAD_DIR"]),
            Path(app.instance_path) / "backups")


def dump(db_path, skip=("backup.restore",)) -> dict:
    """Return every row of every table, to compare two databases."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    finally:
        conn.close()
    # The restore records itself in the restored log.
    rows["audit_event"] = [r for r in rows["audit_event"] if not set(skip) & set(r)]
    return rows


def photos(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.glob("*") if p.is_file()}


def integrity(db_path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_backup_under_write_load_restores_identical_data(app, make_listing, paths, tmp_path):
    db_path, uploads, dest = paths
    for i in range(3):
        make_listing(photo=jpeg_bytes(color=(i * 60, 90, 120)), title=f"Jasa foto {i}")
    before_photos = photos(uploads)
    assert len(before_photos) == 6

    saved, stop, errors = [], threading.Event(), []

    def writer():
        with app.test_request_context(), database.connection_context():
            user = User.get(User.username == "admin")
            for i in range(2000):
                if stop.is_set():
                    break
                try:
                    saved.append(domain.save_listing(None, None, listing_data(
                        title=f"Jasa beban {i}"), user).id)
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)
                    break

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(saved) < 5 and thread.is_alive():
            threading.Event().wait(0.01)
        during = len(saved)
        archive = backup.create_backup(db_path, uploads, dest)
        threading.Event().wait(0.2)
        after = len(saved)
    finally:
        stop.set()
        thread.join(30)
    assert not errors and after > during >= 5  # saves went on before and after the snapshot

    # The snapshot is one consistent state: every listing in it has its audit event.
    work = tmp_path / "look"
    manifest = restore.verify_archive(archive, work)
    snap = work / backup.DB_NAME
    conn = sqlite3.connect(snap)
    listings = conn.execute("SELECT count(*) FROM listing").fetchone()[0]
    created = conn.execute(
        "SELECT count(*) FROM audit_event WHERE action='listing.create'").fetchone()[0]
    conn.close()
    assert listings == created == manifest["row_counts"]["listing"]
    assert 3 + during <= listings <= 3 + after
    assert integrity(snap) == "ok"
    expected = dump(snap)

    # Wipe: rows and photo files gone.
    with database.connection_context():
        database.execute_sql("DELETE FROM daily_stat")
        database.execute_sql("DELETE FROM listing")
        database.execute_sql("DELETE FROM listing_fts")
    for path in uploads.glob("*"):
        path.unlink()

    result = restore.restore_archive(archive, db_path, uploads)
    assert integrity(db_path) == "ok"
    assert dump(db_path) == expected
    assert photos(uploads) == before_photos
    assert result["previous_db"].name.endswith(".before-restore")
    with database.connection_context():  # the app's own connection sees the restored data
        assert Listing.select().count() == listings
    assert app.test_client().get("/?q=foto").text.count("Jasa foto") == 3


def test_archive_name_manifest_and_rotation(app, make_listing, paths):
    db_path, uploads, dest = paths
    make_listing(photo=jpeg_bytes())
    made = [backup.create_backup(db_path, uploads, dest, keep=2) for _ in range(3)]
    left = [a.path for a in backup.list_archives(dest)]
    assert left == [made[2], made[1]]  # newest first, the oldest rotated away
    assert not made[0].exists()
    assert all(backup.ARCHIVE_RE.match(p.name) for p in left)
    with zipfile.ZipFile(made[2]) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
        for name, digest in manifest["files"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest
    assert names == set(manifest["files"]) | {"manifest.json"}
    assert {n for n in names if n.startswith("uploads/")} == {
        "uploads/" + p.name for p in uploads.glob("*")}
    assert manifest["row_counts"]["listing"] == 1 and manifest["app_version"]
    assert manifest["created_at"] and manifest["missing_photos"] == []


def _rewrite(archive: Path, target: Path, change):
    """Copy an archive member by member, letting `change(name, data)` alter or drop members."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as out:
        for name in src.namelist():
            data = change(name, src.read(name))
            if data is not None:
                out.writestr(name, data)
    return target


def _flip_stored_byte(archive: Path, target: Path, member: str):
    """Flip one byte inside a member's data, as a damaged disk or transfer would."""
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(raw))
    return target


@pytest.mark.parametrize("damage, message", [
    ("photo_bytes", "arsip rusak"),
    ("db_bytes", "arsip rusak"),
    ("photo_checksum", "Checksum uploads/"),
    ("db_page", "Checksum raja_kemas.db"),
    ("no_manifest", "tidak punya manifest.json"),
    ("extra_member", "berkas tak terduga"),
    ("not_zip", "bukan ZIP"),
    ("bad_db_with_matching_manifest", "gagal diperiksa"),
])
def test_damaged_archive_is_refused_and_changes_nothing(app, make_listing, paths, tmp_path,
                                                        damage, message):
    db_path, uploads, dest = paths
    make_listing(photo=jpeg_bytes())
    archive = backup.create_backup(db_path, uploads, dest)
    photo = next(n for n in zipfile.ZipFile(archive).namelist() if n.startswith("uploads/"))
    bad = tmp_path / "rusak.zip"
    if damage == "photo_bytes":
        _flip_stored_byte(archive, bad, photo)
    elif damage == "db_bytes":
        _flip_stored_byte(archive, bad, backup.DB_NAME)
    elif damage == "photo_checksum":
        _rewrite(archive, bad, lambda n, d: d[:-1] + b"x" if n == photo else d)
    elif damage == "db_page":
        _rewrite(archive, bad, lambda n, d: d[:5000] + bytes(b ^ 0xFF for b in d[5000:5010])
                 + d[5010:] if n == backup.DB_NAME else d)
    elif damage == "no_manifest":
        _rewrite(archive, bad, lambda n, d: None if n == "manifest.json" else d)
    elif damage == "extra_member":
        _rewrite(archive, bad, lambda n, d: d)
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr("../../evil.txt", b"x")
    elif damage == "not_zip":
        bad.write_bytes(b"ini bukan arsip")
    else:  # a damaged database whose manifest was rewritten to match it
        def corrupt(name, data):
            if name == backup.DB_NAME:
                return data[:4096 * 3] + b"\xff" * 4096 + data[4096 * 4:]
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest["files"][backup.DB_NAME] = hashlib.sha256(
                    corrupt(backup.DB_NAME, zipfile.ZipFile(archive).read(backup.DB_NAME))
                ).hexdigest()
                return json.dumps(manifest).encode()
            return data
        _rewrite(archive, bad, corrupt)

    with database.connection_context():
        database.execute_sql("UPDATE listing SET title = 'Sesudah cadangan'")
    before_db, before_photos = dump(db_path), photos(uploads)
    with pytest.raises(backup.BackupError) as caught:
        restore.restore_archive(bad, db_path, uploads)
    assert message.lower() in str(caught.value).lower()
    assert "Tidak ada yang diubah" in str(caught.value)
    assert dump(db_path) == before_db and photos(uploads) == before_photos
    leftovers = [p.name for p in db_path.parent.iterdir() if "before-restore" in p.name
                 or p.name.startswith(".restore-")]
    assert leftovers == []


def test_cli_backup_and_restore(app, runner, make_listing, paths, tmp_path):
    db_path, uploads, _ = paths
    make_listing(photo=jpeg_bytes())
    result = runner.invoke(backup_command, ["--dest", str(tmp_path / "arsip"), "--keep", "3"])
    assert result.exit_code == 0, result.output
    assert "Cadangan dibuat" in result.output
    archive = next((tmp_path / "arsip").glob("raja-kemas-*.zip"))
    expected = dump(db_path, skip=("backup.create",))

    with database.connection_context():
        database.execute_sql("UPDATE listing SET title = 'Hilang'")
    result = runner.invoke(restore_command, [str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Dipulihkan" in result.output
    assert dump(db_path, skip=("backup.create", "backup.restore")) == expected
    with database.connection_context():
        actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-1] == "backup.restore"

    bad = tmp_path / "bukan.zip"
    bad.write_text("rusak")
    result = runner.invoke(restore_command, [str(bad), "--yes"])
    assert result.exit_code == 1 and "Tidak ada yang diubah" in result.output


def test_restore_asks_first(runner, make_listing, paths):
    db_path, uploads, dest = paths
    make_listing()
    archive = backup.create_backup(db_path, uploads, dest)
    result = runner.invoke(restore_command, [str(archive)], input="n\n")
    assert result.exit_code == 1 and "Lanjutkan?" in result.output
    assert not list(db_path.parent.glob("*.before-restore"))


def test_postgresql_is_pointed_to_pg_dump(app, runner, monkeypatch):
    with pytest.raises(backup.BackupError, match="pg_dump"):
        backup.sqlite_file("postgresql://raja@localhost/raja_kemas")
    monkeypatch.setenv("DATABASE_URL", "postgresql://raja@localhost/raja_kemas")
    result = runner.invoke(backup_command, [])
    assert result.exit_code == 1 and "pg_dump" in result.output


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def test_backup_page_makes_lists_and_downloads(admin, app, make_listing):
    make_listing()
    page = admin.get("/admin/cadangan")
    assert page.status_code == 200 and "Belum ada arsip" in page.text
    response = admin.post("/admin/cadangan")
    assert response.status_code == 303
    page = admin.get(response.location).text
    assert "Cadangan dibuat" in page and "WITA" in page
    name = backup.list_archives(backup.backup_dir(app))[0].name
    assert name in page
    download = admin.get(f"/admin/cadangan/{name}")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "attachment" in download.headers["Content-Disposition"]
    assert admin.get("/admin/cadangan/raja_kemas.db").status_code == 404
    assert admin.get("/admin/cadangan/..%2Fsecret_key").status_code == 404
    with database.connection_context():
        done = [(e.action, e.username) for e in AuditEvent.select().where(
            AuditEvent.action.startswith("backup."))]
    assert done == [("backup.create", "admin"), ("backup.download", "admin")]


def test_backup_page_is_for_superadmins_only(client, auth, app):
    auth.login("viewer")
    assert client.get("/admin/cadangan").status_code == 403
    assert client.post("/admin/cadangan").status_code == 403
    assert client.get("/admin/cadangan/raja-kemas-20260101-020000.zip").status_code == 403
    assert not (Path(app.instance_path) / "backups").exists()


def test_restore_replaces_a_damaged_database(app, make_listing, paths):
    db_path, uploads, dest = paths
    make_listing(title="Sebelum rusak")
    archive = backup.create_backup(db_path, uploads, dest)
    expected = dump(db_path)
    damaged = b"bukan database lagi" * 1000
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(damaged)

    result = restore.restore_archive(archive, db_path, uploads)
    assert integrity(db_path) == "ok" and dump(db_path) == expected
    assert result["previous_db"].read_bytes() == damaged  # the damaged file is kept, as it was
