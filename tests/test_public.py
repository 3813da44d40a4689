"""Step 3 of the SOP: the public directory, live, and private data kept private."""
import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from conftest import jpeg_bytes

from app.db import database
from app.models import Client, Consent, Listing

INTERNAL = ["Rudi Hartono Saputra", "PB-123/2025", "RAHASIA-CATATAN-INTERNAL", "1990-05-17",
            "17 Mei 1990", "Andi Petugas", "F-01/2026"]


def test_home_without_listings(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Cari jasa" in page.text and "Belum ada jasa yang cocok" in page.text


def test_home_lists_published_listing(client, make_listing):
    make_listing()
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    cards = soup.select("#results .card")
    assert [c.h3.get_text() for c in cards] == ["Penjahit Pakaian"]
    assert "Wonomulyo, Polewali Mandar" in cards[0].get_text()
    wa = cards[0].select_one("a.wa")["href"]  # a counting redirect (tests/test_stats.py)
    assert client.get(wa).location.startswith("https://wa.me/6281234567890?text=")


def test_search_fragment_for_htmx_and_full_page_without(client, make_listing):
    make_listing()
    fragment = client.get("/?q=jahit", headers={"HX-Request": "true"})
    assert fragment.text.startswith('<section id="results"') and "<html" not in fragment.text
    assert "Penjahit Pakaian" in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/?q=jahit")
    assert page.text.startswith("<!doctype html>") and "Penjahit Pakaian" in page.text
    boosted = client.get("/?q=jahit", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.text.startswith("<!doctype html>")


def test_search_form_works_without_javascript(client, make_listing):
    make_listing()
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    form = soup.select_one("form.search")
    assert form["method"] == "get" and form["action"] == "/"
    assert soup.select_one("#q")["name"] == "q"
    assert "Penjahit Pakaian" in client.get(form["action"] + "?q=jahit&kategori=&kabupaten=").text


def test_detail_page(client, make_listing):
    listing = make_listing(photo=jpeg_bytes())
    page = client.get(f"/jasa/{listing.id}-penjahit-pakaian")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1.get_text() == "Penjahit Pakaian"
    wa = soup.select_one("a.wa")["href"]
    assert client.get(wa).location.startswith("https://wa.me/6281234567890?text=Halo")
    call = soup.select_one(f'a[href="/jasa/{listing.id}/telepon"]')["href"]
    assert client.get(call).location == "tel:+6281234567890"
    assert "Pak Rudi" in page.text and "0812-3456-7890" in page.text
    assert "Kontak terakhir dikonfirmasi petugas" in page.text
    assert "Bagikan" in page.text
    photo = soup.select_one("img.photo")["src"]
    assert client.get(photo).status_code == 200


def test_detail_redirects_to_canonical_slug(client, make_listing):
    listing = make_listing()
    response = client.get(f"/jasa/{listing.id}-nama-lama")
    assert response.status_code == 301 and response.location.endswith("-penjahit-pakaian")


def test_landline_gets_call_but_no_whatsapp(client, make_listing):
    listing = make_listing(phone="(0428) 21234")
    soup = BeautifulSoup(client.get(f"/jasa/{listing.id}-penjahit-pakaian").text, "html.parser")
    call = soup.select_one(f'a[href="/jasa/{listing.id}/telepon"]')["href"]
    assert client.get(call).location == "tel:+6242821234"
    assert not soup.select("a.wa")


def test_category_page(client, make_listing):
    make_listing()
    page = client.get("/kategori/menjahit")
    assert page.status_code == 200 and "Penjahit Pakaian" in page.text
    assert "Belum ada jasa" in client.get("/kategori/las").text
    assert client.get("/kategori/tidak-ada").status_code == 404


@pytest.mark.parametrize("query", ["?hal=abc", "?hal=-5", "?hal=99999999999", "?kecamatan=%00",
                                   "?kategori=" + "x" * 500, "?q=%FF%FE", "?q=" + "a" * 20000])
def test_malformed_query_strings_are_harmless(client, make_listing, query):
    make_listing()
    response = client.get("/" + query)
    assert response.status_code in (200, 400)  # a null byte is refused up front
    assert "Terjadi kesalahan" not in response.text


def test_unpublished_draft_deleted_and_expired_are_invisible(client, make_listing):
    draft = make_listing(publish=False, title="Kue Basah")
    expired = make_listing(title="Katering Nasi Kotak", publish_until=dt.date.today())
    with database.connection_context():
        Listing.update(publish_until=dt.date.today() - dt.timedelta(days=1)).where(
            Listing.id == expired.id).execute()
    for listing in (draft, expired):
        assert client.get(f"/jasa/{listing.id}").status_code == 404
    assert "Belum ada jasa yang cocok" in client.get("/").text


def test_supervision_end_and_consent_withdrawal_hide_at_once(client, make_listing):
    listing = make_listing()
    url = f"/jasa/{listing.id}-penjahit-pakaian"
    assert client.get(url).status_code == 200
    with database.connection_context():
        Consent.update(withdrawn_at=dt.datetime.now()).execute()
    assert client.get(url).status_code == 404
    with database.connection_context():
        Consent.update(withdrawn_at=None).execute()
        Client.update(supervision_end_date=dt.date.today() - dt.timedelta(days=1)).execute()
    assert client.get(url).status_code == 404


def test_consent_scope_hides_name_and_photo(client, make_listing):
    listing = make_listing(photo=jpeg_bytes(), consent_scope_name=False, consent_scope_photo=False)
    page = client.get(f"/jasa/{listing.id}-penjahit-pakaian").text
    assert "Pak Rudi" not in page and "<img" not in page
    with database.connection_context():
        thumb = Listing.get_by_id(listing.id).photo_thumb
    assert client.get(f"/foto/{thumb}").status_code == 404


def test_photos_of_hidden_listings_are_not_served(client, make_listing):
    listing = make_listing(photo=jpeg_bytes())
    with database.connection_context():
        thumb = Listing.get_by_id(listing.id).photo_thumb
    assert client.get(f"/foto/{thumb}").status_code == 200
    with database.connection_context():
        Listing.update(is_published=False).execute()
    assert client.get(f"/foto/{thumb}").status_code == 404
    assert client.get("/foto/../secret_key").status_code == 404


def test_internal_fields_never_in_any_public_response(client, make_listing):
    listing = make_listing(photo=jpeg_bytes())
    urls = ["/", "/?q=jahit", "/?q=rudi", "/?q=PB-123", "/kategori/menjahit",
            f"/jasa/{listing.id}-penjahit-pakaian", "/jasa/9999"]
    page = client.get(f"/jasa/{listing.id}-penjahit-pakaian").text
    urls += re.findall(r'(?:src|href)="(/[^"]*)"', page)
    for url in urls:
        response = client.get(url)
        body = response.get_data()
        for secret in INTERNAL:
            assert secret.encode() not in body, (url, secret)
        assert b"napi" not in body.lower(), url
    fragment = client.get("/?q=jahit", headers={"HX-Request": "true"}).text
    for secret in INTERNAL:
        assert secret not in fragment


def test_searching_internal_data_finds_nothing(client, make_listing):
    make_listing()
    for text in ["Hartono", "PB-123/2025", "RAHASIA"]:
        assert "Belum ada jasa yang cocok" in client.get("/", query_string={"q": text}).text


def test_minor_never_public_even_if_flag_forced(client, make_listing):
    listing = make_listing()
    with database.connection_context():
        Client.update(birth_date=dt.date.today() - dt.timedelta(days=365 * 16)).execute()
    assert client.get(f"/jasa/{listing.id}").status_code == 404
    assert "Penjahit Pakaian" not in client.get("/").text


def test_friendly_404(client):
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text and "Traceback" not in response.text
