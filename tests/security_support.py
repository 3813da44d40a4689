"""Helpers for the security tests: walking app.url_map with real ids, signing in as a role,
reading security-relevant parts of pages, and catching CSP violations in Chromium."""
import re
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup

# form_payload is re-exported for the tests that import it from here.
from conftest import PASSWORD, AuthActions, form_payload, jpeg_bytes  # noqa: F401

from app.db import database
from app.models import Category, Unit, User
from app.security.accounts import create_user

ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
LOGIN_PATH = "/masuk"
# Signs of a server error page or a leaked stack trace.
SERVER_ERROR_SIGNS = ("Terjadi kesalahan", "Traceback (most recent call last)",
                      "werkzeug.debug", "sqlite3.", "peewee.")


def add_role_users(app) -> dict:
    """Create an `admin`-role user beside conftest's superadmin and viewer; return ids."""
    with app.app_context(), database.connection_context():
        unit = Unit.select().first()
        if not User.select().where(User.username == "petugas").exists():
            create_user(unit, "petugas", PASSWORD, "admin", "Petugas Biasa")
        return {u.username: u.id for u in User.select()}


USERNAMES = {"viewer": "viewer", "admin": "petugas", "superadmin": "admin"}


def sign_in(client, role: str) -> None:
    """Sign `client` in as `role` (viewer, admin or superadmin) and check it worked."""
    AuthActions(client).login(USERNAMES[role])
    response = client.get("/admin/")
    assert response.status_code == 200, (
        f"could not sign in as {role}: GET /admin/ answered {response.status_code} "
        f"{response.headers.get('Location', '')}")


def real_objects(app, make_listing) -> dict:
    """Make a listing with a photo; return values for URL arguments by argument name."""
    listing = make_listing(photo=jpeg_bytes())
    users = add_role_users(app)
    with app.app_context(), database.connection_context():
        unit = Unit.select().first()
        category = Category.get_by_id(listing.category_id)
        return {"listing_id": listing.id, "client_id": listing.client_id,
                "user_id": users["viewer"], "unit_id": unit.id, "category_id": category.id,
                "slug": category.slug, "filename": "css/app.css",
                "unit_slug": getattr(unit, "slug", "tidak-ada"),
                # `name` means different things on different routes
                "admin.photo": {"name": listing.photo_thumb},
                "public.photo": {"name": listing.photo_thumb},
                "admin.export_download": {"kind": "jasa", "fmt": "csv"},
                "admin.import_template": {"fmt": "csv"}}


def arguments(rule) -> list[tuple[str, str]]:
    """Return (converter, name) for each argument of a rule, in order."""
    return [(m["converter"] or "default", m["name"]) for m in ARGUMENT.finditer(rule.rule)]


def rule_url(rule, objects: dict) -> tuple[str, bool]:
    """Fill a rule's arguments with real values where known; say whether all were real."""
    resolved = True
    known = {**objects, **objects.get(rule.endpoint, {})}

    def value(match):
        nonlocal resolved
        converter, name = match["converter"] or "default", match["name"]
        if name in known and not isinstance(known[name], dict):
            return quote(str(known[name]), safe="/")
        resolved = False
        return "1" if converter == "int" else "tidak-ada"
    return ARGUMENT.sub(value, rule.rule), resolved


def rules(app, prefix: str = ""):
    """Yield the app's rules whose endpoint starts with `prefix`, sorted by URL."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint.startswith(prefix):
            yield rule


def methods(rule) -> list[str]:
    return sorted(m for m in rule.methods if m in ("GET", "POST"))


def location_path(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def server_error(response) -> bool:
    """Tell whether a response is a 500 or shows a server error's signs."""
    if response.status_code >= 500:
        return True
    if response.mimetype not in ("text/html", "application/json", "text/plain"):
        return False
    text = response.get_data(as_text=True)
    return any(sign in text for sign in SERVER_ERROR_SIGNS)


def inline_code(html: str) -> list[str]:
    """List what a strict CSP would block in a page: inline scripts, styles, handlers."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        if tag.name == "script" and not tag.get("src") and tag.get("type") != "application/ld+json":
            found.append(f"inline <script>: {str(tag)[:80]}")
        if tag.name == "style":
            found.append(f"<style> element: {str(tag)[:80]}")
        for attr, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr == "style" or attr.startswith("on") or attr.startswith(("hx-on", "data-hx-on")):
                found.append(f"<{tag.name} {attr}=...>")
            elif attr in ("hx-vars", "data-hx-vars"):
                found.append(f"<{tag.name} {attr}> (always evaluated)")
            elif text.strip().lower().startswith(("javascript:", "js:")):
                found.append(f"<{tag.name} {attr}={text[:40]}>")
    return found


# --- Chromium ---------------------------------------------------------------------------

def chromium_or_skip():
    """Return (browser_support, playwright's sync_api), or skip the test with the reason."""
    import databases
    if databases.testing_postgres():
        pytest.skip("browser tests run on SQLite only")
    browser_support = pytest.importorskip("browser_support")
    if browser_support.chromium_path() is None:
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    return browser_support, pytest.importorskip("playwright.sync_api")


WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""


def watch_page(page) -> list[str]:
    """Record JS errors and CSP reports of `page` into the returned list."""
    problems = []
    page.add_init_script(WATCH_CSP)
    page.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None)
    return problems


def csp_violations(page) -> list[str]:
    return page.evaluate("() => window.__csp || []")
