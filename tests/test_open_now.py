"""Opening hours for the public: lines on the detail page, kiosk and flyer; *Buka sekarang*
with the clock frozen at several moments (WITA, across midnight); the API and the import."""
import datetime as dt

import pytest
from bs4 import BeautifulSoup
from spreadsheet_support import preview_and_import, valid_row, xlsx_bytes
from test_api import checked, spec  # noqa: F401 (spec is a fixture)

from app.db import database
from app.models import Listing, OpenSlot
from app.records import hours

REAL_NOW = hours.now_in_wita
UTC = dt.UTC
# WITA is UTC+8: 02:00 UTC on Monday 7 December 2026 is 10:00 WITA.
MONDAY_10 = dt.datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
MONDAY_20 = dt.datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
FRIDAY_2330 = dt.datetime(2026, 12, 11, 15, 30, tzinfo=UTC)
SATURDAY_0130 = dt.datetime(2026, 12, 11, 17, 30, tzinfo=UTC)  # still Friday in UTC
SUNDAY_10 = dt.datetime(2026, 12, 13, 2, 0, tzinfo=UTC)


def freeze(monkeypatch, moment):
    """Make "now" `moment` for every hours question (browse and the detail page ask here)."""
    monkeypatch.setattr(hours, "now_in_wita", lambda at=None: REAL_NOW(at or moment))


@pytest.fixture
def five(make_listing):
    return {title: make_listing(title=title, working_hours=text) for title, text in [
        ("Penjahit Pakaian", "Senin–Sabtu 08.00–17.00"),
        ("Warung Malam", "Jumat 19.00–02.00"),
        ("Bengkel Motor", "24 jam"),
        ("Kue Pesanan", "Dengan janji"),
        ("Tukang Cukur", "tergantung cuaca")]}


def titles(html):
    page = BeautifulSoup(html, "html.parser")
    return sorted(a.get_text(strip=True) for a in page.select("#results h3 a")), \
        page.select_one("h2.count").get_text(" ", strip=True)


@pytest.mark.parametrize("moment, expected", [
    (MONDAY_10, ["Bengkel Motor", "Penjahit Pakaian"]),
    (MONDAY_20, ["Bengkel Motor"]),
    (FRIDAY_2330, ["Bengkel Motor", "Warung Malam"]),
    (SATURDAY_0130, ["Bengkel Motor", "Warung Malam"]),  # the Friday night, past midnight
    (SUNDAY_10, ["Bengkel Motor"]),
])
def test_open_now_filter_at_several_moments(client, five, monkeypatch, moment, expected):
    freeze(monkeypatch, moment)
    found, count = titles(client.get("/?buka=1").text)
    assert found == expected
    assert count.startswith(f"{len(expected)} jasa")
    everything, _ = titles(client.get("/").text)
    assert len(everything) == 5  # without the box ticked: all of them


def test_open_now_combines_with_words_and_the_embed(client, five, monkeypatch):
    freeze(monkeypatch, MONDAY_10)
    assert titles(client.get("/?q=bengkel&buka=1").text)[0] == ["Bengkel Motor"]
    assert titles(client.get("/?q=warung&buka=1").text)[0] == []
    page = BeautifulSoup(client.get("/sematkan?buka=1").text, "html.parser")
    assert page.find("input", {"name": "buka"}).has_attr("checked")
    assert sorted(a.get_text(strip=True) for a in page.select("#results h3 a")) == [
        "Bengkel Motor", "Penjahit Pakaian"]


def test_an_open_now_page_is_never_served_from_the_page_cache(app, five, monkeypatch):
    visitor = app.test_client()
    freeze(monkeypatch, MONDAY_10)
    assert titles(visitor.get("/?buka=1").text)[0] == ["Bengkel Motor", "Penjahit Pakaian"]
    freeze(monkeypatch, MONDAY_20)  # the minute changed, the data did not
    assert titles(visitor.get("/?buka=1").text)[0] == ["Bengkel Motor"]
    assert all("buka" not in key[1] for key in app.wsgi_app.pages)


