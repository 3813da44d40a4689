"""The dashboard's impact numbers and the monthly report: totals match what was counted."""
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from conftest import PASSWORD
from openpyxl import load_workbook

from app.db import database
from app.directory import stats
from app.models import Category, Client, DailyStat, Listing, Region, Unit
from app.office import reports
from app.security.accounts import create_user

TODAY = stats.today()
MONTH = stats.month_start(TODAY, 1)  # the report's month: the last full one
BEFORE = stats.month_end(stats.month_start(TODAY, 2))  # last day of the month before
LAST = stats.month_end(MONTH)


def day(n):
    return MONTH + dt.timedelta(days=n)


@pytest.fixture
def world(app, make_listing):
    """Two units with listings and counts on days in, before and after the report's month."""
    jahit = make_listing()
    las = make_listing(title="Las Pagar dan Teralis", client_full_name="Slamet Riyadi Wibowo")
    idle = make_listing(title="Pangkas Rambut Pria", client_full_name="Agus Salim Purnomo")
    other = make_listing(title="Kue Basah Bu Ani", client_full_name="Ani Lestari Handayani")
    with app.app_context(), database.connection_context():
        unit_a = Unit.select().order_by(Unit.id).first()
        unit_b = Unit.create(name="Bapas Kelas I Mamuju", slug="bapas-mamuju")
        Listing.update(category=Category.get(Category.slug == "las"),
                       region=Region.get(Region.kecamatan == "Tinambung")).where(
            Listing.id == las.id).execute()
        Listing.update(published_at=dt.datetime.combine(MONTH, dt.time()) - dt.timedelta(days=5)
                       ).where(Listing.id == idle.id).execute()
        Listing.update(unit=unit_b).where(Listing.id == other.id).execute()
        moved = Listing.get_by_id(other.id).client_id
        Client.update(unit=unit_b).where(Client.id == moved).execute()
        create_user(unit_b, "adminb", PASSWORD, "admin", "Budi Mamuju")
        rows = [(jahit, day(0), 10, 3, 1), (jahit, day(14), 5, 2, 0), (jahit, LAST, 7, 0, 2),
                (jahit, BEFORE, 100, 50, 50), (las, day(3), 4, 1, 1), (other, day(3), 40, 9, 9)]
        if stats.month_start(TODAY) != TODAY:  # a row in the current month too
            rows.append((jahit, stats.month_start(TODAY), 1000, 1, 1))
        DailyStat.insert_many([dict(listing=x.id, day=d, views=v, whatsapp_taps=w, phone_taps=p)
                               for x, d, v, w, p in rows]).execute()
    return {"jahit": jahit, "las": las, "idle": idle, "other": other,
            "a": unit_a.id, "b": unit_b.id, "rows": rows}


def cell_numbers(soup, table_id):
    """Return the footer counts of a report table as ints."""
    cells = soup.select_one(f"#{table_id} tfoot").select("td")
    return [int(c.get_text().replace(".", "")) for c in cells]


def summary(soup) -> dict:
    table = soup.select_one("table.summary")
    return {tr.th.get_text(): int(tr.td.get_text().replace(".", "")) for tr in table.select("tr")}


def month_arg():
    return MONTH.strftime("%Y-%m")


