"""Time a listing's history and version pages with N versions (SQLite, test client).

Usage: PYTHONPATH=. python bench/history_pages.py [N=200]
"""
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import PASSWORD, listing_data

from app import create_app
from app.db import database
from app.models import Listing, Unit
from app.records import history
from app.records import listings as domain
from app.security.accounts import create_user

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
folder = Path(tempfile.mkdtemp())
app = create_app({"INSTANCE_PATH": str(folder / "i"), "DATABASE_URL": "sqlite:///" + str(folder / "t.db"),
                  "TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
with app.test_request_context(), database.connection_context():
    user = create_user(Unit.select().first(), "admin", PASSWORD, "superadmin")
    l = domain.save_listing(None, None, listing_data(), user)
    for i in range(N - 1):
        l = domain.save_listing(Listing.get_by_id(l.id), None,
                                listing_data(price_hint=f"Rp{i}.000", version=l.version), user)
    first = history.versions(l)[0].event.id
c = app.test_client()
c.post("/masuk", data={"username": "admin", "password": PASSWORD})
for url in (f"/admin/jasa/{l.id}/riwayat", f"/admin/jasa/{l.id}/riwayat/{first}"):
    c.get(url)
    t = time.perf_counter()
    for _ in range(5):
        r = c.get(url)
    print(f"{url}: {(time.perf_counter() - t) / 5 * 1000:.0f} ms, {len(r.data)} bytes, status {r.status_code}")
