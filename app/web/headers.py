"""Security headers on every response: a strict Content-Security-Policy and friends.

The policy allows no inline script or style and no eval, so an injected `<script>`,
`onerror=` or `style=` does nothing even if escaping ever failed. htmx 2 works under it
once it neither injects its indicator `<style>` nor evaluates code: `htmx_config()`
gives the pages the settings for that (templates/base.html; the kiosk has its own).
"""
import json
import re

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",  # wa.me and tel: are links, not form targets
    "frame-ancestors 'none'",
    "manifest-src 'self'",
    "worker-src 'self'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"

# htmx under the CSP: no <style> injected, no eval (hx-on, js: values), no <script> run
# out of swapped HTML, and no `style` attribute copied while settling a swap (htmx would
# set one with setAttribute, which the CSP blocks and reports).
HTMX_SAFE = {"includeIndicatorStyles": False, "allowEval": False, "allowScriptTags": False,
             "attributesToSettle": ["class", "width", "height"]}
# Swap 4xx/5xx answers too: errors.py sends htmx a message for #flash (out of band).
ERROR_SWAP = [{"code": "204", "swap": False}, {"code": "[23]..", "swap": True},
              {"code": "[45]..", "swap": True, "error": True}]
PRIVATE_BLUEPRINTS = ("admin", "auth")


def htmx_config() -> str:
    """Return the htmx-config meta content for the page being rendered."""
    config = dict(HTMX_SAFE, responseHandling=ERROR_SWAP)
    if request.blueprint in PRIVATE_BLUEPRINTS:
        # No snapshot of client data in sessionStorage; Back reloads from the server,
        # which checks the login again.
        config.update(historyCacheSize=0, refreshOnHistoryMiss=True)
    return json.dumps(config, separators=(",", ":"))


NUL_MESSAGE = ("Isian atau alamat berisi karakter yang tidak sah (karakter nol). "
               "Hapus karakter itu, lalu kirim lagi.")


def refuse_nul_characters():
    """Refuse a query or form holding a NUL character, which PostgreSQL cannot store."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                from app.web.errors import error_page
                return error_page(400, NUL_MESSAGE)
    return None


ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")


def embed_origins(setting: str) -> list[str]:
    """The well-formed origins of the EMBED_ORIGINS setting (anything else is left out)."""
    words = (w.strip().rstrip("/").lower() for w in re.split(r"[\s,]+", setting or ""))
    return [w for w in words if ORIGIN.match(w)]


def allow_framing(response, origins: list[str]):
    """Let this site and `origins` show the response in a frame: CSP frame-ancestors
    instead of 'none', and no X-Frame-Options (it cannot name other sites)."""
    ancestors = " ".join(["'self'", *origins])
    response.headers["Content-Security-Policy"] = CSP.replace(
        "frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    return response


def set_headers(response):
    """Add the security headers a route has not set itself; HSTS only over HTTPS."""
    framable = "frame-ancestors 'none'" not in response.headers.get("Content-Security-Policy", CSP)
    for name, value in HEADERS.items():
        if not (name == "X-Frame-Options" and framable):
            response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app):
    """Trust a reverse proxy if configured; refuse NUL input; send the headers everywhere."""
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        # X-Forwarded-For/-Proto/-Host/-Prefix from that many proxies: request.is_secure,
        # url_for(_external) and remote_addr then describe the visitor, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_prefix=proxies)
    app.jinja_env.globals["htmx_config"] = htmx_config
    app.before_request(refuse_nul_characters)
    app.after_request(set_headers)
