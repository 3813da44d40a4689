"""Restoring a backup archive: verify everything first, then replace, keeping the old aside."""
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from app.operations.backup import (
    DB_NAME,
    MANIFEST,
    PHOTO_DIR,
    BackupError,
    row_counts,
    sha256_file,
    sqlite_file,
)
from app.web.i18n import translate

REQUIRED_TABLES = {"listing", "client", "user", "audit_event"}


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    if name == DB_NAME or name == MANIFEST:
        return True
    return (len(path.parts) == 2 and path.parts[0] == PHOTO_DIR and "\\" not in name
            and path.parts[1] not in ("", ".", ".."))


def verify_archive(archive: Path, staging: Path) -> dict:
    """Check an archive and extract it into `staging`; return its manifest or raise BackupError."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(translate("Berkas cadangan tidak ditemukan: %(path)s", path=archive))
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            if MANIFEST not in names:
                raise BackupError(translate("Arsip ini tidak punya manifest.json: bukan cadangan "
                                            "Raja Kemas atau tidak lengkap. Tidak ada yang "
                                            "diubah."))
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            files = manifest.get("files") if isinstance(manifest, dict) else None
            if not isinstance(files, dict) or DB_NAME not in files:
                raise BackupError(translate("manifest.json rusak atau tidak berisi database. "
                                            "Tidak ada yang diubah."))
            for name in names:
                if name != MANIFEST and (name not in files or not _safe_member(name)):
                    raise BackupError(translate("Arsip berisi berkas tak terduga: %(name)s. "
                                                "Tidak ada yang diubah.", name=name))
            for name, expected in files.items():
                if name not in names or not _safe_member(name):
                    raise BackupError(translate("Berkas %(name)s hilang dari arsip. Tidak ada "
                                                "yang diubah.", name=name))
                target = staging / PurePosixPath(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with zf.open(name) as src, open(target, "wb") as out:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
                if digest.hexdigest() != expected:
                    raise BackupError(translate("Checksum %(name)s tidak cocok: arsip rusak. "
                                                "Tidak ada yang diubah.", name=name))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise BackupError(translate("Arsip rusak atau bukan ZIP (%(problem)s). Tidak ada yang "
                                    "diubah.", problem=exc)) from None
    except (UnicodeDecodeError, ValueError):
        raise BackupError(translate("manifest.json tidak bisa dibaca. Tidak ada yang "
                                    "diubah.")) from None
    _check_database(staging / DB_NAME, manifest.get("row_counts") or {})
    return manifest


def _check_database(path: Path, counts: dict) -> None:
    """Refuse a database that fails integrity_check, lacks our tables or has other row counts."""
    try:
        conn = sqlite3.connect(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            actual = row_counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(translate("Database di arsip gagal diperiksa (%(problem)s). "
                                    "Tidak ada yang diubah.", problem=exc)) from None
    if result != "ok":
        raise BackupError(translate("Database di arsip gagal diperiksa (%(problem)s). "
                                    "Tidak ada yang diubah.", problem=result))
    if not REQUIRED_TABLES <= set(actual):
        raise BackupError(translate("Database di arsip bukan database Raja Kemas. Tidak ada "
                                    "yang diubah."))
    if counts and counts != actual:
        raise BackupError(translate("Jumlah baris database di arsip tidak sama dengan "
                                    "manifest. Tidak ada yang diubah."))


def _copy_live(source: Path, target: Path) -> None:
    """Copy a database into another (new or live) one with the backup API."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def restore_archive(archive: Path, db_path: Path, upload_dir: Path) -> dict:
    """Verify an archive, then replace the database and photos; keep the old ones aside."""
    db_path, upload_dir = Path(db_path), Path(upload_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory(dir=db_path.parent, prefix=".restore-") as work:
        staging = Path(work)
        manifest = verify_archive(archive, staging)
        kept = None
        if db_path.exists():
            kept = _unused(db_path.with_name(f"{db_path.name}.{stamp}.before-restore"))
            try:
                _copy_live(db_path, kept)
            except sqlite3.DatabaseError:  # the live file is damaged: keep its bytes as they are
                for suffix in ("", "-wal"):
                    if Path(f"{db_path}{suffix}").exists():
                        shutil.copy2(f"{db_path}{suffix}", f"{kept}{suffix}")
        try:
            # The backup API writes into the live file under SQLite's own locks, so open
            # connections (a running server) see the restored data at once.
            _copy_live(staging / DB_NAME, db_path)
        except sqlite3.DatabaseError:  # too damaged to write into: swap the whole file
            for suffix in ("-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            os.replace(staging / DB_NAME, db_path)
        aside = _unused(upload_dir.with_name(f"{upload_dir.name}.{stamp}.before-restore"))
        photos_kept = _replace_photos(staging / PHOTO_DIR, upload_dir, aside)
    return {"manifest": manifest, "previous_db": kept, "previous_photos": photos_kept}


def _unused(path: Path) -> Path:
    """Return `path`, or `path` with a number added if it exists: nothing is overwritten."""
    candidate, n = path, 1
    while candidate.exists():
        candidate, n = path.with_name(f"{path.name}.{n}"), n + 1
    return candidate


def _replace_photos(source: Path, upload_dir: Path, aside: Path) -> Path | None:
    """Put the archive's photos in place; move other current photos to `aside`."""
    incoming = {p.name: p for p in source.glob("*")} if source.is_dir() else {}
    upload_dir.mkdir(parents=True, exist_ok=True)
    moved = False
    for current in list(upload_dir.glob("*")):
        if not current.is_file():
            continue
        new = incoming.get(current.name)
        if new is not None and sha256_file(new) == sha256_file(current):
            incoming.pop(current.name)
            continue
        aside.mkdir(parents=True, exist_ok=True)
        shutil.move(str(current), aside / current.name)
        moved = True
    for name, path in incoming.items():
        temp = upload_dir / f".{name}.restoring"
        shutil.copyfile(path, temp)
        os.replace(temp, upload_dir / name)
    return aside if moved else None


def run_restore(config, archive) -> dict:
    """Restore the database and photos named by an app config (no app needed: it may be broken)."""
    db_path = sqlite_file(config["DATABASE_URL"])
    return restore_archive(Path(archive), db_path, Path(config["UPLOAD_DIR"]))


def record_restore(archive, result: dict, username: str = "") -> None:
    """Bring a restored database to the current schema and record the restore in it."""
    from app.operations.migrate import migrate_database
    from app.records import audit
    migrate_database()  # an archive from an older version gets the current schema
    audit.record("backup.restore", "backup", username=username,
                 after={"archive": Path(archive).name,
                        "created_at": result["manifest"].get("created_at", "")})
