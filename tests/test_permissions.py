"""Who may open and post what: every admin and account route, for every role.

Routes are discovered from `app.url_map`; each one must fall under a line of the
expectation table below, so a new route without a declared expectation fails here
with a message saying where to declare it. Never a 500, for anyone.
"""
import pytest
from security_support import (
    LOGIN_PATH,
    location_path,
    methods,
    real_objects,
    rule_url,
    rules,
    server_error,
    sign_in,
)

# Who may use a route (GET and POST are judged separately):
READ = "read"      # every signed-in role may look (GET); a POST changes data: editors only
EDITOR = "editor"  # admin and superadmin; a viewer gets 403 for GET and POST
SUPER = "super"    # superadmin only: users, audit log, backups, units
SELF = "self"      # any signed-in user, on their own account (password, 2FA, sign out)
PUBLIC = "public"  # no sign-in needed (login, setup link, 2FA code step): never 403/500

# The table. A rule matches EXACT by its whole URL rule, else the longest PREFIXES entry
# equal to it or followed by "/". Declare new routes here.
EXACT = {
    "/admin/": READ,  # dashboard
    "/admin/jasa": READ,  # list of listings
    "/admin/klien": READ,  # list of clients (internal data, for staff of the unit)
    "/admin/klien/<int:client_id>": READ,  # one client
}
PREFIXES = {
    "/admin/jasa/baru": EDITOR,
    "/admin/jasa/<int:listing_id>": EDITOR,  # edit, publish, confirm, feature, delete...
    "/admin/jasa/<int:listing_id>/riwayat": READ,  # versions; restoring one is a POST
    "/admin/klien/<int:client_id>/": EDITOR,  # consent, withdrawal, erasure, data export
    "/admin/foto": READ,  # photos of the unit's listings, any publish state
    "/admin/foto-tertunda/<token>": EDITOR,  # a photo kept from a form with errors (its admin's)
    "/admin/kios": READ,  # kiosk settings: viewers see them, editors change them
    "/admin/perlu-konfirmasi": READ,  # listings whose contact needs confirming
    "/admin/laporan": READ,  # reports: what a viewer is for
    "/admin/laporan-masalah": READ,  # the public's problem reports; closing one is a POST
    "/admin/ekspor": READ,  # listing export (the client export: see CONCRETE)
    "/admin/impor": READ,  # the import page and its templates; uploading is a POST
    "/admin/impor/<token>": EDITOR,  # a pending import: preview and confirm
    "/admin/pengguna": SUPER,
    "/admin/audit": SUPER,
    "/admin/cadangan": SUPER,
    "/admin/unit": SUPER,
    "/akun": SELF,
    "/keluar": SELF,
    "/masuk": PUBLIC,
    "/siapkan": PUBLIC,
}
WALKED = ("admin.", "auth.")  # endpoints whose rules this test walks
# Concrete URLs whose access differs from their rule's, checked besides the rules.
CONCRETE = {
    ("GET", "/admin/ekspor/klien.csv"): EDITOR,  # a viewer sees no client column
    ("GET", "/admin/ekspor/jasa.xlsx"): READ,
}

ROLES = ("viewer", "admin", "superadmin")
EDITORS = ("admin", "superadmin")
ALLOWED = {
    (READ, "GET"): ROLES, (READ, "POST"): EDITORS,
    (EDITOR, "GET"): EDITORS, (EDITOR, "POST"): EDITORS,
    (SUPER, "GET"): ("superadmin",), (SUPER, "POST"): ("superadmin",),
    (SELF, "GET"): ROLES, (SELF, "POST"): ROLES,
}
OK = {200, 302, 303}
# An empty POST may be refused as bad input (400) by a route that is allowed; a URL
# argument with no real object behind it (a made-up backup name) may be 404.
OK_POST_EXTRA = {400}
NOT_FOUND_OK = {404}


