"""A process serving public pages carries no library those pages do not use.

Issue 12 asks for at most 80 MB resident per waitress process at 100,000 listings
(measured by `bench/load.py serial` and `http`). Pillow, cryptography, segno, RapidFuzz
and openpyxl together weigh ~30 MB there; they are imported by the requests that draw a
share card, open an upload, check a 2FA code, correct a typo or read a spreadsheet.
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"PIL": "photos and share cards", "cryptography": "two-factor secrets",
         "segno": "QR codes", "rapidfuzz": "typo corrections", "openpyxl": "spreadsheets"}

# A fresh interpreter: the test process itself has imported all of them long ago.
SERVE_AND_LIST_MODULES = """
import json, sys
from app import create_app
app = create_app({"INSTANCE_PATH": sys.argv[1], "DATABASE_URL": sys.argv[2],
                  "PUBLIC_PAGE_CACHE_BYTES": 0})
client = app.test_client()
statuses = [client.get(path).status_code for path in sys.argv[3:]]
print(json.dumps({"statuses": statuses,
                  "loaded": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def test_public_pages_leave_heavy_libraries_unloaded(app, make_listing):
    listing = make_listing()
    paths = ["/", "/?q=jahit", "/?q=penjahit&kabupaten=Polewali+Mandar", "/?q=menjahit&hal=2",
             f"/jasa/{listing.id}-penjahit-pakaian", "/kategori/menjahit", "/sitemap.xml"]
    result = subprocess.run(
        [sys.executable, "-c", SERVE_AND_LIST_MODULES, app.instance_path,
         app.config["DATABASE_URL"], *paths],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["statuses"] == [200] * len(paths)
    loaded = {name: why for name, why in HEAVY.items() if name in found["loaded"]}
    assert not loaded, f"loaded by public pages: {loaded}"
