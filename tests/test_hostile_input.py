"""Hostile input: every POST form and every query parameter, filled with attacks and junk,
is answered with a message or a 4xx, never a 500; input that is refused changes nothing;
text that is accepted is shown escaped everywhere, and never runs in a browser.

Forms are discovered by GETting every admin and account page and parsing its
`<form method=post>`; pages and their parameters come from `app.url_map`.
"""
import io
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, jpeg_bytes
from security_support import (
    chromium_or_skip,
    form_payload,
    methods,
    real_objects,
    rule_url,
    rules,
    server_error,
    sign_in,
)

from app import create_app
from app.db import database
from app.models import Client, Consent, Listing, Unit, User

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img onerror": '"><img src=x onerror=alert(1)>',
    "html": "<b>tebal</b></textarea></table><a href=\"javascript:alert(1)\">klik</a>",
    "sql": "' OR 1=1 --",
    "sql drop": "'; DROP TABLE listing; --",
    "fts quote": '"',
    "fts star": "*",
    "fts near": "NEAR(",
    "fts and": "AND (",
    "fts column": "title:jahit OR ^las -kue",
    "long": "A" * 100_000,
    "long words": "jahit " * 20_000,
    "null byte": "jahit\x00las",
    "control": "\x01\x02\x1b[31m\r\n\t\x7f",
    "unicode": "🙂\u202eǅ\u200b\ufeff",
    "not a number": "sepuluh",
    "negative": "-5",
    "huge number": "9" * 40,
    "float": "1e309",
    "bad date": "2024-02-30",
    "zero date": "0000-00-00",
    "bad phone": "+62 812-ABC-!!",
    "long phone": "0" * 40,
    "template": "{{ config }}{% for x in y %}",
    "path": "../../../etc/passwd",
    "header": "x\r\nSet-Cookie: a=b",
    "empty": "",
}
SHORT = ("script", "long", "null byte", "not a number", "bad date", "bad phone", "unicode",
         "header")
WATCHED = (Listing, Client, Consent, User, Unit)
REFUSAL_SIGNS = ('aria-invalid="true"', 'class="flash error"', 'class="msg err"', 'role="alert"')
QUERY_NAMES = ("q", "kategori", "kabupaten", "kecamatan", "hal", "status", "i", "sejak",
               "ukuran", "klien", "next", "unit", "dari", "sampai", "tahun", "bulan", "format")
SKIPPED_ACTIONS = ("/keluar",)  # signing out has nothing to fill in
HTMX = {"HX-Request": "true"}


def snapshot() -> dict:
    """Return every row of the watched tables, to compare before and after."""
    with database.connection_context():
        return {m.__name__: list(m.select().order_by(m.id).tuples()) for m in WATCHED}


def refused(response) -> bool:
    """Tell whether the answer turned the input down (a 4xx or a message on the form)."""
    if response.status_code >= 400:
        return True
    if response.status_code in (301, 302, 303):
        return False
    text = response.get_data(as_text=True)
    return any(sign in text for sign in REFUSAL_SIGNS)


@dataclass
class Form:
    page: str
    action: str
    multipart: bool
    fields: dict = field(default_factory=dict)  # name -> kind (text, select, check, file, keep)
    values: dict = field(default_factory=dict)  # name -> the page's own value

    def fill(self, payload: str) -> dict:
        """Return post data with `payload` in every field that takes text."""
        data = {}
        for name, kind in self.fields.items():
            if kind == "keep":
                data[name] = self.values.get(name, "")
            elif kind == "check":
                data[name] = self.values.get(name) or "y"
            elif kind == "file":
                data[name] = (io.BytesIO(payload.encode("utf-8", "surrogatepass")),
                              "berkas.jpg", "image/jpeg")
            else:
                data[name] = payload
        return data


def _fields(tag) -> tuple[dict, dict]:
    kinds, values = {}, {}
    for el in tag.find_all(["input", "textarea", "select"]):
        name = el.get("name")
        if not name:
            continue
        kind = el.get("type", "text").lower() if el.name == "input" else el.name
        if kind in ("submit", "button", "image", "reset"):
            continue
        values[name] = el.get("value", "")
        kinds[name] = {"checkbox": "check", "radio": "check", "file": "file"}.get(kind, "text")
        if name == "csrf_token":
            kinds[name] = "keep"
    return kinds, values


def _admin_html_pages(app, client, objects):
    """Yield (url, response) for each admin and account page that GETs as HTML."""
    for rule in rules(app):
        if not rule.endpoint.startswith(("admin.", "auth.")) or "GET" not in methods(rule):
            continue
        url, _ = rule_url(rule, objects)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        yield url, response


