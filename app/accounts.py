"""Admin accounts: passwords, login throttling, the one-time setup link."""
import datetime as dt
import hashlib
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .db import database
from .models import ROLES, LoginFailure, SetupToken, User, now

THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_DELAY_SECONDS = 300
MIN_PASSWORD = 8
MAX_PASSWORD = 128
# Hash checked against when the user name is unknown, so both cases take as long.
_DUMMY_HASH = generate_password_hash("raja-kemas-dummy", method="scrypt")


class AccountError(ValueError):
    pass


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_problem(password: str, username: str = "") -> str | None:
    """Return what is wrong with a new password, in Indonesian, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Kata sandi minimal {MIN_PASSWORD} karakter."
    if len(password) > MAX_PASSWORD:
        return f"Kata sandi maksimal {MAX_PASSWORD} karakter."
    if username and password.strip().lower() == username.strip().lower():
        return "Kata sandi tidak boleh sama dengan nama pengguna."
    return None


def create_user(unit, username: str, password: str, role: str = "admin",
                full_name: str = "") -> User:
    username = (username or "").strip().lower()
    if not username or len(username) > 60 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise AccountError("Nama pengguna hanya boleh huruf, angka, titik, garis bawah atau tanda hubung.")
    if role not in ROLES:
        raise AccountError("Peran tidak dikenal.")
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    with database.atomic():
        if User.select().where(User.username == username).exists():
            raise AccountError("Nama pengguna sudah dipakai.")
        user = User.create(unit=unit, username=username, full_name=full_name.strip(),
                           password_hash=hash_password(password), role=role)
        audit.record("user.create", "user", user.id, after={"username": username, "role": role})
    return user


# --- throttling -----------------------------------------------------------

def _keys(username: str, address: str) -> list[str]:
    return [f"user:{(username or '').strip().lower()}", f"ip:{address or ''}"]


def seconds_to_wait(username: str, address: str, free_failures: int) -> int:
    """How long this account or address must wait before trying again (0 = now)."""
    since = now() - THROTTLE_WINDOW
    worst = 0
    for key in _keys(username, address):
        recent = (LoginFailure.select().where(LoginFailure.key == key,
                                              LoginFailure.created_at >= since)
                  .order_by(LoginFailure.created_at.desc()))
        count = recent.count()
        if count >= free_failures:
            # Doubling delay, capped, counted from the latest failure: slows a guesser
            # without locking the real admin out for long.
            delay = min(2 ** (count - free_failures + 1), MAX_DELAY_SECONDS)
            waited = (now() - recent.first().created_at).total_seconds()
            worst = max(worst, int(delay - waited))
    return max(worst, 0)


def authenticate(username: str, password: str, address: str, free_failures: int = 5):
    """Return (user, None) on success or (None, message in Indonesian)."""
    wait = seconds_to_wait(username, address, free_failures)
    if wait:
        audit.record("login.throttled", "user", username=username[:60])
        return None, f"Terlalu banyak percobaan gagal. Coba lagi dalam {wait} detik."
    user = User.get_or_none(User.username == (username or "").strip().lower())
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if not (user and valid and user.is_enabled):
        with database.atomic():
            for key in _keys(username, address):
                LoginFailure.create(key=key)
            audit.record("login.failed", "user", user.id if user else None,
                         username=(username or "")[:60])
        return None, "Nama pengguna atau kata sandi salah."
    with database.atomic():
        LoginFailure.delete().where(LoginFailure.key == _keys(username, address)[0]).execute()
        user.last_login_at = now()
        user.save(only=[User.last_login_at])
        audit.record("login", "user", user.id, user=user)
    return user, None


# --- one-time setup link ------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def needs_setup() -> bool:
    return not User.select().exists()


def new_setup_token() -> str:
    """Make a fresh one-time token (older unused ones stop working)."""
    token = secrets.token_urlsafe(24)
    with database.atomic():
        SetupToken.delete().where(SetupToken.used_at.is_null()).execute()
        SetupToken.create(token_hash=_digest(token))
    return token


def setup_token_valid(token: str) -> bool:
    return needs_setup() and SetupToken.select().where(
        SetupToken.token_hash == _digest(token or ""), SetupToken.used_at.is_null()).exists()


def complete_setup(token: str, unit, username: str, password: str, full_name: str) -> User:
    """Create the first superadmin with a valid token and spend the token."""
    with database.atomic():
        if not setup_token_valid(token):
            raise AccountError("Tautan penyiapan ini tidak berlaku lagi.")
        user = create_user(unit, username, password, "superadmin", full_name)
        SetupToken.update(used_at=now()).where(SetupToken.token_hash == _digest(token)).execute()
    return user
