"""Security headers on every response, a CSP without inline code, and pages that obey it."""
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, jpeg_bytes
from security_support import (
    chromium_or_skip,
    csp_violations,
    inline_code,
    methods,
    real_objects,
    rule_url,
    rules,
    server_error,
    sign_in,
    watch_page,
)

from app import create_app
from app.db import database
from app.models import Unit
from app.web.headers import CSP, HSTS

REPO = Path(__file__).resolve().parent.parent
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(policy: str) -> dict:
    parts = (p.strip().split() for p in policy.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


FRAMABLE = ("/sematkan",)  # for other sites' iframes: tests/test_embed.py


def assert_secure_headers(response, url):
    if url.split("?")[0] in FRAMABLE:  # the same policy but its frame-ancestors
        assert response.headers.get("Content-Security-Policy") == CSP.replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'"), url
        assert "X-Frame-Options" not in response.headers, url
        expected = {k: v for k, v in EXPECTED.items() if k != "X-Frame-Options"}
    else:
        assert response.headers.get("Content-Security-Policy") == CSP, url
        expected = EXPECTED
    for name, value in expected.items():
        assert response.headers.get(name) == value, f"{url}: {name}"


def test_policy_forbids_inline_code_and_framing():
    policy = directives(CSP)
    for values in policy.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"} & set(values)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    for name in ("connect-src", "font-src", "manifest-src", "worker-src"):
        assert policy[name] == ["'self'"]


def _walk_gets(app, client, objects, headers=None):
    """GET every GET rule; yield (url, response)."""
    for rule in rules(app):
        if "GET" in methods(rule):
            url, _ = rule_url(rule, objects)
            yield url, client.get(url, headers=headers or {})


def test_every_route_sends_the_headers(app, client, make_listing):
    objects = real_objects(app, make_listing)
    seen = 0
    for url, response in _walk_gets(app, client, objects):
        assert_secure_headers(response, url)
        seen += 1
    sign_in(client, "superadmin")
    for url, response in _walk_gets(app, client, objects):
        assert_secure_headers(response, url)
        assert not server_error(response), url
    for url in ("/tidak-ada", "/admin/tidak-ada"):
        assert_secure_headers(client.get(url), url)
    assert_secure_headers(client.post("/"), "POST /")  # 405
    assert seen > 15
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain http


def test_hsts_only_over_https(client):
    assert client.get("/", base_url="https://localhost").headers[
        "Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get("/").headers
    # Without RAJA_KEMAS_PROXY_FIX a forwarded header is not trusted.
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_proxy_fix_trusts_one_proxy(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "p.db").as_posix(),
                      "SECRET_KEY": "test", "PROXY_FIX": 1})
    client = app.test_client()
    response = client.get("/", headers={"X-Forwarded-Proto": "https",
                                        "X-Forwarded-For": "203.0.113.7"})
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_proxy_fix_setting_from_environment(monkeypatch, tmp_path):
    from app.config import load_settings
    for raw, wanted in (("1", 1), ("2", 2), ("ya", 1), ("true", 1), ("0", 0), ("", 0)):
        monkeypatch.setenv("RAJA_KEMAS_PROXY_FIX", raw)
        assert load_settings(tmp_path)["PROXY_FIX"] == wanted


def test_static_files_and_photos_are_not_sniffed(app, client, make_listing):
    listing = make_listing(photo=jpeg_bytes())
    for url in ("/static/css/app.css", "/static/vendor/htmx-2.0.11.min.js",
                "/foto/" + listing.photo_thumb):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/foto/" + listing.photo_thumb).mimetype == "image/jpeg"


# --- no inline code anywhere ------------------------------------------------------------

def test_rendered_pages_have_no_inline_code(app, client, make_listing):
    """Every HTML page and htmx fragment, anonymous and signed in, obeys the CSP."""
    objects = real_objects(app, make_listing)
    make_listing(title="Las Pagar", featured=True)
    problems = {}
    for signed_in in (False, True):
        if signed_in:
            sign_in(client, "superadmin")
        for htmx in (None, {"HX-Request": "true"}):
            for url, response in _walk_gets(app, client, objects, htmx):
                if response.mimetype == "text/html":
                    found = inline_code(response.get_data(as_text=True))
                    if found:
                        problems[url + (" (htmx)" if htmx else "")] = found
    for url in ("/?q=jahit", "/kiosk/panel", "/admin/jasa?q=jahit"):
        found = inline_code(client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True))
        if found:
            problems[url] = found
    assert not problems, problems


TEMPLATE_PATTERNS = {
    # (a JSON-LD data block is never run: not code)
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>",
                                  re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "on* handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on": re.compile(r"hx-on", re.I),
    "hx-vars (eval)": re.compile(r"hx-vars", re.I),
    "js:/javascript: value": re.compile(r"""=\s*['"]\s*(js|javascript):""", re.I),
}


