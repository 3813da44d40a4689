"""Friendly error pages in Indonesian; never a stack trace or an internal detail.

A normal request gets a whole page. An htmx request that wanted a fragment gets a short
message with the real status and `HX-Reswap: none`: the element it targeted stays as it
was, and the message goes out of band into the page's `#flash` region (base.html), as
the page's htmx-config swaps 4xx/5xx answers. Out of band rather than `HX-Retarget`,
because htmx throws on a retarget to a missing element, and a missing out-of-band target
is only logged; the kiosk, which has no #flash, swaps no errors at all.
"""
from flask import render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from peewee import DataError
from werkzeug.exceptions import HTTPException, TooManyRequests

from app.db import DatabaseBusy, is_busy_error
from app.security.sessions import LOGIN_MESSAGE
from app.web.i18n import N_, translate
from app.web.rendering import is_fragment_request

MESSAGES = {
    400: (N_("Permintaan tidak dapat diproses"), N_("Ada yang tidak beres dengan isian atau tautan ini.")),
    401: (N_("Perlu masuk"), LOGIN_MESSAGE),
    403: (N_("Akses ditolak"), N_("Akun Anda tidak memiliki izin untuk halaman atau tindakan ini.")),
    404: (N_("Halaman tidak ditemukan"), N_("Halaman yang Anda cari tidak ada atau sudah tidak tayang.")),
    405: (N_("Tindakan tidak diizinkan"), N_("Cara membuka halaman ini tidak didukung.")),
    409: (N_("Data sudah berubah"), N_("Data ini baru saja diubah orang lain. Muat ulang halaman, "
                                "lalu coba lagi.")),
    413: (N_("Berkas terlalu besar"), N_("Berkas yang dikirim melebihi batas ukuran. Perkecil lalu coba lagi.")),
    429: (N_("Terlalu banyak permintaan"), N_("Tunggu sebentar, lalu coba lagi.")),
    500: (N_("Terjadi kesalahan"), N_("Maaf, terjadi kesalahan di server. Data Anda tidak berubah. Coba lagi.")),
    503: (N_("Layanan sedang sibuk"), N_("Server sedang sibuk atau dalam pemeliharaan. Coba lagi "
                                  "beberapa saat lagi.")),
}
CSRF_MESSAGE = N_("Formulir kedaluwarsa atau tidak sah. Muat ulang halaman, lalu kirim lagi.")
TOO_BIG_NUMBER = N_("Angka dalam isian atau alamat ini terlalu besar. Periksa lalu coba lagi.")
# The target keeps its content; the message scrolls into view in #flash (base.html).
HTMX_TARGET = {"HX-Reswap": "none show:#flash:top"}
# Headers of an HTTP error worth keeping (the methods a 405 allows, when to retry a 429).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def texts(code: int) -> tuple[str, str]:
    """Return the Indonesian title and message for a status (a 4xx falls back to 400's)."""
    if code in MESSAGES:
        return MESSAGES[code]
    return MESSAGES[400] if 400 <= code < 500 else MESSAGES[500]


def error_page(code: int, detail: str = "", headers=None):
    """Answer with the friendly page, or a fragment for #flash to an htmx request."""
    title, message = (translate(text) for text in texts(code))
    message = translate(detail) if detail else message
    headers = dict(headers or {})
    try:
        if is_fragment_request():
            headers.update(HTMX_TARGET)
            body = render_template("_error_fragment.html", code=code, title=title,
                                   message=message)
        else:
            body = render_template("error.html", code=code, title=title, message=message)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = _bare_page(title, message)
    return body, code, headers


def _bare_page(title: str, message: str) -> str:
    """Return a minimal page for when the templates cannot be rendered."""
    return (f'<!doctype html><html lang="id"><meta charset="utf-8"><title>{escape(title)}'
            f'</title><h1>{escape(title)}</h1><p>{escape(message)}</p><p><a href="/">'
            f"{escape(translate('Kembali ke halaman utama'))}</a></p></html>")


def _kept_headers(exc: HTTPException) -> dict:
    return {name: value for name, value in exc.get_headers() if name in KEPT_HEADERS}


def _wait_message(exc: TooManyRequests) -> str:
    """Say how long to wait, from the 429's Retry-After when it has one."""
    seconds = exc.retry_after
    if isinstance(seconds, int | float) and seconds > 0:
        amount = (translate("%(n)s detik", n=int(seconds)) if seconds < 120
                  else translate("%(n)s menit", n=round(seconds / 60)))
        return translate("Terlalu banyak percobaan. Tunggu %(amount)s, lalu coba lagi.",
                         amount=amount)
    return ""


def init_app(app):
    """Register the handlers: CSRF, 429, other HTTP errors, huge numbers, anything else."""
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return error_page(400, CSRF_MESSAGE)

    @app.errorhandler(TooManyRequests)
    def _too_many(exc):
        return error_page(429, _wait_message(exc), _kept_headers(exc))

    @app.errorhandler(HTTPException)
    def _http(exc):
        if exc.response is not None:  # abort(response): the view built its own answer
            return exc.response
        return error_page(exc.code or 500, headers=_kept_headers(exc))

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _out_of_range(exc):
        # A number too big for the database (e.g. ?hal=999…9): bad input, not a crash.
        # SQLite raises OverflowError, PostgreSQL a DataError; the transaction is rolled back.
        app.logger.warning("Value out of range in %s: %s", request.path, exc)
        return error_page(400, TOO_BIG_NUMBER)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, DatabaseBusy) or is_busy_error(exc):
            # The write lock stayed taken (e.g. a big import): nothing was written.
            app.logger.warning("Database busy in %s: %s", request.path, exc)
            return error_page(503, headers={"Retry-After": "10"})
        app.logger.exception("Unhandled error")
        return error_page(500)
