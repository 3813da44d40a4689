"""Conditional GET: a repeat visit costs a 304, an admin's saved change shows at once."""
import pytest
from conftest import listing_data

from app.db import database
from app.models import Listing, User
from app.records import listings as domain

ENCODINGS = ("gzip", "br", "identity")


@pytest.fixture
def listing(make_listing):
    return make_listing()


@pytest.fixture
def public_paths(listing):
    return {
        "home": ("/", {}),
        "search": ("/?q=jahit", {}),
        "fragment": ("/?q=jahit", {"HX-Request": "true"}),
        "detail": (f"/jasa/{listing.id}-penjahit-pakaian", {}),
        "category": ("/kategori/menjahit", {}),
        "sitemap": ("/sitemap.xml", {}),
    }


@pytest.mark.parametrize("name", ["home", "search", "fragment", "detail", "category", "sitemap"])
def test_repeat_visit_is_304_with_empty_body(client, public_paths, name):
    path, headers = public_paths[name]
    first = client.get(path, headers={"Accept-Encoding": "gzip", **headers})
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Cache-Control"] == "no-cache"  # keep it, but ask every time
    vary = {v.strip().lower() for v in first.headers["Vary"].split(",")}
    assert {"accept-encoding", "hx-request"} <= vary

    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag,
                                      **headers})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert "Content-Encoding" not in again.headers


def test_etag_is_the_same_for_every_encoding(client, listing):
    etags = {client.get("/?q=jahit", headers={"Accept-Encoding": e}).headers["ETag"]
             for e in ENCODINGS}
    assert len(etags) == 1
    # Fetched compressed with gzip, revalidated by a browser that offers brotli.
    etag = etags.pop()
    again = client.get("/?q=jahit", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304


def test_page_and_fragment_of_one_url_have_different_etags(client, listing):
    page = client.get("/?q=jahit")
    fragment = client.get("/?q=jahit", headers={"HX-Request": "true"})
    assert page.headers["ETag"] != fragment.headers["ETag"]
    stale = client.get("/?q=jahit", headers={"HX-Request": "true",
                                              "If-None-Match": page.headers["ETag"]})
    assert stale.status_code == 200 and stale.text.startswith('<section id="results"')


def test_admin_edit_is_visible_on_the_next_request(app, listing):
    public = app.test_client()
    detail = f"/jasa/{listing.id}-penjahit-pakaian"
    before = {path: public.get(path) for path in ("/", "/?q=jahit", detail)}
    # The same domain call the admin's edit screen makes when "Simpan" is pressed.
    with app.test_request_context(), database.connection_context():
        stored = Listing.get_by_id(listing.id)
        domain.save_listing(stored, stored.client, listing_data(
            title="Penjahit Kebaya", description="Menjahit kebaya dan baju bodo.",
            version=str(stored.version)), User.get(User.username == "admin"), None)

    for path in ("/", "/?q=jahit"):
        after = public.get(path, headers={"If-None-Match": before[path].headers["ETag"]})
        assert after.status_code == 200, path
        assert "Penjahit Kebaya" in after.text
        assert after.headers["ETag"] != before[path].headers["ETag"]
    # The old address now redirects to the new slug; the page there is new too.
    moved = public.get(detail, headers={"If-None-Match": before[detail].headers["ETag"]})
    assert moved.status_code == 301
    new_detail = public.get(moved.headers["Location"])
    assert new_detail.status_code == 200 and "Penjahit Kebaya" in new_detail.text


def test_unpublishing_is_visible_on_the_next_request(app, client, auth, listing):
    public = app.test_client()
    home = public.get("/")
    assert "Penjahit Pakaian" in home.text
    auth.login()
    assert client.post(f"/admin/jasa/{listing.id}/terbit",
                       data={"terbit": "0"}).status_code == 303
    after = public.get("/", headers={"If-None-Match": home.headers["ETag"]})
    assert after.status_code == 200 and "Penjahit Pakaian" not in after.text


@pytest.mark.parametrize("name", ["home", "search", "fragment", "detail", "category", "sitemap"])
def test_public_pages_set_no_cookie(client, public_paths, name):
    path, headers = public_paths[name]
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not client.get_cookie("session")


def test_kiosk_panel_sets_no_cookie_and_is_never_stored(client, listing):
    response = client.get("/kiosk/panel")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_admin_pages_get_no_public_etag(client, auth):
    auth.login()
    response = client.get("/admin/")
    assert response.status_code == 200
    assert not response.headers.get("ETag", "").startswith('W/"')
