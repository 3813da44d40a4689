"""Backups: one zip with a consistent SQLite snapshot, the photos and a checksummed manifest.

Restoring lives in app/restore.py.
"""
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.web.i18n import N_, translate

DB_NAME = "raja_kemas.db"
MANIFEST = "manifest.json"
PHOTO_DIR = "uploads"
DEFAULT_KEEP = 14
ARCHIVE_RE = re.compile(r"^raja-kemas-(\d{8}-\d{6})(?:-(\d+))?\.zip$")
PG_MESSAGE = N_("DATABASE_URL memakai PostgreSQL: cadangkan databasenya dengan pg_dump "
                 "(lihat bagian \"Cadangan\" di README), lalu salin folder foto "
                 "(instance/uploads) terpisah. Perintah ini hanya untuk database SQLite.")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is for the admin, in their
    language (Indonesian outside a request: the CLI)."""


@dataclass
class Archive:
    path: Path
    size: int
    created_at: dt.datetime

    @property
    def name(self):
        return self.path.name


def human_size(size: int) -> str:
    """Return a size as people read it: 840 KB, 12,5 MB."""
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / 1048576:.1f} MB".replace(".", ",")


def sqlite_file(database_url: str) -> Path:
    """Return the SQLite file of a DATABASE_URL; refuse PostgreSQL and in-memory databases."""
    if database_url.startswith("postgres"):
        raise BackupError(translate(PG_MESSAGE))
    if not database_url.startswith("sqlite"):
        raise BackupError(translate("Perintah cadangan ini hanya untuk database SQLite."))
    path = database_url.split(":///", 1)[1].split("?", 1)[0] if ":///" in database_url else ""
    if not path or path.startswith(":memory:"):
        raise BackupError(translate("Database di memori tidak bisa dicadangkan."))
    return Path(path)


def app_version() -> str:
    try:
        from importlib.metadata import version
        return version("raja-kemas")
    except Exception:  # not installed (running from a checkout)
        return "dev"


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts(conn) -> dict:
    """Return the number of rows in each table of a SQLite connection."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def snapshot_database(source: Path, target: Path) -> dict:
    """Copy a live database with SQLite's online backup API; return its row counts."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a single read transaction, so one consistent state
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        counts = row_counts(dst)
    finally:
        dst.close()
        src.close()
    return counts


def _archive_path(dest: Path, when: dt.datetime) -> Path:
    stem = "raja-kemas-" + when.strftime("%Y%m%d-%H%M%S")
    path, n = dest / f"{stem}.zip", 1
    while path.exists():
        path, n = dest / f"{stem}-{n}.zip", n + 1
    return path


def list_archives(dest: Path) -> list[Archive]:
    """Return the archives in a folder, newest first."""
    found = []
    for path in Path(dest).glob("raja-kemas-*.zip"):
        match = ARCHIVE_RE.match(path.name)
        if match and path.is_file():
            when = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            found.append((when, int(match.group(2) or 0), path))
    found.sort(reverse=True)
    return [Archive(p, p.stat().st_size, when) for when, _, p in found]


def rotate(dest: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives; return the deleted ones."""
    old = [a.path for a in list_archives(dest)[max(keep, 1):]]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def create_backup(db_path: Path, upload_dir: Path, dest: Path, keep: int = DEFAULT_KEEP) -> Path:
    """Write one archive of the database and photos to `dest`, then keep the newest `keep`."""
    db_path, upload_dir, dest = Path(db_path), Path(upload_dir), Path(dest)
    if not db_path.is_file():
        raise BackupError(translate("Database tidak ditemukan: %(path)s", path=db_path))
    dest.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.now().replace(microsecond=0)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".tmp-") as work:
        snap, partial = Path(work) / DB_NAME, Path(work) / "archive.zip"
        counts = snapshot_database(db_path, snap)
        files = {DB_NAME: sha256_file(snap)}
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(snap, DB_NAME)
            # Photos after the snapshot: a new photo is stored before its row is committed.
            for path in sorted(upload_dir.glob("*")) if upload_dir.is_dir() else []:
                try:
                    data = path.read_bytes() if path.is_file() else None
                except FileNotFoundError:  # replaced by a save meanwhile
                    continue
                if data is not None:  # one photo in memory at a time
                    files[f"{PHOTO_DIR}/{path.name}"] = hashlib.sha256(data).hexdigest()
                    archive.writestr(f"{PHOTO_DIR}/{path.name}", data,
                                     compress_type=zipfile.ZIP_STORED)
            manifest = {"format": 1, "app": "raja-kemas", "app_version": app_version(),
                        "created_at": created.isoformat(), "database": DB_NAME,
                        "files": files, "row_counts": counts,
                        "missing_photos": _missing_photos(snap, files)}
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        final = _archive_path(dest, created)
        os.replace(partial, final)  # appears whole or not at all
    rotate(dest, keep)
    return final


def _missing_photos(snap: Path, files: dict) -> list[str]:
    """Return photos the snapshot refers to that were not in the folder (a save raced)."""
    conn = sqlite3.connect(snap)
    try:
        rows = conn.execute("SELECT photo, photo_thumb FROM listing").fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return sorted({n for row in rows for n in row if n and f"{PHOTO_DIR}/{n}" not in files})


def backup_dir(app) -> Path:
    """Return the default archive folder: BACKUP_DIR, RAJA_KEMAS_BACKUP_DIR or instance/backups."""
    chosen = app.config.get("BACKUP_DIR") or os.environ.get("RAJA_KEMAS_BACKUP_DIR")
    return Path(chosen) if chosen else Path(app.instance_path) / "backups"


def run_backup(app, dest=None, keep: int = DEFAULT_KEEP, user=None, username: str = "") -> Path:
    """Back up the app's database and photos, and record it in the audit log."""
    from app.records import audit
    db_path = sqlite_file(app.config["DATABASE_URL"])
    path = create_backup(db_path, Path(app.config["UPLOAD_DIR"]), dest or backup_dir(app), keep)
    audit.record("backup.create", "backup", user=user, username=username,
                 after={"archive": path.name, "size": path.stat().st_size})
    return path
