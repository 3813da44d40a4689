"""Admin accounts: password rules, users, password change and reset, login throttling,
the one-time setup link."""
import datetime as dt
import hashlib
import secrets
from functools import lru_cache

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

from app.config import DATA_DIR
from app.db import locked, write_transaction
from app.models import ROLES, LoginFailure, SetupToken, User, now
from app.records import access, audit
from app.security import sessions
from app.web.i18n import translate

THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_DELAY_SECONDS = 300
MIN_PASSWORD = 8
MAX_PASSWORD = 128
# Shorter user names would refuse too many good passwords ("ali" is in "kalimat").
MIN_NAME_IN_PASSWORD = 4
PASSWORD_HASH_METHOD = "scrypt"
# A test app (TESTING on) may name a cheap method here; any other app ignores it.
TEST_HASH_SETTING = "TEST_PASSWORD_HASH_METHOD"
# No 0/o/1/l/i: a temporary password is read aloud or copied by hand.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class AccountError(ValueError):
    pass


# --- passwords (OWASP ASVS L2: length and a breached list, no composition rules) -----

@lru_cache(maxsize=1)
def common_passwords() -> frozenset:
    """Return the bundled list of common and breached passwords, lowercase."""
    lines = (DATA_DIR / "common_passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def password_hash_method() -> str:
    """scrypt; only an app with TESTING on may swap in a cheap method (tests hash a lot)."""
    if has_app_context() and current_app.testing:
        return current_app.config.get(TEST_HASH_SETTING) or PASSWORD_HASH_METHOD
    return PASSWORD_HASH_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=password_hash_method())


@lru_cache(maxsize=None)
def _dummy_hash(method: str) -> str:
    """The hash checked when the user name is unknown, so both cases take as long.

    Made on first use, not at import: hashing costs ~0.3 s every command would pay."""
    return generate_password_hash("raja-kemas-dummy", method=method)


def password_problem(password: str, username: str = "") -> str | None:
    """Return what is wrong with a new password (in the requester's language), or None."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return translate("Kata sandi minimal %(count)s karakter.", count=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return translate("Kata sandi maksimal %(count)s karakter.", count=MAX_PASSWORD)
    lowered, name = password.strip().lower(), (username or "").strip().lower()
    if name and (lowered == name or (len(name) >= MIN_NAME_IN_PASSWORD and name in lowered)):
        return translate("Kata sandi tidak boleh sama dengan atau memuat nama pengguna.")
    if lowered in common_passwords():
        return translate("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain, "
                         "misalnya kalimat pendek yang mudah Anda ingat.")
    return None


def temporary_password() -> str:
    """Return a random password for a new account or a reset (about 75 bits)."""
    chars = "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(15))
    return "-".join(chars[i:i + 5] for i in range(0, 15, 5))


def _set_password(user: User, password_hash: str, must_change: bool):
    user.password_hash = password_hash
    user.must_change_password = must_change
    user.password_changed_at = now()
    user.save(only=[User.password_hash, User.must_change_password, User.password_changed_at])


# --- users ---------------------------------------------------------------------------

def create_user(unit, username: str, password: str, role: str = "admin",
                full_name: str = "", must_change: bool = False) -> User:
    username = (username or "").strip().lower()
    if not username or len(username) > 60 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise AccountError(translate("Nama pengguna hanya boleh huruf, angka, titik, garis bawah "
                                     "atau tanda hubung."))
    if role not in ROLES:
        raise AccountError(translate("Peran tidak dikenal."))
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    return _add_user(unit, username, hash_password(password), role, full_name, must_change)


@write_transaction
def _add_user(unit, username, password_hash, role, full_name, must_change) -> User:
    if User.select().where(User.username == username).exists():
        raise AccountError(translate("Nama pengguna sudah dipakai."))
    user = User.create(unit=unit, username=username, full_name=(full_name or "").strip(),
                       password_hash=password_hash, role=role,
                       must_change_password=must_change)
    audit.record("user.create", "user", user.id, after={
        "username": username, "role": role, "unit": user.unit_id,
        "full_name": user.full_name})
    return user


def _leaves_no_superadmin(user: User, role: str, enabled: bool) -> bool:
    """True if this change would leave no enabled superadmin to manage accounts."""
    if not access.is_superadmin(user) or not user.is_enabled or (role == "superadmin" and enabled):
        return False
    # Locked, so two superadmins demoting each other at once cannot both pass.
    others = locked(User.select(User.id).where(User.role == "superadmin",
                                               User.is_enabled == True,  # noqa: E712
                                               User.id != user.id))
    return not list(others.limit(1))


USER_FIELDS = ("full_name", "role", "unit_id")


def _current(user: User) -> User:
    """Read the account again inside the transaction, locked (a retry starts afresh)."""
    return locked(User.select().where(User.id == user.id)).get()


@write_transaction
def update_user(user: User, full_name: str, role: str, unit) -> User:
    """Change a user's name, role and unit; the last superadmin keeps the role."""
    if role not in ROLES:
        raise AccountError(translate("Peran tidak dikenal."))
    current = _current(user)
    if _leaves_no_superadmin(current, role, current.is_enabled):
        raise AccountError(translate("Ini superadmin aktif terakhir: perannya tidak bisa "
                                     "diturunkan."))
    before = audit.snapshot(current, USER_FIELDS)
    user.full_name, user.role, user.unit = (full_name or "").strip(), role, unit
    user.save(only=[User.full_name, User.role, User.unit])
    audit.record("user.update", "user", user.id, before=before,
                 after=audit.snapshot(user, USER_FIELDS))
    return user


