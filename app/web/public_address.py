"""The site's public address: the one base of every absolute link (sitemap, canonical,
share cards, flyers and QR codes, the API), and the Host names the app answers to.

A link built from the request's Host header can be poisoned (`Host: evil.example`) and
then kept by a shared cache or printed on a flyer. So links use RAJA_KEMAS_PUBLIC_URL
when it is set, and Flask's TRUSTED_HOSTS answers any other Host with 400.
"""
import socket
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import SecurityError

from app.web.i18n import N_, translate

# A first run on the office PC just works: the browser on the same machine.
LOCAL_HOSTS = ("127.0.0.1", "localhost")
EVERY_INTERFACE = ("0.0.0.0", "::", "")
UNKNOWN_HOST = N_("Situs ini tidak melayani alamat yang dipakai untuk membukanya. Buka lewat "
                  "alamat resmi situs.")
PUBLIC_URL_PROBLEM = ("RAJA_KEMAS_PUBLIC_URL harus berupa alamat lengkap tanpa jalur, "
                      "mis. https://jasa.bapaspolewali.id atau http://192.168.1.10:8080 "
                      "(sekarang: {value!r}).")


def parse_public_url(raw: str) -> str:
    """Return the public address as `scheme://host[:port]` ('' if unset); raise ValueError
    with a message in Indonesian when it is not such an address."""
    text = (raw or "").strip().rstrip("/")
    if not text:
        return ""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(PUBLIC_URL_PROBLEM.format(value=raw)) from None
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path
            or parts.query or parts.fragment or "@" in parts.netloc):
        raise ValueError(PUBLIC_URL_PROBLEM.format(value=raw))
    return f"{parts.scheme}://{parts.netloc.lower()}"


def host_names(text: str) -> list[str]:
    """Split RAJA_KEMAS_TRUSTED_HOSTS (commas or spaces) into host names, ports dropped."""
    names = []
    for item in (text or "").replace(",", " ").split():
        host = urlsplit(item if "//" in item else "//" + item).hostname
        if host:
            names.append(host)
    return names


def trusted_hosts(public_url: str, extra: list[str]) -> list[str]:
    """The Host names to answer: the public address's, the extra ones, and this machine's."""
    names = [urlsplit(public_url).hostname] if public_url else []
    return list(dict.fromkeys([*names, *extra, *LOCAL_HOSTS]))


def machine_addresses() -> list[str]:
    """This machine's name and IPv4 addresses (best effort), for `serve --host 0.0.0.0`:
    the kiosk and phones on the office network reach it by one of them."""
    found = [socket.gethostname()]
    try:
        found += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                             socket.AF_INET)]
    except OSError:
        pass
    try:  # the address of the route out; a UDP connect sends nothing
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    return list(dict.fromkeys(name.lower() for name in found if name))


def trust_served_host(app, bind_host: str) -> list[str]:
    """Add the address `raja-kemas serve --host` listens on to the trusted hosts (every
    address of this machine for 0.0.0.0); return the list now trusted."""
    hosts = list(app.config.get("TRUSTED_HOSTS") or [])
    added = machine_addresses() if bind_host in EVERY_INTERFACE else host_names(bind_host)
    app.config["TRUSTED_HOSTS"] = list(dict.fromkeys([*hosts, *added]))
    return app.config["TRUSTED_HOSTS"]


def base_url() -> str:
    """The site's address without a trailing slash: the setting, else this request's."""
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


def absolute_url(path: str) -> str:
    """Turn a site path (as url_for gives it) into an absolute URL on the public address."""
    return base_url() + path


def init_app(app, explicit: dict) -> None:
    """Settle PUBLIC_URL and, unless given outright, Flask's TRUSTED_HOSTS; answer an
    unknown Host with a 400 that no cache keeps."""
    app.config["PUBLIC_URL"] = parse_public_url(app.config.get("PUBLIC_URL", ""))
    if "TRUSTED_HOSTS" not in explicit:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(
            app.config["PUBLIC_URL"], host_names(app.config.get("EXTRA_TRUSTED_HOSTS", "")))

    @app.errorhandler(SecurityError)
    def _unknown_host(exc):
        from app.web.errors import error_page
        headers = {"Cache-Control": "no-store"}
        if request.path.startswith("/api/"):  # the API answers errors in JSON too
            return {"error": translate(UNKNOWN_HOST)}, 400, headers
        return error_page(400, UNKNOWN_HOST, headers)