def test_detail_page_lists_the_hours_and_says_open_or_closed(client, five, monkeypatch):
    night = five["Warung Malam"]
    url = f"/jasa/{night.id}-{night.slug}"
    freeze(monkeypatch, SATURDAY_0130)
    page = BeautifulSoup(client.get(url).text, "html.parser")
    assert "Jumat 19.00–02.00" in page.select_one("dl").get_text()
    assert page.select_one("#open-now").get_text() == "Buka sekarang"
    freeze(monkeypatch, SUNDAY_10)
    page = BeautifulSoup(client.get(url).text, "html.parser")
    assert page.select_one("#open-now").get_text() == "Tutup sekarang"
    client.set_cookie("lang", "en")
    page = BeautifulSoup(client.get(url).text, "html.parser")
    assert "Friday 19.00–02.00" in page.select_one("dl").get_text()
    assert page.select_one("#open-now").get_text() == "Closed now"


def test_hours_not_understood_show_as_written_without_open_or_closed(client, five):
    shop = five["Tukang Cukur"]
    page = BeautifulSoup(client.get(f"/jasa/{shop.id}-{shop.slug}").text, "html.parser")
    assert "tergantung cuaca" in page.select_one("dl").get_text()
    assert page.select_one("#open-now") is None


def test_cached_result_pages_never_say_open_or_closed(client, five, monkeypatch):
    freeze(monkeypatch, MONDAY_10)
    for url in ("/", "/kategori/menjahit", "/?buka=1"):
        text = BeautifulSoup(client.get(url).text, "html.parser").select_one("#results").text
        assert "Buka sekarang" not in text and "Tutup sekarang" not in text


def test_kiosk_and_flyer_show_the_lines(client, make_listing):
    listing = make_listing(working_hours="senin s.d. jumat 08.00-16.00; sabtu 08.00-12.00",
                           featured=True)
    kiosk = client.get("/kiosk/panel", query_string={"i": 0},
                       headers={"HX-Request": "true"}).text
    flyer = client.get(f"/jasa/{listing.id}/selebaran").text
    for html in (kiosk, flyer):
        text = BeautifulSoup(html, "html.parser").get_text(" ")
        assert "Senin–Jumat 08.00–16.00" in text and "Sabtu 08.00–12.00" in text


def test_api_schedules_are_hsds_and_validate(client, spec, five):  # noqa: F811
    response = checked(client, spec, "/api/v1/services?per_page=50")
    by_name = {s["name"]: s["schedules"] for s in response.get_json()["contents"]}
    assert [(s["byday"], s["opens_at"], s["closes_at"], s["freq"])
            for s in by_name["Warung Malam"]] == [("FR", "19:00", "02:00", "WEEKLY")]
    assert by_name["Penjahit Pakaian"][0]["byday"] == "MO,TU,WE,TH,FR,SA"
    assert by_name["Bengkel Motor"][0]["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert [s["description"] for s in by_name["Kue Pesanan"]] == ["Dengan janji"]
    assert by_name["Tukang Cukur"] == [{"id": by_name["Tukang Cukur"][0]["id"],
                                        "service_id": by_name["Tukang Cukur"][0]["service_id"],
                                        "description": "tergantung cuaca"}]


def test_the_import_reads_jam_kerja(client, auth):
    auth.login()
    rows = [valid_row(jam_kerja="Setiap hari 06.00–22.00"),
            valid_row(nama_jasa="Permak Celana", jam_kerja="kalau sempat")]
    preview_and_import(client, xlsx_bytes(rows))
    with database.connection_context():
        daily = Listing.get(Listing.title == "Penjahit Pakaian")
        vague = Listing.get(Listing.title == "Permak Celana")
        assert daily.working_hours == "Setiap hari 06.00–22.00"
        assert OpenSlot.select().where(OpenSlot.listing == daily).count() == 7
        assert (vague.working_hours, vague.hours) == ("kalau sempat", "")
    assert "Jam kerja belum terbaca sistem: kalau sempat" in client.get("/admin/jasa").text
    exported = client.get("/admin/ekspor/jasa.csv").get_data(as_text=True)
    assert "Setiap hari 06.00–22.00" in exported and "kalau sempat" in exported