def access_of(rule) -> str | None:
    """Return the declared access of a rule, or None when nothing declares it."""
    if rule.rule in EXACT:
        return EXACT[rule.rule]
    matches = [p for p in PREFIXES if rule.rule == p or rule.rule.startswith(p.rstrip("/") + "/")]
    return PREFIXES[max(matches, key=len)] if matches else None


def walked_rules(app):
    return [r for r in rules(app) if r.endpoint.startswith(WALKED)]


def test_every_walked_route_has_a_declared_expectation(app):
    missing = [f"{rule.rule} ({rule.endpoint})" for rule in walked_rules(app)
               if access_of(rule) is None]
    assert not missing, (
        "No permission expectation declared for: " + ", ".join(missing)
        + ". Add the URL (or its prefix) with READ, EDITOR, SUPER, SELF or PUBLIC to "
          "EXACT or PREFIXES in tests/test_permissions.py.")


def _expected(access, method, role, resolved) -> set[int] | str:
    """Return the allowed statuses, or "login" for a redirect to the login page."""
    if access == PUBLIC:
        return "public"
    if role == "anonymous":
        return "login"
    if role not in ALLOWED[(access, method)]:
        return {403}
    allowed = OK | (OK_POST_EXTRA if method == "POST" else set())
    return allowed | (set() if resolved else NOT_FOUND_OK)


def _check(client, method, url, expected, access) -> str | None:
    """Make one request; return a failure description or None."""
    response = client.open(url, method=method)
    status = response.status_code
    where = f"{method} {url}: {status} {response.headers.get('Location', '')}".strip()
    if server_error(response):
        return f"{where} — a server error"
    if expected == "public":
        return f"{where} — a public page refused" if status in (401, 403) else None
    if expected == "login":
        if status != 302 or location_path(response) != LOGIN_PATH:
            return f"{where} — expected 302 to {LOGIN_PATH}"
        return None
    if status not in expected:
        return f"{where} — expected {sorted(expected)}"
    if status in (302, 303) and location_path(response) == LOGIN_PATH and access != SELF:
        return f"{where} — signed the user out"
    return None


@pytest.mark.parametrize("role", ("anonymous",) + ROLES)
def test_role_table(app, client, make_listing, role):
    objects = real_objects(app, make_listing)
    if role != "anonymous":
        sign_in(client, role)
    failures, checked = [], 0
    todo = [(method, *rule_url(rule, objects), access_of(rule), rule.endpoint)
            for rule in walked_rules(app) for method in methods(rule)]
    todo += [(method, url, True, access, "") for (method, url), access in CONCRETE.items()]
    # GETs first; then POSTs, signing out last, so one POST cannot hide the others.
    todo.sort(key=lambda item: (item[0] == "POST", item[4] == "auth.logout"))
    for method, url, resolved, access, _ in todo:
        if access is None:
            continue  # reported by the test above
        failure = _check(client, method, url, _expected(access, method, role, resolved), access)
        if failure:
            failures.append(failure)
        checked += 1
        if role != "anonymous" and client.get("/admin/").status_code != 200:
            sign_in(client, role)  # a SELF route (sign out, new password) ended the session
    assert checked >= 10
    assert not failures, f"as {role}:\n" + "\n".join(failures)


def test_viewer_post_changes_nothing(app, client, make_listing):
    """A refused POST leaves the listing exactly as it was."""
    from app.db import database
    from app.models import Listing
    listing = make_listing()
    sign_in(client, "viewer")
    for action in ("hapus", "terbit", "konfirmasi", "kios"):
        assert client.post(f"/admin/jasa/{listing.id}/{action}",
                           data={"terbit": "0", "kios": "1"}).status_code == 403
    with app.app_context(), database.connection_context():
        fresh = Listing.get_by_id(listing.id)
        assert fresh.is_published and fresh.deleted_at is None and not fresh.featured
        assert fresh.version == listing.version
