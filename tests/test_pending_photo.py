"""Issue 10, point 4: a chosen photo survives a form that comes back with an error."""
import io
import os
import time
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import PASSWORD, form_payload, jpeg_bytes
from PIL import Image

from app.db import database
from app.models import Listing, Unit
from app.security.accounts import create_user

KEPT = "Foto sudah diunggah"
GONE = "Foto yang tadi diunggah sudah tidak tersedia"


def _payload(app, **overrides):
    with app.app_context(), database.connection_context():
        return form_payload(**overrides)


def _post(client, url, payload, photo=None):
    data = dict(payload)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "foto-klien.jpg", "image/jpeg")
    return client.post(url, data=data, content_type="multipart/form-data")


def _token(page) -> str:
    field = BeautifulSoup(page.text, "html.parser").select_one('input[name="photo_token"]')
    return field["value"] if field and field.has_attr("value") else ""


def _pending(app) -> list[str]:
    folder = Path(app.instance_path) / "pending_photos"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _stored_photo(app, listing_id=None):
    with app.app_context(), database.connection_context():
        listing = Listing.get_by_id(listing_id) if listing_id else Listing.get()
        return listing.photo


def _colour(app, name):
    image = Image.open(Path(app.config["UPLOAD_DIR"]) / name)
    return image.convert("RGB").getpixel((image.width // 2, image.height // 2))


def _close(a, b):
    return all(abs(x - y) < 12 for x, y in zip(a, b))


def _failed_attempt(app, client, photo=None, url="/admin/jasa/baru", **overrides):
    """Choose a photo, leave the title empty, press Simpan: the form comes back."""
    page = _post(client, url, _payload(app, title="", **overrides), photo or jpeg_bytes())
    assert page.status_code == 200 and "Wajib diisi" in page.text
    return page


def test_photo_is_kept_after_a_validation_error_and_saved_next_time(app, client, auth):
    auth.login()
    page = _failed_attempt(app, client, jpeg_bytes(color=(20, 160, 60)))
    assert KEPT in page.text
    token = _token(page)
    assert len(token) >= 32
    preview = BeautifulSoup(page.text, "html.parser").select_one(".pending-photo img")["src"]
    shown = client.get(preview)
    assert shown.status_code == 200 and Image.open(io.BytesIO(shown.data)).format == "JPEG"
    with app.app_context(), database.connection_context():
        assert Listing.select().count() == 0
    # No file chosen this time: the hidden token carries the photo (works without JS).
    saved = _post(client, "/admin/jasa/baru", _payload(app) | {"photo_token": token})
    assert saved.status_code == 303
    name = _stored_photo(app)
    assert name and _close(_colour(app, name), (20, 160, 60))
    assert client.get(f"/foto/{name}").status_code == 200
    assert _pending(app) == []  # used, so no longer pending
    assert client.get(preview).status_code == 404


def test_edit_screen_keeps_the_new_photo_too(app, client, auth, make_listing):
    listing = make_listing(photo=jpeg_bytes(color=(200, 30, 30)))
    auth.login()
    url = f"/admin/jasa/{listing.id}/ubah"
    page = _failed_attempt(app, client, jpeg_bytes(color=(30, 30, 200)), url=url,
                           version=str(listing.version))
    assert KEPT in page.text
    before = _stored_photo(app, listing.id)
    assert _close(_colour(app, before), (200, 30, 30))  # the saved photo is untouched
    saved = _post(client, url, _payload(app, version=str(listing.version))
                  | {"photo_token": _token(page)})
    assert saved.status_code == 303
    after = _stored_photo(app, listing.id)
    assert after != before and _close(_colour(app, after), (30, 30, 200))


def test_another_photo_replaces_the_kept_one(app, client, auth):
    auth.login()
    page = _failed_attempt(app, client, jpeg_bytes(color=(20, 160, 60)))
    saved = _post(client, "/admin/jasa/baru", _payload(app) | {"photo_token": _token(page)},
                  jpeg_bytes(color=(240, 200, 0)))
    assert saved.status_code == 303
    assert _close(_colour(app, _stored_photo(app)), (240, 200, 0))
    assert _pending(app) == []


def test_the_kept_photo_can_be_removed(app, client, auth):
    auth.login()
    page = _failed_attempt(app, client)
    assert "Jangan pakai foto ini" in page.text
    saved = _post(client, "/admin/jasa/baru",
                  _payload(app) | {"photo_token": _token(page), "remove_pending": "y"})
    assert saved.status_code == 303
    assert _stored_photo(app) is None
    assert _pending(app) == []


def test_a_bad_photo_is_refused_and_not_kept(app, client, auth):
    auth.login()
    page = _post(client, "/admin/jasa/baru", _payload(app, title=""), b"bukan foto")
    assert "bukan foto" in page.text and KEPT not in page.text and _token(page) == ""
    assert _pending(app) == []


def test_bad_or_expired_token_gets_a_message_and_the_form_still_works(app, client, auth):
    auth.login()
    for token in ("x" * 40, "../../secret_key", "A" * 32):
        page = _post(client, "/admin/jasa/baru", _payload(app) | {"photo_token": token})
        assert page.status_code == 200 and GONE in page.text, token
        assert _token(page) == ""
    page = _failed_attempt(app, client)
    token = _token(page)
    old = time.time() - 25 * 3600
    for path in (Path(app.instance_path) / "pending_photos").iterdir():
        os.utime(path, (old, old))
    page = _post(client, "/admin/jasa/baru", _payload(app) | {"photo_token": token})
    assert page.status_code == 200 and GONE in page.text
    with app.app_context(), database.connection_context():
        assert Listing.select().count() == 0
    # Nothing is stuck: the next Simpan saves, without a photo.
    saved = _post(client, "/admin/jasa/baru", _payload(app) | {"photo_token": _token(page)})
    assert saved.status_code == 303 and _stored_photo(app) is None


def test_pending_photos_are_removed_after_a_day(app, client, auth):
    auth.login()
    _failed_attempt(app, client)
    old = time.time() - 25 * 3600
    for path in (Path(app.instance_path) / "pending_photos").iterdir():
        os.utime(path, (old, old))
    stale = _pending(app)
    _failed_attempt(app, client)  # any new pending photo sweeps the old ones away
    assert stale and not set(stale) & set(_pending(app))


def test_kept_photo_is_only_for_the_admin_who_chose_it(app, client, auth):
    with app.app_context(), database.connection_context():
        mamuju = Unit.create(name="Bapas Kelas II Mamuju", slug="bapas-mamuju")
        create_user(mamuju, "petugas.mamuju", PASSWORD, "admin", "Petugas Mamuju")
        create_user(Unit.select().first(), "rekan", PASSWORD, "admin", "Rekan Sekantor")
    auth.login()
    page = _failed_attempt(app, client)
    token = _token(page)
    preview = f"/admin/foto-tertunda/{token}"
    assert client.get(preview).status_code == 200
    files = _pending(app)
    public = app.test_client()
    assert public.get(preview).status_code in (302, 303, 401)  # to the login page
    for name in files:
        assert public.get(f"/foto/{name}").status_code == 404
    for username in ("petugas.mamuju", "rekan"):
        other = app.test_client()
        other.post("/masuk", data={"username": username, "password": PASSWORD})
        assert other.get(preview).status_code == 404, username
        # Nor can another admin save someone else's photo into a listing with the token.
        page = _post(other, "/admin/jasa/baru", _payload(app) | {"photo_token": token})
        assert GONE in page.text
    assert _pending(app) == files  # still there for its owner