def discover_forms(app, client, objects) -> list[Form]:
    """Find every POST form with something to fill in on the admin and account pages."""
    found = {}
    for url, response in _admin_html_pages(app, client, objects):
        for tag in BeautifulSoup(response.data, "html.parser").find_all("form"):
            if (tag.get("method") or "get").lower() != "post":
                continue
            action = urljoin(url, tag.get("action") or url)
            kinds, values = _fields(tag)
            if urlsplit(action).path in SKIPPED_ACTIONS or not [
                    k for k in kinds.values() if k in ("text", "file")]:
                continue
            key = (urlsplit(action).path, tuple(sorted(kinds)))
            found.setdefault(key, Form(url, action, tag.get("enctype") == "multipart/form-data",
                                       kinds, values))
    return list(found.values())


def _post(client, form: Form, data, headers=None):
    kwargs = {"content_type": "multipart/form-data"} if form.multipart else {}
    return client.post(form.action, data=data, headers=headers or {}, **kwargs)


def _judge(response, before, what) -> tuple[list[str], dict]:
    """Check one answer; return problems and the snapshot to compare the next one with."""
    problems = []
    if server_error(response):
        problems.append(f"{what}: server error {response.status_code}")
    after = snapshot()
    if refused(response):
        if after != before:
            changed = [name for name in after if after[name] != before[name]]
            problems.append(f"{what}: refused ({response.status_code}) but changed {changed}")
        return problems, before
    return problems, after


@pytest.fixture
def admin_site(app, client, make_listing):
    objects = real_objects(app, make_listing)
    sign_in(client, "superadmin")
    return objects


def test_every_post_form_survives_every_payload(app, client, admin_site):
    forms = discover_forms(app, client, admin_site)
    actions = {urlsplit(f.action).path for f in forms}
    assert "/admin/jasa/baru" in actions and "/admin/kios" in actions, actions
    problems = []
    with app.app_context():
        before = snapshot()
        for form in forms:
            for label, payload in PAYLOADS.items():
                response = _post(client, form, form.fill(payload))
                found, before = _judge(response, before, f"{form.action} [{label}]")
                problems += found
                if client.get("/admin/").status_code != 200:
                    problems.append(f"{form.action} [{label}]: signed the admin out")
                    sign_in(client, "superadmin")
    assert not problems, "\n".join(problems)


def test_entry_form_one_bad_field_at_a_time(app, client, admin_site):
    """A valid listing with one field spoiled: a message on that field, or a clean save."""
    with app.app_context(), database.connection_context():
        good = form_payload(title="Servis Pompa Air")
    form_page = client.get("/admin/jasa/baru").data
    names = [n for n, kind in _fields(BeautifulSoup(form_page, "html.parser")
                                      .find("form", class_="entry"))[0].items()
             if kind in ("text", "check") and n != "csrf_token"]
    problems = []
    with app.app_context():
        before = snapshot()
        for name in names:
            for label in SHORT:
                data = dict(good, **{name: PAYLOADS[label]})
                response = client.post("/admin/jasa/baru", data=data,
                                       content_type="multipart/form-data")
                found, before = _judge(response, before, f"{name} [{label}]")
                problems += found
                inline = client.post("/admin/jasa/baru", headers=HTMX,
                                     data=dict(data, _validate_field=name))
                if server_error(inline) or inline.status_code not in (200, 400):
                    problems.append(f"inline check of {name} [{label}]: {inline.status_code}")
        for bogus in ("__class__", "csrf_token", "tidak_ada", PAYLOADS["script"]):
            response = client.post("/admin/jasa/baru", headers=HTMX,
                                   data=dict(good, _validate_field=bogus, title=""))
            found, before = _judge(response, before, f"_validate_field={bogus!r}")
            problems += found
    assert not problems, "\n".join(problems)


def test_fake_and_oversize_images_get_a_message(app, client, admin_site):
    with app.app_context(), database.connection_context():
        good = form_payload(title="Servis Pompa Air")
    fakes = [b"GIF89a" + PAYLOADS["script"].encode(), b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
             b"\xff\xd8\xff\xe0" + b"A" * 5000, jpeg_bytes() + b"<?php echo 1; ?>",
             "<svg onload=alert(1)>".encode(), b""]
    with app.app_context():
        before = snapshot()
        for data in fakes:
            response = client.post("/admin/jasa/baru", content_type="multipart/form-data",
                                   data=dict(good, photo=(io.BytesIO(data), "foto.jpg")))
            assert not server_error(response)
            if data:
                assert response.status_code == 200 and 'id="msg-photo"' in response.text
                assert "msg err" in response.text
                assert snapshot() == before
            else:  # no file chosen: the listing is saved without a photo
                assert response.status_code == 303
                before = snapshot()
        app.config["MAX_CONTENT_LENGTH"] = 100_000
        response = client.post("/admin/jasa/baru", content_type="multipart/form-data",
                               data=dict(good, photo=(io.BytesIO(b"\xff" * 200_000), "b.jpg")))
        assert response.status_code == 413 and not server_error(response)
        assert snapshot() == before


