"""Settings from environment variables (RAJA_KEMAS_*) and the instance folder."""
import os
import secrets
import time
from pathlib import Path

from app.web.i18n import N_

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# A checkout (or editable install) has templates/, static/ and migrations/ beside app/;
# a wheel carries copies of them inside the package (setup.py).
BUNDLE = PACKAGE_DIR / "_bundle"
ASSET_ROOT = BUNDLE if (BUNDLE / "templates").is_dir() else PROJECT_ROOT
TEMPLATE_DIR = ASSET_ROOT / "templates"
STATIC_DIR = ASSET_ROOT / "static"
MIGRATIONS_DIR = ASSET_ROOT / "migrations"
DATA_DIR = PACKAGE_DIR / "data"

PREFIX = "RAJA_KEMAS_"

# name -> (default, type); every one can be overridden by RAJA_KEMAS_<NAME>
DEFAULTS = {
    "OFFICE_NAME": ("Bapas Kelas II Polewali", str),
    "OFFICE_ADDRESS": ("Jl. Jenderal Sudirman, Polewali, Polewali Mandar, Sulawesi Barat", str),
    "OFFICE_PHONE": ("", str),
    "OFFICE_EMAIL": ("", str),
    # The defaults are in the catalogue (English pages translate them); an office that
    # writes its own gives the English in the _EN setting (app/i18n.py setting_text).
    "PARENT_ORGANISATION": (N_("Kementerian Imigrasi dan Pemasyarakatan Republik Indonesia"), str),
    "PARENT_ORGANISATION_EN": ("", str),
    "APP_NAME": ("Raja Kemas", str),
    "APP_TAGLINE": (N_("Jasa dan karya klien pemasyarakatan Bapas Polewali"), str),
    "APP_TAGLINE_EN": ("", str),
    "KIOSK_INTERVAL": (12, int),
    "MAX_UPLOAD_MB": (8, int),
    "MAX_IMAGE_PIXELS": (40_000_000, int),
    "PAGE_SIZE": (20, int),
    # Rendered public pages kept in memory per process (app/page_cache.py); 0 = off.
    "PUBLIC_PAGE_CACHE_BYTES": (8 * 1024 * 1024, int),
    "CONFIRM_DAYS": (90, int),  # a contact older than this needs confirming; 2x: not public
    "LOGIN_FAILURES_BEFORE_DELAY": (5, int),
    # Privacy (UU 27/2022): the consent text clients sign, and the data-protection officer
    # named on /kebijakan-privasi (empty: the office itself is named).
    "CONSENT_TEXT_VERSION": ("v1-2026", str),
    "DPO_NAME": ("", str),
    "DPO_EMAIL": ("", str),
    "DPO_PHONE": ("", str),
    # How many reverse proxies in front set X-Forwarded-* (0 = none; "ya"/"true" = 1).
    "PROXY_FIX": (0, lambda raw: int(raw) if raw.strip().isdigit()
                  else int(raw.strip().lower() in ("true", "yes", "ya", "on"))),
    "SESSION_IDLE_MINUTES": (30, int),  # signed out after this long without a request
    "SESSION_MAX_HOURS": (12, int),  # signed out this long after login, however active
    # Sites allowed to show /sematkan in an <iframe>, e.g. "https://bapaspolewali.id";
    # several separated by spaces or commas (web/headers.py embed_origins).
    "EMBED_ORIGINS": ("", str),
    # The address the public uses, e.g. https://jasa.bapaspolewali.id: the base of every
    # absolute link, and a Host the app answers to (app/web/public_address.py).
    "PUBLIC_URL": ("", str),
    # Served over HTTPS (directly or behind a proxy): Secure, __Host- session cookie.
    "HTTPS": (False, lambda raw: raw.strip().lower() in ("1", "true", "yes", "ya", "on")),
}


def instance_path() -> Path:
    """Return the instance folder: RAJA_KEMAS_INSTANCE or ./instance."""
    return Path(os.environ.get(PREFIX + "INSTANCE", Path.cwd() / "instance")).resolve()


def _secret_key(folder: Path) -> str:
    """Read SECRET_KEY from the environment, else from a file made on first use."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = folder / "secret_key"
    try:  # "x": of several processes starting at once, only the first writes the key
        with open(key_file, "x", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    for _ in range(100):  # the first process may still be writing it
        key = key_file.read_text(encoding="utf-8").strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{key_file} kosong: hapus berkas itu lalu jalankan lagi.")


def load_settings(folder: Path) -> dict:
    """Build the Flask config mapping for an instance folder from the environment."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = {}
    for name, (default, kind) in DEFAULTS.items():
        raw = os.environ.get(PREFIX + name)
        settings[name] = kind(raw) if raw not in (None, "") else default
    settings["SECRET_KEY"] = _secret_key(folder)
    # More Host names to answer besides PUBLIC_URL's and localhost (Flask's TRUSTED_HOSTS).
    settings["EXTRA_TRUSTED_HOSTS"] = os.environ.get(PREFIX + "TRUSTED_HOSTS", "")
    settings["DATABASE_URL"] = os.environ.get(
        "DATABASE_URL", "sqlite:///" + (folder / "raja_kemas.db").as_posix())
    settings["UPLOAD_DIR"] = str(folder / "uploads")
    settings["MAX_CONTENT_LENGTH"] = settings["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024
    settings["SESSION_COOKIE_HTTPONLY"] = True
    settings["SESSION_COOKIE_SAMESITE"] = "Lax"
    settings["WTF_CSRF_TIME_LIMIT"] = None
    if settings["HTTPS"]:
        settings["PREFERRED_URL_SCHEME"] = "https"
    return settings