def test_templates_have_no_inline_code():
    problems = []
    for path in sorted((REPO / "templates").rglob("*.html")):
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for label, pattern in TEMPLATE_PATTERNS.items():
            for match in pattern.finditer(text):
                problems.append(f"{path.relative_to(REPO)}: {label}: {match.group(0)!r}")
    assert not problems, "\n".join(problems)


def test_own_scripts_use_no_eval_or_html_strings():
    pattern = re.compile(r"\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*['\"]"
                         r"|\.innerHTML\s*=|insertAdjacentHTML|document\.write")
    files = list((REPO / "static" / "js").glob("*.js")) + [REPO / "static" / "sw.js"]
    problems = [f"{p.name}: {m.group(0)}" for p in files
                for m in pattern.finditer(p.read_text(encoding="utf-8"))]
    assert not problems, problems


# --- htmx settings for the CSP ------------------------------------------------------------

def _htmx_config(html: str) -> dict:
    meta = BeautifulSoup(html, "html.parser").find("meta", attrs={"name": "htmx-config"})
    assert meta is not None, "no htmx-config meta"
    return json.loads(meta["content"])


def test_htmx_config_on_public_and_admin_pages(client, auth):
    public = _htmx_config(client.get("/").get_data(as_text=True))
    assert public["includeIndicatorStyles"] is False
    assert public["allowEval"] is False and public["allowScriptTags"] is False
    assert "style" not in public["attributesToSettle"]  # settling would set style="..."
    swapped = {r["code"]: r for r in public["responseHandling"]}
    assert swapped["[45].."]["swap"] is True and swapped["[45].."]["error"] is True
    assert swapped["204"]["swap"] is False
    assert public.get("historyCacheSize", 10) > 0
    auth.login()
    admin = _htmx_config(client.get("/admin/jasa").get_data(as_text=True))
    assert admin["allowEval"] is False and admin["includeIndicatorStyles"] is False
    # No snapshot of client data stays in the browser's storage.
    assert admin["historyCacheSize"] == 0 and admin["refreshOnHistoryMiss"] is True


def test_kiosk_keeps_errors_unswapped(client):
    config = _htmx_config(client.get("/kiosk").get_data(as_text=True))
    assert config["includeIndicatorStyles"] is False and config["allowEval"] is False
    assert config["allowScriptTags"] is False and "style" not in config["attributesToSettle"]
    assert config["timeout"] == 10000
    # htmx's default: a 4xx/5xx is not swapped, so the last slide stays on screen.
    assert "responseHandling" not in config


def test_flash_region_on_every_layout(client, auth):
    for url in ("/", "/masuk"):
        assert BeautifulSoup(client.get(url).data, "html.parser").find(id="flash")
    auth.login()
    assert BeautifulSoup(client.get("/admin/").data, "html.parser").find(id="flash")


def test_qr_codes_have_no_style_attributes(app, client, make_listing):
    listing = make_listing()
    for url in ("/kiosk", f"/jasa/{listing.id}/selebaran"):
        html = client.get(url).get_data(as_text=True)
        assert "<svg" in html and not inline_code(html), url


# --- in Chromium: no CSP report while htmx works ------------------------------------------

@pytest.mark.browser
def test_no_csp_violation_in_chromium(app, make_listing, chromium):
    browser_support, _ = chromium_or_skip()
    listing = make_listing(featured=True)
    with app.app_context(), database.connection_context():
        Unit.update(kiosk_interval=5).execute()
    with browser_support.LiveServer(app) as site:
        page = chromium.new_page(locale="id-ID")  # the admin speaks Indonesian
        problems = watch_page(page)

        def visit(path):
            problems.extend(csp_violations(page) if page.url.startswith("http") else [])
            page.goto(site(path))
        visit("/")
        page.fill("#q", "jahit")  # live search: an htmx swap
        page.wait_for_selector("#results .card")
        visit(f"/jasa/{listing.id}")
        visit("/masuk")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        visit("/admin/jasa")
        with page.expect_response(lambda r: "/konfirmasi" in r.url):
            page.click(f"#listing-{listing.id} button:has-text('Konfirmasi')")
        visit(f"/admin/jasa/{listing.id}/ubah")
        with page.expect_response(lambda r: "/ubah" in r.url and r.request.method == "POST"):
            page.fill("#phone", "0812 1111 2222")
            page.locator("#phone").dispatch_event("change")  # inline validation
        visit("/kiosk")
        with page.expect_response(lambda r: "/kiosk/panel" in r.url, timeout=15000):
            pass
        page.wait_for_timeout(300)
        problems += csp_violations(page)
    assert not problems, problems