def test_invalid_utf8_bodies_and_urls(app, client, admin_site):
    forms = discover_forms(app, client, admin_site)
    bodies = [b"title=%FF%FE%00&description=%C0%AF&phone=%E2%82", b"title=\xff\xfe\xfd&q=\xc3",
              b"%%%%=%%&&==", b"\x00" * 100]
    problems = []
    with app.app_context():
        before = snapshot()
        for form in forms:
            for body in bodies:
                response = client.post(form.action, data=body,
                                       content_type="application/x-www-form-urlencoded")
                found, before = _judge(response, before, f"{form.action} raw {body[:12]!r}")
                problems += found
        for url in ("/?q=%FF%FE", "/?q=%C0%AF&kategori=%FF", "/kategori/%FF%FE", "/jasa/%FF",
                    "/foto/%FF%FE.jpg", "/admin/jasa?q=%FF&status=%FE", "/admin/foto/%FF",
                    "/kiosk/panel?i=%FF&sejak=%FE", "/masuk?next=%FF", "/%00", "/jasa/1%00"):
            response = client.get(url)
            if server_error(response):
                problems.append(f"GET {url}: {response.status_code}")
    assert not problems, "\n".join(problems)


def _query_names(response) -> set[str]:
    names = set(QUERY_NAMES)
    if response.mimetype == "text/html":
        for form in BeautifulSoup(response.data, "html.parser").find_all("form"):
            if (form.get("method") or "get").lower() == "get":
                names |= {el.get("name") for el in form.find_all(["input", "select"])
                          if el.get("name")}
    return names


def test_every_query_parameter_survives_every_payload(app, client, admin_site):
    anonymous = app.test_client()
    problems = []
    for rule in rules(app):
        if "GET" not in methods(rule) or rule.endpoint == "static":
            continue
        url, _ = rule_url(rule, admin_site)
        who = client if rule.endpoint.startswith("admin.") else anonymous
        names = _query_names(who.get(url))
        for index, (label, payload) in enumerate(PAYLOADS.items()):
            headers = HTMX if index % 2 else {}
            # The full 100,000 characters in `q`; 5,000 elsewhere keeps the URL sane.
            query = {n: payload if n == "q" else payload[:5000] for n in names}
            response = who.get(url, query_string=query, headers=headers)
            if server_error(response):
                problems.append(f"GET {url} [{label}]: {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/",
                                    "/\\evil.example", "/\t/evil.example", "\\/evil.example",
                                    "/%2F%2Fevil.example", "javascript:alert(1)",
                                    " //evil.example", "/\r\nSet-Cookie: a=b"])
def test_login_never_redirects_off_site(client, target):
    response = client.post("/masuk", query_string={"next": target},
                           data={"username": "admin", "password": PASSWORD})
    assert response.status_code in (302, 303)
    location = response.headers["Location"]
    parts = urlsplit(location.replace("\t", "").replace("\\", "/"))
    assert parts.netloc in ("", "localhost"), location
    assert "\n" not in location and "\r" not in location
    assert not location.lower().startswith("javascript:")


def test_login_and_setup_forms_survive_every_payload(tmp_path):
    """The two forms used before anyone is signed in, on an instance with no admin yet."""
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "s.db").as_posix(),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    from app.security.accounts import new_setup_token
    with app.app_context(), database.connection_context():
        token = new_setup_token()
    client = app.test_client()
    problems = []
    with app.app_context():
        before = snapshot()
        for label, payload in PAYLOADS.items():
            for url, fields in (("/masuk", ("username", "password")),
                                (f"/siapkan/{token}",
                                 ("full_name", "username", "password", "confirm"))):
                response = client.post(url, data={f: payload for f in fields})
                found, before = _judge(response, before, f"{url} [{label}]")
                problems += found
            assert client.get("/admin/").status_code == 302, f"signed in by {label}"
    with app.app_context(), database.connection_context():
        assert User.select().count() == 0
    assert not problems, "\n".join(problems)


# --- accepted text is shown escaped ---------------------------------------------------------

MARKUP = {
    "title": "<b>Las</b><script>alert(1)</script>",
    "description": '"><img src=x onerror=alert(1)> <script>alert(2)</script>',
    "display_name": "<i>Pak</i> <svg onload=alert(3)>",
    "service_area": "</dd><script>alert(4)</script>",
    "price_hint": "<a href=javascript:alert(5)>Rp</a>",
    "working_hours": "'\"><iframe src=//evil>",
    "contact_name": "<marquee>Kontak</marquee>",
}
RAW = ("<script>alert", "<img src=x", "<svg onload", "<iframe", "<marquee", "<b>Las",
       "<a href=javascript")