def test_monthly_report_totals_match_the_counts(client, auth, world):
    auth.login()
    page = client.get(f"/admin/laporan?bulan={month_arg()}&unit={world['a']}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert reports.month_label(MONTH) in soup.h1.get_text()
    assert summary(soup) == {"Jasa tayang": 3, "Klien dilayani": 3, "Jasa dilihat": 26,
                             "Kontak lewat WhatsApp": 6, "Kontak lewat telepon": 4,
                             "Total kontak": 10, "Klien yang dihubungi": 2}
    assert cell_numbers(soup, "per-jasa") == [26, 6, 4, 10]
    assert cell_numbers(soup, "per-kategori") == [26, 6, 4, 10]
    assert cell_numbers(soup, "per-kecamatan") == [26, 6, 4, 10]
    first = soup.select_one("#per-jasa tbody tr").get_text(" ")
    assert "Penjahit Pakaian" in first and "22" in first  # 10 + 5 + 7 views, most contacts
    assert "Kue Basah" not in page.text  # unit B's
    assert "Kepala Bapas Kelas II Polewali" in page.text
    for svg in re.findall(r"<svg.*?</svg>", page.text, re.S):
        ET.fromstring(svg)


def test_all_units_for_superadmin_and_a_unit_select(client, auth, world):
    auth.login()
    soup = BeautifulSoup(client.get(f"/admin/laporan?bulan={month_arg()}").text, "html.parser")
    assert summary(soup)["Jasa dilihat"] == 66 and summary(soup)["Total kontak"] == 28
    options = [o.get_text() for o in soup.select("select#unit option")]
    assert options == ["Semua unit", "Bapas Kelas I Mamuju", "Bapas Kelas II Polewali"]


def test_xlsx_has_the_same_numbers(client, auth, world):
    auth.login()
    response = client.get(f"/admin/laporan/unduh?bulan={month_arg()}&unit={world['a']}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"laporan-raja-kemas-{month_arg()}" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Ringkasan", "Per jasa", "Per kategori", "Per kecamatan", "Harian"]
    lines = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row}
    assert lines["Jasa dilihat"] == 26 and lines["Total kontak"] == 10
    assert lines["Bulan"] == reports.month_label(MONTH)
    for name in ("Per jasa", "Per kategori", "Per kecamatan", "Harian"):
        last = list(book[name].iter_rows(values_only=True))[-1]
        assert list(last[-4:]) == [26, 6, 4, 10], name
    daily = list(book["Harian"].iter_rows(min_row=2, values_only=True))[:-1]
    assert len(daily) == (LAST - MONTH).days + 1
    assert sum(r[2] for r in daily) == 26 and sum(r[3] + r[4] for r in daily) == 10
    by_day = {r[0].date(): r[2:] for r in daily}
    assert by_day[day(14)] == (5, 2, 0, 2)


