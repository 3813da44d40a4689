"""The audit log stays readable whatever admins type: every string of the hostile corpus,
saved in every free-text field of listings, clients, consents, units and users, shows on
the audit page under every filter and in its CSV, escaped (issue 10, point 2)."""
import csv
import io

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, listing_data
from peewee import CharField
from security_support import server_error
from test_hostile_input import PAYLOADS

from app.db import database
from app.models import AuditEvent, Client, Consent, Listing, Unit, User
from app.records import listings as listing_domain
from app.records import units as unit_domain
from app.security.accounts import AccountError, create_user, update_user

# Free text as the forms take it; the other fields hold choices, dates, numbers or files.
LISTING_TEXT = ["title", "description", "service_area", "price_hint", "working_hours",
                "display_name", "contact_name", "family_consent_name",
                "family_consent_reference"]
CLIENT_TEXT = ["full_name", "register_number", "supervising_officer", "internal_notes"]
CONSENT_TEXT = ["officer_name", "form_reference"]
UNIT_TEXT = ["name", "address", "phone", "email"]
USER_TEXT = ["full_name"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
csv.field_size_limit(10_000_000)  # the 100 000-character payload, before and after, in one cell


def fit(payload: str, model, name: str) -> str:
    """The payload as a column can hold it: the forms refuse NUL, and PostgreSQL's
    varchar(255) takes no more (the forms' own limits are lower)."""
    text = payload.replace("\x00", "")
    return text[:255] if isinstance(model._meta.fields[name], CharField) else text


def listing_values(n: int, payload: str) -> dict:
    values = {f: fit(payload, Listing, f) for f in LISTING_TEXT}
    values.update({"client_" + f: fit(payload, Client, f) for f in CLIENT_TEXT})
    values.update({"consent_" + f: fit(payload, Consent, f) for f in CONSENT_TEXT})
    # A full name also in the title is refused (it must not go public): keep them apart.
    values["client_full_name"] = f"Klien Nomor{n} " + values["client_full_name"][:200]
    if not values["consent_officer_name"].strip():
        values["consent_officer_name"] = "Andi Petugas"  # required to record a consent
    return values


def store_everywhere(app) -> dict:
    """Save each payload in turn into every free-text field; return what was refused."""
    refused = {}
    with app.test_request_context(), database.connection_context():
        admin = User.get(User.username == "admin")
        unit = Unit.select().first()
        listing = None
        person = create_user(unit, "budi", PASSWORD, "admin", "Budi")
        for n, (label, payload) in enumerate(PAYLOADS.items()):
            data = listing_data(contact_relation="keluarga", publish=False,
                                **listing_values(n, payload))
            if listing is not None:
                data["version"] = str(Listing.get_by_id(listing.id).version)
            try:  # the first saves create; the next ones change the same records
                listing = listing_domain.save_listing(listing, None, data, admin)
            except ValueError as exc:
                refused[f"listing [{label}]"] = str(exc)
            for name in UNIT_TEXT:
                values = {"name": unit.name, "slug": unit.slug, "address": unit.address,
                          "phone": unit.phone, "email": unit.email,
                          "kabupaten_served": unit.kabupaten_list,
                          "kiosk_interval": unit.kiosk_interval, "version": unit.version,
                          name: fit(payload, Unit, name)}
                try:
                    unit = unit_domain.save_unit(unit, values, admin)
                except unit_domain.UnitError as exc:
                    refused[f"unit.{name} [{label}]"] = exc.message
            try:
                update_user(person, fit(payload, User, "full_name"), "admin", unit)
            except AccountError as exc:
                refused[f"user.full_name [{label}]"] = str(exc)
    return refused


@pytest.fixture
def hostile_trail(app, client, auth):
    refused = store_everywhere(app)
    # The listing saves must have gone through, else the test proves little.
    assert not [k for k in refused if k.startswith("listing")], refused
    auth.login()
    # Filter values are audited too (audit.export): export with each payload once.
    for payload in PAYLOADS.values():
        response = client.get("/admin/audit/ekspor.csv", query_string={"pengguna": payload})
        assert response.status_code == expected_status(payload), payload
    return client


def expected_status(payload: str) -> int:
    """A NUL in a URL gets a 400 with a message from every page (app/security.py)."""
    return 400 if "\x00" in payload else 200


def check_page(response, what, status=200) -> list[str]:
    problems = []
    if response.status_code != status or server_error(response):
        problems.append(f"{what}: {response.status_code}")
        return problems
    soup = BeautifulSoup(response.text, "html.parser")
    if [s for s in soup.find_all("script") if not s.get("src")]:
        problems.append(f"{what}: an inline <script> got through")
    if soup.select("img[onerror], [onerror], a[href^=javascript]"):
        problems.append(f"{what}: markup from a payload got through")
    return problems


def test_every_filter_and_the_csv_answer_with_every_hostile_value(app, hostile_trail):
    client = hostile_trail
    with database.connection_context():
        actions = sorted({e.action for e in AuditEvent.select(AuditEvent.action)})
        entities = sorted({e.entity for e in AuditEvent.select(AuditEvent.entity)})
        ids = sorted({e.entity_id for e in AuditEvent.select(AuditEvent.entity_id)
                      if e.entity_id is not None})
        pages = AuditEvent.select().count() // 50 + 1
    queries = ([{}] + [{"tindakan": a} for a in actions] + [{"entitas": e} for e in entities]
               + [{"id": i} for i in ids[:5]] + [{"hal": p} for p in range(1, pages + 1)]
               + [{"dari": "2000-01-01", "sampai": "2100-12-31"}]
               + [{"pengguna": "budi"}, {"pengguna": "admin"}])
    problems = []
    for query in queries:  # the whole page, and the results an htmx request swaps in
        problems += check_page(client.get("/admin/audit", query_string=query), f"page {query}")
        problems += check_page(client.get("/admin/audit", query_string=query,
                                          headers={"HX-Request": "true"}), f"fragment {query}")
    for payload in PAYLOADS.values():  # typed into a filter
        for name in ("pengguna", "tindakan", "entitas", "id", "dari", "sampai", "hal"):
            query = {name: payload}
            problems += check_page(client.get("/admin/audit", query_string=query),
                                   f"page {query}", expected_status(payload))
    assert not problems, "\n".join(problems)

    # The payloads show as text: the typed date-shaped title, escaped markup.
    everything = client.get("/admin/audit", query_string={"tindakan": "listing.update"}).text
    assert "2024-02-30" in everything and "0000-00-00" in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything

    for query in [{}] + [{"tindakan": a} for a in actions] + [{"entitas": e} for e in entities]:
        response = client.get("/admin/audit/ekspor.csv", query_string=query)
        assert response.status_code == 200, query
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                               delimiter=";"))
        assert rows[0][0] == "Waktu (WITA)"
        assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
    text = client.get("/admin/audit/ekspor.csv").get_data(as_text=True)
    assert "Nama jasa: " in text and "2024-02-30" in text and "<script>alert(1)</script>" in text