def _save_markup(app, client):
    with app.app_context(), database.connection_context():
        data = form_payload(featured="y", **MARKUP)
    response = client.post("/admin/jasa/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with app.app_context(), database.connection_context():
        listing = Listing.get(Listing.title == MARKUP["title"])
        assert listing.is_published
        return listing


def test_accepted_markup_is_escaped_on_every_page(app, client, admin_site):
    listing = _save_markup(app, client)
    pages = [f"/jasa/{listing.id}", "/?q=Las", "/kategori/menjahit", "/kiosk", "/kiosk/panel",
             f"/jasa/{listing.id}/selebaran", "/kategori/menjahit/selebaran", "/admin/jasa",
             "/admin/", f"/admin/jasa/{listing.id}/ubah", "/admin/kios", "/admin/jasa?q=Las"]
    pages += [url for url in (_follow(client, f"/jasa/{listing.id}"),) if url]
    problems = []
    for url in pages:
        for headers in ({}, HTMX):
            text = client.get(url, headers=headers, follow_redirects=True).get_data(as_text=True)
            problems += [f"{url}: raw {raw!r}" for raw in RAW if raw in text]
    detail = client.get(f"/jasa/{listing.id}", follow_redirects=True).get_data(as_text=True)
    assert "&lt;b&gt;Las&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert not problems, "\n".join(problems)


def _follow(client, url):
    response = client.get(url)
    return response.headers.get("Location") if response.status_code in (301, 302) else None


@pytest.mark.browser
def test_stored_payload_never_runs_in_chromium(app, make_listing, chromium):
    """One look in a real browser: the stored payload sets no flag on any page."""
    browser_support, _ = chromium_or_skip()
    listing = make_listing(
        title="<script>window.__pwned=1</script>Las",
        display_name='<img src=x onerror="window.__pwned=1">',
        description='"><svg onload="window.__pwned=1"></svg><script>window.__pwned=2</script>',
        service_area="<iframe srcdoc='<script>parent.__pwned=1</script>'></iframe>",
        featured=True)
    with browser_support.LiveServer(app) as site:
        page = chromium.new_page(locale="id-ID")
        pwned = []

        def look(path=None):
            if path:
                page.goto(site(path))
            page.wait_for_timeout(200)
            pwned.append((page.url, page.evaluate("() => window.__pwned")))
        look(f"/jasa/{listing.id}")
        look("/")
        page.fill("#q", "Las")  # the live search swaps results in with htmx
        page.wait_for_selector("#results .card")
        look()
        look("/kiosk")
        look("/masuk")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        look("/admin/jasa")
        look(f"/admin/jasa/{listing.id}/ubah")
    assert all(flag is None for _, flag in pwned), pwned


# --- forged requests ------------------------------------------------------------------------

def _token(html: bytes) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    return field["value"] if field else ""


def test_every_post_form_carries_a_csrf_token_and_forgeries_change_nothing(app, make_listing):
    """With CSRF protection on (as in production): every form has its token, and a POST
    without one is refused with a message and changes nothing."""
    objects = real_objects(app, make_listing)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = _token(client.get("/masuk").data)
    client.post("/masuk", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert client.get("/admin/").status_code == 200
    missing, actions = [], set()
    for url, response in _admin_html_pages(app, client, objects):
        soup = BeautifulSoup(response.data, "html.parser")
        body_headers = (soup.body.get("hx-headers") or "") if soup.body else ""
        for form in soup.find_all("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            action = urljoin(url, form.get("action") or url)
            actions.add(urlsplit(action).path)
            actions.update(urlsplit(urljoin(url, b["formaction"])).path
                           for b in form.find_all("button", formaction=True))
            if not _token(str(form).encode()) and "X-CSRFToken" not in body_headers:
                missing.append(f"{url}: form to {action}")
    assert not missing, "POST forms without a CSRF token:\n" + "\n".join(missing)
    with app.app_context():
        before = snapshot()
    forged = []
    for path in sorted(actions - {"/keluar"}):
        response = client.post(path, data={"title": "palsu", "interval": "30"})
        if response.status_code == 405:  # the page itself; its buttons post elsewhere
            continue
        if response.status_code != 400 or "Formulir kedaluwarsa" not in response.text:
            forged.append(f"POST {path} without a token: {response.status_code}")
    with app.app_context():
        assert snapshot() == before
    assert not forged, "\n".join(forged)