def test_xlsx_text_is_never_a_formula(client, auth, world):
    with database.connection_context():
        Listing.update(title='=HYPERLINK("http://evil.example","x")').where(
            Listing.id == world["jahit"].id).execute()
    auth.login()
    data = client.get(f"/admin/laporan/unduh?bulan={month_arg()}&unit={world['a']}").data
    sheet = load_workbook(io.BytesIO(data))["Per jasa"]
    cell = next(c for c in sheet["B"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_admin_of_another_unit_sees_only_their_numbers(client, auth, world):
    auth.login("adminb")
    soup = BeautifulSoup(client.get(f"/admin/laporan?bulan={month_arg()}").text, "html.parser")
    assert summary(soup)["Jasa dilihat"] == 40 and summary(soup)["Total kontak"] == 18
    assert "Penjahit Pakaian" not in str(soup) and not soup.select("select#unit")
    assert "Bapas Kelas I Mamuju" in soup.select_one(".report-head").get_text()
    assert client.get(f"/admin/laporan?bulan={month_arg()}&unit={world['a']}").status_code == 404
    assert client.get(f"/admin/laporan/unduh?unit={world['a']}").status_code == 404
    book = load_workbook(io.BytesIO(client.get(f"/admin/laporan/unduh?bulan={month_arg()}").data))
    assert {r[0]: r[1] for r in book["Ringkasan"].iter_rows(values_only=True) if r}[
        "Jasa dilihat"] == 40


def test_dashboard_counts_the_last_30_days_of_the_users_unit(client, auth, world):
    extra = [(world["jahit"], TODAY, 11, 2, 1), (world["other"], TODAY, 37, 4, 0),
             (world["other"], TODAY - dt.timedelta(days=30), 500, 0, 0)]
    with database.connection_context():
        DailyStat.insert_many([dict(listing=x.id, day=d, views=v, whatsapp_taps=w, phone_taps=p)
                               for x, d, v, w, p in extra]).execute()
    rows = {(x.id, d): (v, w, p) for x, d, v, w, p in world["rows"] + extra}
    start = TODAY - dt.timedelta(days=29)

    def expected(*listings):
        ids = {x.id for x in listings}
        found = [c for (i, d), c in rows.items() if i in ids and start <= d <= TODAY]
        return [str(sum(c[0] for c in found)), str(sum(c[1] + c[2] for c in found))]

    def kpis(url):
        soup = BeautifulSoup(client.get(url).text, "html.parser")
        return [li.b.get_text().replace(".", "") for li in soup.select(".kpis li")], soup

    auth.login("adminb")
    numbers, soup = kpis("/admin/")
    assert numbers == ["1", "1", *expected(world["other"])]
    assert not soup.select("#dampak-unit")
    assert kpis(f"/admin/?unit={world['a']}")[0] == numbers  # not theirs: back to their own
    auth.logout()
    auth.login()
    numbers, soup = kpis("/admin/")
    mine = (world["jahit"], world["las"], world["idle"])
    assert numbers == ["4", "4", *expected(*mine, world["other"])]
    assert soup.select("#dampak-unit option")
    assert kpis(f"/admin/?unit={world['a']}")[0] == ["3", "3", *expected(*mine)]
    svgs = re.findall(r"<svg.*?</svg>", client.get("/admin/").text, re.S)
    assert len(svgs) == 7
    for svg in svgs:
        ET.fromstring(svg)


def test_viewer_may_read_reports(client, auth, world):
    auth.login("viewer")
    assert client.get("/admin/").status_code == 200
    page = client.get(f"/admin/laporan?bulan={month_arg()}")
    assert page.status_code == 200 and "Jasa dilihat" in page.text
    assert client.get(f"/admin/laporan/unduh?bulan={month_arg()}").status_code == 200


@pytest.mark.parametrize("url", ["/admin/", "/admin/laporan", "/admin/laporan/unduh"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/masuk" in response.location


def test_default_month_is_the_last_full_one(client, auth):
    auth.login()
    soup = BeautifulSoup(client.get("/admin/laporan").text, "html.parser")
    assert reports.month_label(MONTH) in soup.h1.get_text()
    assert soup.select_one("select#bulan option[selected]")["value"] == month_arg()


@pytest.mark.parametrize("value", ["abc", "2026-13", "2026-00", "1999-12", "2026-1x", "9999-01",
                                   "2026-11-01", "%00", "-1"])
def test_bad_month_gets_a_message_not_a_500(client, auth, value):
    auth.login()
    page = client.get("/admin/laporan", query_string={"bulan": value})
    assert page.status_code == 400
    message = BeautifulSoup(page.text, "html.parser").select_one(".flash.error").get_text()
    assert "Bulan" in message or "tahun" in message
    assert client.get("/admin/laporan/unduh", query_string={"bulan": value}).status_code == 400


@pytest.mark.parametrize("value, status", [("abc", 400), ("99999", 404)])
def test_bad_unit_for_superadmin(client, auth, value, status):
    auth.login()
    assert client.get(f"/admin/laporan?unit={value}").status_code == status


def test_month_helpers():
    assert reports.month_label(dt.date(2026, 11, 1)) == "November 2026"
    assert reports.month_label(dt.date(2026, 8, 1)) == "Agustus 2026"
    today = dt.date(2026, 1, 15)
    assert reports.parse_month("", today) == dt.date(2025, 12, 1)
    assert reports.parse_month("2026-01", today) == dt.date(2026, 1, 1)
    assert reports.parse_month(" 2025-7 ", today) == dt.date(2025, 7, 1)
    with pytest.raises(reports.ReportError, match="belum berjalan"):
        reports.parse_month("2026-02", today)
    assert stats.month_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert stats.month_start(dt.date(2026, 1, 31), 1) == dt.date(2025, 12, 1)


# --- languages: the report and the domain's messages follow the `lang` cookie -------------

def xlsx_book(client, world, language=None):
    if language:
        client.set_cookie("lang", language)
    response = client.get(f"/admin/laporan/unduh?bulan={month_arg()}&unit={world['a']}")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def test_xlsx_is_indonesian_by_default(client, auth, world):
    auth.login()
    book = xlsx_book(client, world)
    assert book.sheetnames == ["Ringkasan", "Per jasa", "Per kategori", "Per kecamatan", "Harian"]
    assert book["Ringkasan"]["A1"].value == "Laporan dampak Raja Kemas"
    assert [c.value for c in book["Per jasa"][1]][-4:] == ["Dilihat", "WhatsApp", "Telepon",
                                                          "Total kontak"]
    days = [r[1] for r in book["Harian"].iter_rows(min_row=2, values_only=True)]
    assert "Senin" in days and "Monday" not in days


def test_xlsx_is_english_with_the_lang_cookie(client, auth, world):
    auth.login()
    book = xlsx_book(client, world, "en")
    assert book.sheetnames == ["Summary", "Per service", "Per category", "Per district", "Daily"]
    summary_sheet = book["Summary"]
    assert summary_sheet["A1"].value == "Raja Kemas impact report"
    lines = {row[0]: row[1] for row in summary_sheet.iter_rows(values_only=True) if row}
    assert lines["Service views"] == 26 and lines["Total contacts"] == 10
    assert lines["Contacts by WhatsApp"] == 6 and lines["Contacts by phone"] == 4
    month = format_date(MONTH, "LLLL y", locale="en")  # e.g. August 2026
    assert lines["Month"] == month
    assert lines["Made"].endswith(" by Andi Petugas")
    heads = [c.value for c in book["Per service"][1]]
    assert heads[-4:] == ["Views", "WhatsApp", "Phone", "Total contacts"]
    assert [c.value for c in book["Per district"][1]][:2] == ["District", "Regency"]
    days = [r[1] for r in book["Daily"].iter_rows(min_row=2, values_only=True)]
    assert "Monday" in days and "Senin" not in days
    assert list(list(book["Daily"].iter_rows(values_only=True))[-1][-4:]) == [26, 6, 4, 10]


def test_report_page_in_english(client, auth, world):
    client.set_cookie("lang", "en")
    auth.login()
    soup = BeautifulSoup(client.get(f"/admin/laporan?bulan={month_arg()}&unit={world['a']}").text,
                         "html.parser")
    month = format_date(MONTH, "LLLL y", locale="en")
    assert month in soup.h1.get_text()
    assert summary(soup)["Service views"] == 26
    assert month in [o.get_text() for o in soup.select("select#bulan option")]
    page = client.get("/admin/laporan", query_string={"bulan": "2026-13"})
    assert page.status_code == 400
    assert "The month must be between 01 and 12." in page.text


def test_domain_messages_follow_the_language(app, make_listing):
    from app.directory.publishing import PublishError, publish_problems
    from app.models import Consent, User
    from app.records.listings import set_published
    from app.records.phones import PhoneError, parse_phone
    listing = make_listing(publish=False)
    with app.test_request_context(headers={"Cookie": "lang=en"}), \
            database.connection_context():
        with pytest.raises(PhoneError, match=r"^Phone number not recognised\. Example: "):
            parse_phone("bukan nomor")
        Consent.delete().execute()  # no consent any more: publishing is refused
        listing = Listing.get_by_id(listing.id)
        assert ("There is no valid client consent yet. Record the consent first."
                in publish_problems(listing))
        with pytest.raises(PublishError, match="no valid client consent"):
            set_published(listing, True, User.get(User.username == "admin"))
    with app.test_request_context(), database.connection_context():  # Indonesian by default
        with pytest.raises(PhoneError, match="^Nomor telepon tidak dikenali"):
            parse_phone("bukan nomor")
        assert ("Belum ada persetujuan klien yang berlaku. Catat persetujuan dulu."
                in publish_problems(Listing.get_by_id(listing.id)))
    with pytest.raises(PhoneError, match="^Nomor telepon wajib diisi"):
        parse_phone("")  # outside a request (CLI, tests): Indonesian


def test_entry_form_errors_in_english(client, auth):
    from test_admin import form_payload
    client.set_cookie("lang", "en")
    auth.login()
    response = client.post("/admin/jasa/baru", data=form_payload(phone="12"))
    assert response.status_code == 200
    assert "Phone number not recognised" in response.text \
        or "The phone number is not valid" in response.text
    response = client.post("/admin/jasa/baru",
                           data=form_payload(consent_channel_website=False))
    assert "does not cover the website, so this service cannot be published" in response.text


def test_import_preview_problems_in_english(client, auth):
    from spreadsheet_support import csv_bytes, upload, valid_row
    client.set_cookie("lang", "en")
    auth.login()
    rows = [valid_row(telepon="12", tanggal_lahir="kemarin"), valid_row(kategori="Sulap")]
    response = upload(client, csv_bytes(rows), "data.csv")
    assert response.status_code == 303
    page = client.get(response.location).text
    assert "Date “kemarin” not recognised. Write DD-MM-YYYY" in page
    assert "Category “Sulap” is unknown. See the Kategori sheet in the template." in page
    assert "tidak dikenal" not in page and "tidak dikenali" not in page
