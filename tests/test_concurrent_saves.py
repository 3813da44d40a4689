"""Nothing lost when admins save at the same moment: real HTTP against a waitress server.

Each test starts the app under waitress on 127.0.0.1 (an ephemeral port) in a thread and
lets several signed-in sessions post at once, lined up by a `threading.Barrier`. Run it
on SQLite (default) and on PostgreSQL (RAJA_KEMAS_TEST_DATABASE_URL, see databases.py).
"""
import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from browser_support import run_until_closed
from bs4 import BeautifulSoup
from conftest import PASSWORD, form_payload, listing_data
from spreadsheet_support import csv_bytes, problems, valid_row
from test_conflict import form_values
from waitress import create_server

from app.db import database
from app.models import Client, Listing, Unit, User
from app.records import listings as domain
from app.security.accounts import create_user

SESSIONS = 6
SAVES = 10
ROUNDS = 15
IMPORT_ROWS = 1000
TIMEOUT = 120  # seconds a request may take before the test gives up on it


@pytest.fixture
def server(app):
    """The app served by waitress in a thread; its base URL."""
    served = create_server(app, host="127.0.0.1", port=0, threads=SESSIONS + 2)
    thread = threading.Thread(target=run_until_closed, args=(served,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.effective_port}"
    served.close()
    served.task_dispatcher.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def officers(app):
    """User names of SESSIONS admins of the office, besides the superadmin `admin`."""
    names = [f"petugas{n}" for n in range(1, SESSIONS + 1)]
    with app.app_context(), database.connection_context():
        for name in names:
            create_user(Unit.select().first(), name, PASSWORD, "admin", name.title())
    return names


def signed_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    response = browser.post(base + "/masuk", data={"username": username, "password": PASSWORD},
                            allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 302, response.text[:500]
    return browser


def entry_form(app, **overrides) -> dict:
    with app.app_context(), database.connection_context():
        return form_payload(**overrides)


def stored_titles() -> set[str]:
    with database.connection_context():
        return {x.title for x in Listing.select(Listing.title)}


def at_once(jobs):
    """Run the callables in threads that start together; return their results in order."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=TIMEOUT)
        return job()
    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_six_sessions_saving_ten_new_listings_at_once_lose_nothing(app, server, officers):
    payload = entry_form(app)
    browsers = [signed_in(server, name) for name in officers]

    def saves(session_number, browser):
        def job():
            answers = []
            for n in range(SAVES):
                title = f"Jasa sesi {session_number} nomor {n}"
                response = browser.post(server + "/admin/jasa/baru",
                                        data=dict(payload, title=title),
                                        allow_redirects=False, timeout=TIMEOUT)
                answers.append((response.status_code, title))
            return answers
        return job

    answers = [a for job in at_once([saves(i, b) for i, b in enumerate(browsers)]) for a in job]
    statuses = Counter(status for status, _ in answers)
    acknowledged = {title for status, title in answers if status == 303}
    stored = stored_titles()
    print(f"\n{SESSIONS} sessions x {SAVES} saves: {dict(statuses)}; stored {len(stored)}, "
          f"acknowledged but lost {len(acknowledged - stored)}")
    assert statuses == {303: SESSIONS * SAVES}
    assert stored == acknowledged


def conflict_rows(page: str) -> dict:
    panel = BeautifulSoup(page, "html.parser").select_one("section.conflict")
    assert panel is not None, "no conflict panel"
    return {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
            for tr in panel.select("tbody tr")}


def test_two_officers_saving_the_same_listing_at_once_one_saves_one_merges(
        app, server, officers, make_listing):
    listing = make_listing()
    url = f"{server}/admin/jasa/{listing.id}/ubah"
    first, second = signed_in(server, officers[0]), signed_in(server, officers[1])
    # Each officer changes a different field; the label is the panel's row for it.
    edits = [(first, "title", "Nama jasa", "Penjahit Kebaya {}"),
             (second, "price_hint", "Kisaran harga", "mulai Rp{}.000")]
    tally = Counter()
    for round_number in range(ROUNDS):
        forms = [form_values(browser.get(url, timeout=TIMEOUT).text) for browser, *_ in edits]
        assert forms[0]["version"] == forms[1]["version"]
        for form, (_, field, _, value) in zip(forms, edits):
            form[field] = value.format(round_number)

        def post(browser, form):
            return lambda: browser.post(url, data=form, allow_redirects=False, timeout=TIMEOUT)
        answers = at_once([post(browser, form) for (browser, *_), form in zip(edits, forms)])
        tally.update(a.status_code for a in answers)
        assert sorted(a.status_code for a in answers) == [200, 303], round_number
        loser = 0 if answers[0].status_code == 200 else 1
        winner = 1 - loser
        _, win_field, win_label, _ = edits[winner]
        lose_browser, lose_field, lose_label, _ = edits[loser]

        # The loser sees both changes side by side: stored (the winner's) and their own.
        rows = conflict_rows(answers[loser].text)
        assert rows[win_label][0] == forms[winner][win_field]
        assert rows[lose_label][1] == forms[loser][lose_field]
        kept = form_values(answers[loser].text)
        assert kept[lose_field] == forms[loser][lose_field]  # their typing is still there
        with database.connection_context():
            saved = Listing.get_by_id(listing.id)
        assert getattr(saved, win_field) == forms[winner][win_field]

        # Taking the stored value of the other field and saving again keeps both changes.
        kept[win_field] = forms[winner][win_field]
        again = lose_browser.post(url, data=kept, allow_redirects=False, timeout=TIMEOUT)
        assert again.status_code == 303
        with database.connection_context():
            saved = Listing.get_by_id(listing.id)
        assert getattr(saved, win_field) == forms[winner][win_field]
        assert getattr(saved, lose_field) == forms[loser][lose_field]
    print(f"\n{ROUNDS} rounds of two simultaneous edits: {dict(tally)}")


def test_two_officers_changing_one_client_from_two_listings_at_once(
        app, server, officers, make_listing):
    """The client's internal fields are on the entry form of each of their listings: two
    officers saving two listings of one client at the same moment, each with other notes,
    get one save and one conflict panel, never a silent overwrite."""
    one = make_listing()
    with app.test_request_context(), database.connection_context():
        other = domain.save_listing(None, one.client, listing_data(title="Permak Celana"),
                                    User.get(User.username == "admin"))
    urls = [f"{server}/admin/jasa/{x.id}/ubah" for x in (one, other)]
    browsers = [signed_in(server, officers[0]), signed_in(server, officers[1])]
    tally = Counter()
    for round_number in range(ROUNDS):
        forms = [form_values(b.get(u, timeout=TIMEOUT).text) for b, u in zip(browsers, urls)]
        notes = [f"Catatan petugas {n} putaran {round_number}" for n in (1, 2)]
        for form, note in zip(forms, notes):
            form["client_internal_notes"] = note

        def post(browser, url, form):
            return lambda: browser.post(url, data=form, allow_redirects=False, timeout=TIMEOUT)
        answers = at_once([post(b, u, f) for b, u, f in zip(browsers, urls, forms)])
        tally.update(a.status_code for a in answers)
        assert sorted(a.status_code for a in answers) == [200, 303], round_number
        winner = 0 if answers[0].status_code == 303 else 1
        loser = 1 - winner
        assert conflict_rows(answers[loser].text)["Catatan internal"] == [
            notes[winner], notes[loser]]
        with database.connection_context():
            assert Client.get_by_id(one.client_id).internal_notes == notes[winner]
    print(f"\n{ROUNDS} rounds, two listings of one client saved at once: {dict(tally)}")


def test_an_import_of_a_thousand_rows_while_two_admins_save(app, server, officers):
    rows = [valid_row(nama_jasa=f"Jasa impor {i}", nomor_register=f"IMP-{i}/2025",
                      nama_lengkap_klien=f"Klien Impor {i}", telepon=f"0812{i:08d}")
            for i in range(IMPORT_ROWS)]
    content = csv_bytes(rows)
    payload = entry_form(app)
    importer = signed_in(server, "admin")
    savers = [signed_in(server, name) for name in officers[:2]]
    imported = threading.Event()

    def run_import():
        try:
            upload = importer.post(server + "/admin/impor",
                                   files={"berkas": ("seribu.csv", content, "text/csv")},
                                   allow_redirects=False, timeout=TIMEOUT)
            assert upload.status_code == 303, upload.text[:2000]
            preview = server + upload.headers["Location"]
            page = importer.get(preview, timeout=TIMEOUT).text
            assert f"Impor {IMPORT_ROWS} baris" in page, problems(page)[:5] or page[-3000:]
            return importer.post(preview, allow_redirects=False, timeout=TIMEOUT)
        finally:
            imported.set()

    def saves(number, browser):
        def job():
            answers = []
            while not imported.is_set() and len(answers) < 30:
                title = f"Jasa petugas {number} nomor {len(answers)}"
                response = browser.post(server + "/admin/jasa/baru",
                                        data=dict(payload, title=title),
                                        allow_redirects=False, timeout=TIMEOUT)
                answers.append((response.status_code, title))
            return answers
        return job

    done, *saved = at_once([run_import] + [saves(n, b) for n, b in enumerate(savers)])
    answers = [a for job in saved for a in job]
    statuses = Counter(status for status, _ in answers)
    acknowledged = {title for status, title in answers if status == 303}
    stored = stored_titles()
    with database.connection_context():
        clients = Client.select().where(Client.full_name.startswith("Klien Impor")).count()
    print(f"\nimport of {IMPORT_ROWS} rows: {done.status_code}, {clients} clients stored; "
          f"two admins meanwhile: {dict(statuses)}, lost {len(acknowledged - stored)}")
    assert done.status_code == 303, problems(done.text)[:5] or done.text[:2000]
    assert clients == IMPORT_ROWS
    assert statuses and set(statuses) == {303}
    assert acknowledged <= stored


def test_two_superadmins_saving_the_same_unit_at_once(app, server):
    with app.app_context(), database.connection_context():
        unit = Unit.select().first()
        create_user(unit, "boss2", PASSWORD, "superadmin", "Bos Dua")
        url, version, slug = f"{server}/admin/unit/{unit.id}/ubah", unit.version, unit.slug
    first, second = signed_in(server, "admin"), signed_in(server, "boss2")
    names = ["Bapas Polewali Satu", "Bapas Polewali Dua"]

    def post(browser, name):
        data = {"name": name, "slug": slug, "kiosk_interval": "12", "version": str(version)}
        return lambda: browser.post(url, data=data, allow_redirects=False, timeout=TIMEOUT)
    answers = at_once([post(first, names[0]), post(second, names[1])])
    assert sorted(a.status_code for a in answers) == [200, 303]
    loser = answers[0] if answers[0].status_code == 200 else answers[1]
    assert "baru saja diubah oleh superadmin lain" in loser.text
    kept = BeautifulSoup(loser.text, "html.parser").select_one("input[name=name]")["value"]
    with database.connection_context():
        saved = Unit.get_by_id(unit.id)
    assert saved.version == version + 1
    assert {saved.name, kept} == set(names)  # one stored, the other still in its form


def test_two_superadmins_stepping_down_at_once_leave_one(app, server):
    from app.models import User
    with app.app_context(), database.connection_context():
        unit = Unit.select().first()
        create_user(unit, "boss2", PASSWORD, "superadmin", "Bos Dua")
        ids = {u.username: u.id for u in User.select().where(User.role == "superadmin")}
    # Each demotes the other at the same instant: only one of them may succeed.
    pairs = [(signed_in(server, "admin"), ids["boss2"]), (signed_in(server, "boss2"), ids["admin"])]

    def demote(browser, user_id):
        data = {"full_name": "Turun", "role": "admin", "unit_id": str(unit.id)}
        return lambda: browser.post(f"{server}/admin/pengguna/{user_id}", data=data,
                                    allow_redirects=False, timeout=TIMEOUT)
    answers = at_once([demote(b, i) for b, i in pairs])
    # The loser is refused by the last-superadmin rule (200 with the message), or, when
    # the winner's save committed before the loser's request was checked, is no longer a
    # superadmin at all (403). Either way exactly one demotion happens.
    codes = sorted(a.status_code for a in answers)
    assert codes in ([200, 303], [303, 403]), codes
    if codes == [200, 303]:
        refused = answers[0] if answers[0].status_code == 200 else answers[1]
        assert "superadmin aktif terakhir" in refused.text
    with database.connection_context():
        assert User.select().where(User.role == "superadmin").count() == 1


@pytest.fixture
def database_stays_busy(monkeypatch):
    """Every write transaction meets a locked database until the (shortened) retries end."""
    monkeypatch.setattr("app.db.WRITE_RETRY_SECONDS", 0.3, raising=False)  # new in this fix

    def locked_out(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")
    monkeypatch.setattr("app.records.audit.record", locked_out)


def test_a_save_that_finds_the_database_busy_keeps_the_typing(app, client, auth, request):
    auth.login()
    request.getfixturevalue("database_stays_busy")
    page = client.post("/admin/jasa/baru", data=entry_form(app, title="Penjahit Sibuk"))
    assert page.status_code == 200
    assert "Server sedang sibuk menyimpan data lain" in page.text
    assert form_values(page.text)["title"] == "Penjahit Sibuk"
    assert "Penjahit Sibuk" not in stored_titles()


def test_a_button_that_finds_the_database_busy_says_so(app, client, auth, make_listing,
                                                      request):
    listing = make_listing(publish=False)
    auth.login()
    request.getfixturevalue("database_stays_busy")
    page = client.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "1"})
    assert page.status_code == 503 and "sedang sibuk" in page.text
    with database.connection_context():
        assert not Listing.get_by_id(listing.id).is_published
