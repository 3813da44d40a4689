"""Reference data shipped with the app: categories, regions, the default unit."""
import csv

from flask import current_app

from app.config import DATA_DIR
from app.db import database
from app.models import Category, Region, Unit


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def seed_categories() -> int:
    """Load the category list once, into an empty table (superadmins edit it after)."""
    if Category.select().exists():
        return 0
    rows = _rows("kategori.csv")
    with database.atomic():
        for order, row in enumerate(rows):
            Category.create(slug=row["slug"], name=row["nama"],
                            keywords=row["kata_kunci"],
                            keywords_en=row.get("kata_kunci_en") or "", sort_order=order)
    return len(rows)


def seed_regions() -> int:
    """Add any kecamatan from the data file that the table lacks, keyed by code."""
    known = {r.code for r in Region.select(Region.code)}
    added = 0
    with database.atomic():
        for row in _rows("wilayah.csv"):
            if row["kode"] not in known:
                Region.create(code=row["kode"], province=row["provinsi"],
                              kabupaten=row["kabupaten"], kecamatan=row["kecamatan"],
                              aliases=row["alias"] or "")
                added += 1
    return added


def ensure_default_unit() -> Unit:
    """Return the first unit, creating it from the office settings if there is none."""
    unit = Unit.select().order_by(Unit.id).first()
    if unit is None:
        cfg = current_app.config
        unit = Unit.create(name=cfg["OFFICE_NAME"], slug="bapas-polewali",
                           address=cfg["OFFICE_ADDRESS"], phone=cfg["OFFICE_PHONE"],
                           email=cfg["OFFICE_EMAIL"],
                           kabupaten_served="Polewali Mandar,Majene,Mamasa",
                           kiosk_interval=cfg["KIOSK_INTERVAL"])
    return unit


def seed_all() -> None:
    seed_categories()
    seed_regions()
    ensure_default_unit()
