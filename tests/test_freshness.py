"""Keeping contacts fresh: the worklist, one-click answers, and stale listings going off."""
import datetime as dt

import pytest
from bs4 import BeautifulSoup

from app.config import load_settings
from app.db import database
from app.models import Listing

TODAY = dt.date.today()


def age(listing, days):
    """Pretend the listing's contact was last confirmed `days` ago."""
    with database.connection_context():
        Listing.update(last_confirmed_at=TODAY - dt.timedelta(days=days)).where(
            Listing.id == listing.id).execute()


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def worklist_titles(client):
    soup = BeautifulSoup(client.get("/admin/perlu-konfirmasi").text, "html.parser")
    return [tr.select_one("td a").get_text() for tr in soup.select("#results tbody tr")]


def test_worklist_shows_stale_listings_oldest_first(admin, make_listing):
    fresh = make_listing(title="Jasa Baru", phone="0813-0000-0001")
    older = make_listing(title="Jasa Lama", phone="0813-0000-0002")
    oldest = make_listing(title="Jasa Terlama", phone="0813-0000-0003")
    draft = make_listing(title="Jasa Draf", phone="0813-0000-0004", publish=False)
    age(fresh, 10), age(older, 100), age(oldest, 150), age(draft, 300)
    assert worklist_titles(admin) == ["Jasa Terlama", "Jasa Lama"]
    page = admin.get("/admin/perlu-konfirmasi").text
    assert "2 jasa perlu konfirmasi" in page and "150 hari lalu" in page
    assert 'href="tel:+6281300000003"' in page
    assert "<b>2</b> kontak perlu konfirmasi" in admin.get("/admin/").text
    assert 'href="/admin/perlu-konfirmasi">Perlu konfirmasi</a>' in page


def test_confirm_in_place_removes_it_from_the_worklist(admin, make_listing):
    listing = make_listing()
    age(listing, 120)
    row = admin.post(f"/admin/jasa/{listing.id}/konfirmasi", headers={"HX-Request": "true"})
    assert row.status_code == 200 and row.text.lstrip().startswith(f'<tr id="listing-{listing.id}"')
    assert "<html" not in row.text and "Perlu konfirmasi" not in row.text
    with database.connection_context():
        assert Listing.get_by_id(listing.id).last_confirmed_at == TODAY
    assert worklist_titles(admin) == []
    assert "Semua kontak sudah dikonfirmasi" in admin.get("/admin/perlu-konfirmasi").text


def test_unpublish_from_the_worklist(admin, make_listing):
    listing = make_listing()
    age(listing, 120)
    response = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "0"},
                          headers={"Referer": "/admin/perlu-konfirmasi"})
    assert response.status_code == 303 and response.location.endswith("/admin/perlu-konfirmasi")
    assert worklist_titles(admin) == []


def test_worklist_buttons_work_with_htmx_and_without(admin, make_listing):
    listing = make_listing()
    age(listing, 120)
    soup = BeautifulSoup(admin.get("/admin/perlu-konfirmasi").text, "html.parser")
    form = soup.select_one(f"#listing-{listing.id} form")
    assert form["hx-target"] == f"#listing-{listing.id}" and form["method"] == "post"
    actions = {b.get_text(): (b["formaction"], b.get("hx-post")) for b in form.select("button")}
    assert actions["Konfirmasi"] == (f"/admin/jasa/{listing.id}/konfirmasi",) * 2
    assert actions["Hentikan tayang"] == (f"/admin/jasa/{listing.id}/terbit",) * 2


def test_viewer_sees_the_worklist_without_buttons(client, auth, make_listing):
    age(make_listing(), 120)
    auth.login("viewer")
    page = client.get("/admin/perlu-konfirmasi").text
    assert "Penjahit Pakaian" in page and "Konfirmasi</button>" not in page


def test_stale_for_twice_the_period_leaves_the_public_pages_until_confirmed(
        app, admin, make_listing):
    listing = make_listing()
    public = app.test_client()
    detail = f"/jasa/{listing.id}-penjahit-pakaian"
    age(listing, 180)  # exactly 2N days: still shown
    assert "Penjahit Pakaian" in public.get("/").text
    age(listing, 181)
    assert "Penjahit Pakaian" not in public.get("/").text
    assert "Penjahit Pakaian" not in public.get("/?q=jahit").text
    assert "Penjahit Pakaian" not in public.get("/kategori/menjahit").text
    assert public.get(detail).status_code == 404
    since = (TODAY - dt.timedelta(days=181))
    listing_page = admin.get("/admin/jasa").text
    assert "Tidak tampil: kontak belum dikonfirmasi sejak" in listing_page
    assert str(since.year) in listing_page
    assert "Tidak tampil: kontak belum dikonfirmasi sejak" in admin.get(
        f"/admin/jasa/{listing.id}/ubah").text
    admin.post(f"/admin/jasa/{listing.id}/konfirmasi")
    assert "Penjahit Pakaian" in public.get("/?q=jahit").text
    assert public.get(detail).status_code == 200
    assert "Tidak tampil" not in admin.get("/admin/jasa").text


def test_the_period_is_a_setting(app, admin, make_listing, monkeypatch, tmp_path):
    monkeypatch.setenv("RAJA_KEMAS_CONFIRM_DAYS", "30")
    assert load_settings(tmp_path)["CONFIRM_DAYS"] == 30
    monkeypatch.delenv("RAJA_KEMAS_CONFIRM_DAYS")
    assert load_settings(tmp_path)["CONFIRM_DAYS"] == 90
    listing = make_listing()
    age(listing, 31)
    assert worklist_titles(admin) == []
    # Searched once with 90 days: the search's SQL, written once (db.prepared), must
    # follow the setting.
    assert "Penjahit Pakaian" in app.test_client().get("/?q=jahit").text
    app.config["CONFIRM_DAYS"] = 30
    assert worklist_titles(admin) == ["Penjahit Pakaian"]
    assert "Penjahit Pakaian" in app.test_client().get("/?q=jahit").text
    age(listing, 61)
    assert "Penjahit Pakaian" not in app.test_client().get("/?q=jahit").text
