"""Issue 10.5: each reason a listing cannot be published is shown on the field that fixes
it (marked aria-invalid), and a summary at the top of the form links to every error."""
import datetime as dt

import pytest
from bs4 import BeautifulSoup
from conftest import form_payload

TODAY = dt.date.today()
HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def field_message(page, name):
    return page.find(id=f"msg-{name}").get_text(" ", strip=True)


def summary_links(page):
    summary = page.find(id="error-summary")
    assert summary is not None, "no error summary at the top of the form"
    return [a["href"] for a in summary.find_all("a")]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_missing_consent_date_is_marked_on_the_consent_date(admin, headers):
    response = admin.post("/admin/jasa/baru", data=form_payload(consent_given_on=None),
                          headers=headers)
    page = BeautifulSoup(response.text, "html.parser")
    assert "Belum ada persetujuan klien" in field_message(page, "consent_given_on")
    assert page.find(id="consent_given_on").get("aria-invalid") == "true"
    assert summary_links(page)[0] == "#consent_given_on"
    # the publish box no longer carries the message itself
    assert "Belum ada persetujuan klien" not in field_message(page, "publish")


def test_each_publish_problem_goes_to_its_field(admin):
    seventeen = TODAY.replace(year=TODAY.year - 17)
    response = admin.post("/admin/jasa/baru", data=form_payload(
        client_birth_date=seventeen, publish_until=TODAY - dt.timedelta(days=1),
        consent_channel_website=False))
    page = BeautifulSoup(response.text, "html.parser")
    assert "18 tahun" in field_message(page, "client_birth_date")
    assert "Masa tayang sudah lewat" in field_message(page, "publish_until")
    assert "situs web" in field_message(page, "consent_channel_website")
    for name in ("client_birth_date", "publish_until", "consent_channel_website"):
        assert page.find(id=name).get("aria-invalid") == "true", name
    links = summary_links(page)
    assert {"#client_birth_date", "#publish_until", "#consent_channel_website"} <= set(links)
    assert all(page.find(id=href[1:]) is not None for href in links)  # every link lands


def test_ended_supervision_is_marked_on_its_end_date(admin, make_listing):
    listing = make_listing(publish=False, client_supervision_end_date=TODAY + dt.timedelta(days=3))
    payload = form_payload(client_supervision_end_date=TODAY - dt.timedelta(days=1),
                           version=str(listing.version))
    response = admin.post(f"/admin/jasa/{listing.id}/ubah", data=payload)
    page = BeautifulSoup(response.text, "html.parser")
    assert "Masa bimbingan klien sudah berakhir" in field_message(
        page, "client_supervision_end_date")
    assert page.find(id="client_supervision_end_date").get("aria-invalid") == "true"


def test_form_errors_are_listed_in_the_summary_too(admin):
    response = admin.post("/admin/jasa/baru", data=form_payload(title="", phone=""))
    page = BeautifulSoup(response.text, "html.parser")
    assert summary_links(page)[:2] == ["#title", "#phone"]