@write_transaction
def set_enabled(user: User, enabled: bool) -> User:
    """Enable or disable an account; disabling signs it out everywhere at once."""
    current = _current(user)
    if not enabled and _leaves_no_superadmin(current, current.role, False):
        raise AccountError(translate("Ini superadmin aktif terakhir: akunnya tidak bisa "
                                     "dinonaktifkan."))
    user.is_enabled = enabled
    user.save(only=[User.is_enabled])
    if not enabled:
        sessions.end_all(user)
    audit.record("user.enable" if enabled else "user.disable", "user", user.id,
                 before={"is_enabled": not enabled}, after={"is_enabled": enabled})
    return user


def reset_password(user: User) -> str:
    """Give a user a temporary password to change at next login; return it (shown once)."""
    temporary = temporary_password()
    _write_password(user, hash_password(temporary), must_change=True, action="password.reset",
                    audited=lambda ended: {"must_change_password": True})
    return temporary


@write_transaction
def _write_password(user: User, password_hash: str, must_change: bool, action: str,
                    audited, keep_token: str | None = None) -> None:
    """Set the password (hashed before: scrypt is slow on purpose, the write lock waits for
    no one), end the user's sessions (but `keep_token`'s), audit `action` with what
    `audited(number of sessions ended)` returns."""
    _set_password(user, password_hash, must_change=must_change)
    ended = sessions.end_all(user, keep_token=keep_token)
    audit.record(action, "user", user.id, after=audited(ended))


def check_current_password(user: User, password: str, address: str,
                           free_failures: int = 5) -> str | None:
    """Re-authenticate a signed-in user; failures count towards the login throttle."""
    keys = throttle_keys("user", user.username, address)
    wait = seconds_to_wait(keys, free_failures)
    if wait:
        return translate("Terlalu banyak percobaan gagal. Coba lagi dalam %(seconds)s detik.",
                         seconds=wait)
    if not check_password_hash(user.password_hash, password or ""):
        _failed(keys, "password.check_failed", user.id)
        return translate("Kata sandi saat ini salah.")
    return None


def change_password(user: User, new: str, keep_token: str | None = None) -> None:
    """Set a new password chosen by the user; their other sessions end."""
    problem = password_problem(new, user.username)
    if not problem and check_password_hash(user.password_hash, new):
        problem = translate("Kata sandi baru harus berbeda dari kata sandi lama.")
    if problem:
        raise AccountError(problem)
    forced = user.must_change_password
    _write_password(user, hash_password(new), must_change=False, action="password.change",
                    audited=lambda ended: {"forced": forced, "other_sessions_ended": ended},
                    keep_token=keep_token)


# --- throttling ------------------------------------------------------------------------

def throttle_keys(kind: str, username: str, address: str) -> list[str]:
    """Keys of one account and one address; `kind` keeps password and code failures apart."""
    return [f"{kind}:{(username or '').strip().lower()}", f"ip:{address or ''}"]


def record_failure(keys: list[str]) -> None:
    for key in keys:
        LoginFailure.create(key=key)


@write_transaction
def _failed(keys: list[str], action: str, user_id, **details) -> None:
    """Count a failed attempt towards the throttle, and audit it."""
    record_failure(keys)
    audit.record(action, "user", user_id, **details)


def clear_failures(key: str) -> None:
    LoginFailure.delete().where(LoginFailure.key == key).execute()


def seconds_to_wait(keys: list[str], free_failures: int) -> int:
    """How long these keys must wait before trying again (0 = now)."""
    since = now() - THROTTLE_WINDOW
    worst = 0
    for key in keys:
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
    """Check a user name and password: (user, None) or (None, message, translated).

    The caller starts the session (or asks for the 2FA code), which records the login.
    """
    keys = throttle_keys("user", username, address)
    wait = seconds_to_wait(keys, free_failures)
    if wait:
        audit.record("login.throttled", "user", username=(username or "")[:60])
        return None, translate("Terlalu banyak percobaan gagal. Coba lagi dalam %(seconds)s "
                               "detik.", seconds=wait)
    user = User.get_or_none(User.username == (username or "").strip().lower())
    stored = user.password_hash if user else _dummy_hash(password_hash_method())
    valid = check_password_hash(stored, password or "")
    if not (user and valid and user.is_enabled):
        _failed(keys, "login.failed", user.id if user else None, username=(username or "")[:60])
        return None, translate("Nama pengguna atau kata sandi salah.")
    clear_failures(keys[0])
    return user, None


# --- one-time setup link ------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def needs_setup() -> bool:
    return not User.select().exists()


def new_setup_token() -> str:
    """Make a fresh one-time token (older unused ones stop working)."""
    token = secrets.token_urlsafe(24)
    write_transaction(_replace_setup_token)(token)
    return token


def _replace_setup_token(token: str) -> None:
    SetupToken.delete().where(SetupToken.used_at.is_null()).execute()
    SetupToken.create(token_hash=_digest(token))


def setup_token_valid(token: str) -> bool:
    return needs_setup() and SetupToken.select().where(
        SetupToken.token_hash == _digest(token or ""), SetupToken.used_at.is_null()).exists()


@write_transaction
def complete_setup(token: str, unit, username: str, password: str, full_name: str) -> User:
    """Create the first superadmin with a valid token and spend the token."""
    if not setup_token_valid(token):
        raise AccountError(translate("Tautan penyiapan ini tidak berlaku lagi."))
    user = create_user(unit, username, password, "superadmin", full_name)
    SetupToken.update(used_at=now()).where(SetupToken.token_hash == _digest(token)).execute()
    return user
