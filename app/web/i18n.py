"""Languages and formats: Flask-Babel, Bahasa Indonesia by default, English second.

Every text a person reads goes through `gettext` (templates: `_()`); the source strings
are the Indonesian texts, and `app/translations/en` holds their English. The language is
the visitor's explicit choice (the `lang` cookie, set by `/bahasa/<code>` from the switch
in the page header — a cookie, not the session, so public pages set no session), else
the browser's `Accept-Language`, else Indonesian. Times are shown in WITA.

Dates, times and money are formatted by Babel in the current locale: `28 Februari 2024`
or `28 February 2024`, `Rp50.000`.
"""
from pathlib import Path
from urllib.parse import urlsplit

from babel import dates
from babel.numbers import format_currency
from flask import Blueprint, has_request_context, redirect, request, url_for
from flask_babel import get_locale, gettext

from app.extensions import babel

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
TIMEZONE = "Asia/Makassar"  # WITA
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def N_(text: str) -> str:
    """Mark a text for the catalogue without translating it here (module-level tables);
    it is translated where it is shown (`_(label)` in a template, `gettext(label)`)."""
    return text

bp = Blueprint("i18n", __name__)


def translate(text: str, **variables) -> str:
    """gettext inside a request, the Indonesian text (formatted) outside one (CLI, tests)."""
    if has_request_context():
        return gettext(text, **variables)
    return text % variables if variables else text


def setting_text(config, name: str) -> str:
    """A text setting (APP_TAGLINE, PARENT_ORGANISATION) in the current language: in
    English its `<name>_EN` setting when the office wrote one, else the catalogue's
    English (the defaults are in it), else the text as set."""
    value = config[name]
    if current_language() == "en":
        return config.get(name + "_EN") or translate(value)
    return value


def select_locale() -> str:
    """The cookie's explicit choice, else the browser's best match, else Indonesian."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def select_timezone() -> str:
    return TIMEZONE


def current_language() -> str:
    """'id' or 'en' for the current request ('id' outside one)."""
    try:
        locale = get_locale()
    except Exception:  # noqa: BLE001 - outside an app context
        return DEFAULT_LANGUAGE
    return locale.language if locale is not None and locale.language in LANGUAGES \
        else DEFAULT_LANGUAGE


def _safe_next(target: str | None) -> str:
    """A same-site path to go back to; anything else goes to the home page."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


@bp.route("/bahasa/<code>")
def choose(code):
    """Remember the visitor's language in a long-lived cookie and go back."""
    response = redirect(_safe_next(request.args.get("next")), 303)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def tanggal(value, pattern: str = "d MMMM y") -> str:
    """A date the Indonesian way in the current language: 28 Februari 2024 / 28 February 2024."""
    if not value:
        return ""
    # Babel with the request's locale (flask_babel's format_date would shift a naive
    # datetime from UTC; a stored time is the server's local time).
    return dates.format_date(value, pattern, locale=current_language())


def waktu(value, pattern: str = "d MMMM y, HH.mm") -> str:
    """A date and time in WITA; a naive value is the server's local time, as stored."""
    if not value:
        return ""
    if getattr(value, "tzinfo", None) is None and hasattr(value, "hour"):
        value = value.astimezone()
    return dates.format_datetime(value, pattern, tzinfo=dates.get_timezone(TIMEZONE),
                                 locale=current_language())


def rupiah(value) -> str:
    """Money as 'Rp50.000' (no decimals, no space) in the current language's grouping."""
    if value is None or value == "":
        return ""
    text = format_currency(value, "IDR", "¤#,##0", locale=current_language(),
                           currency_digits=False)
    return text.replace("\xa0", "").replace("IDR", "Rp")


def switch_links() -> list[dict]:
    """The language switch: one link per language, the current one marked."""
    current = current_language()
    here = request.full_path.rstrip("?") if has_request_context() else "/"
    return [{"code": code, "label": label, "current": code == current,
             "url": url_for("i18n.choose", code=code, next=here)}
            for code, label in LANGUAGES.items()]


def init_app(app):
    """Flask-Babel with our selectors, the filters, the switch route and `Vary`."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["tanggal"] = tanggal
    app.jinja_env.filters["waktu"] = waktu
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.globals["language_links"] = switch_links
    app.jinja_env.globals["current_language"] = current_language
    app.register_blueprint(bp)

    @app.after_request
    def _vary(response):
        # The same URL answers in either language: caches must keep them apart.
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
