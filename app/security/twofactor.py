"""Two-factor login with an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

The TOTP secret is stored encrypted (Fernet) with a key kept in the instance folder, so
a copy of the database alone does not give away the secrets. Back up `totp_key` with the
database: without it every enrolled user must be reset by a superadmin.
"""
import hashlib
import hmac
import os
import re
import secrets
import time

import pyotp
from flask import current_app

from app.db import write_transaction
from app.models import AppSetting, RecoveryCode, User, now
from app.records import audit
from app.security import accounts, sessions
from app.web.i18n import translate

RECOVERY_CODES = 10
KEY_FILE = "totp_key"
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o/1/l/i: codes are copied by hand
_SIX_DIGITS = re.compile(r"[0-9]{6}")


class TwoFactorError(ValueError):
    pass


# --- the secret, encrypted at rest --------------------------------------------------

def _fernet():
    """Return the cipher keyed by instance/totp_key, made on first use. (cryptography
    weighs 6 MB in memory: imported by the logins that need it, not by every process.)"""
    from cryptography.fernet import Fernet
    path = os.path.join(current_app.instance_path, KEY_FILE)
    if not os.path.exists(path):
        with open(path, "wb") as handle:
            handle.write(Fernet.generate_key())
        try:
            os.chmod(path, 0o600)
        except OSError:  # e.g. some Windows file systems: the folder's rights apply
            pass
    with open(path, "rb") as handle:
        return Fernet(handle.read().strip())


def _secret(user: User) -> str | None:
    if not user.totp_secret:
        return None
    from cryptography.fernet import InvalidToken
    try:
        return _fernet().decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:
        return None  # key file replaced: the user needs a reset, never a crash


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def pending_secret(user: User) -> str:
    """Return the secret to enrol with, creating one; a reload keeps the same secret."""
    if is_enabled(user):
        raise TwoFactorError(translate("Verifikasi dua langkah sudah aktif."))
    secret = _secret(user)
    if secret is None:
        secret = pyotp.random_base32()
        user.totp_secret = _fernet().encrypt(secret.encode()).decode()
        user.save(only=[User.totp_secret])
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username,
                                               issuer_name=current_app.config["APP_NAME"])


def _accepted_step(secret: str, code: str, last_step: int | None) -> int | None:
    """Return the time step the code belongs to (±1 step of clock drift), unless reused."""
    if not _SIX_DIGITS.fullmatch(code):  # also keeps non-ASCII out of compare_digest
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


# --- enrolment --------------------------------------------------------------------

def enable(user: User, code: str) -> list[str]:
    """Turn 2FA on once the app shows the right code; return new recovery codes."""
    secret = _secret(user)
    step = _accepted_step(secret, _clean(code), None) if secret else None
    if step is None:
        raise TwoFactorError(translate("Kode salah. Periksa jam di ponsel Anda, lalu masukkan "
                                       "kode yang sedang tampil di aplikasi."))
    return _turn_on(user, step)


@write_transaction
def _turn_on(user: User, step: int) -> list[str]:
    user.totp_enabled_at, user.totp_last_step = now(), step
    user.save(only=[User.totp_enabled_at, User.totp_last_step])
    codes = _new_recovery_codes(user)
    audit.record("2fa.enable", "user", user.id)
    return codes


def _remove(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.save(only=[User.totp_secret, User.totp_enabled_at, User.totp_last_step])
    RecoveryCode.delete().where(RecoveryCode.user == user).execute()


def disable(user: User) -> None:
    """Turn off the user's own 2FA (after re-authentication), unless it is required."""
    if required():
        raise TwoFactorError(translate("Verifikasi dua langkah diwajibkan untuk semua akun."))
    _turn_off(user, "2fa.disable")


def reset(user: User) -> None:
    """Remove a user's 2FA for a superadmin (lost phone); the user is signed out."""
    _turn_off(user, "2fa.reset", before={"enabled": is_enabled(user)}, after={"enabled": False},
              sign_out=True)


@write_transaction
def _turn_off(user: User, action: str, before=None, after=None, sign_out=False) -> None:
    _remove(user)
    if sign_out:
        sessions.end_all(user)
    audit.record(action, "user", user.id, before=before, after=after)


# --- recovery codes ---------------------------------------------------------------

def _hash_code(code: str, salt: str | None = None) -> str:
    # Codes carry ~79 random bits; a per-code 32-bit salt meets ASVS 2.6.2.
    salt = salt or secrets.token_hex(4)
    return salt + "$" + hashlib.sha256((salt + code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.delete().where(RecoveryCode.user == user).execute()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
        RecoveryCode.create(user=user, code_hash=_hash_code(raw))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    """Replace all recovery codes of an enrolled user; the old ones stop working."""
    if not is_enabled(user):
        raise TwoFactorError(translate("Verifikasi dua langkah belum aktif."))
    return _replace_codes(user)


@write_transaction
def _replace_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record("2fa.recovery_codes", "user", user.id)
    return codes


def unused_recovery_codes(user: User) -> int:
    return user.recovery_codes.where(RecoveryCode.used_at.is_null()).count()


def _spend_recovery_code(user: User, code: str) -> bool:
    for row in user.recovery_codes.where(RecoveryCode.used_at.is_null()):
        salt = row.code_hash.split("$", 1)[0]
        if hmac.compare_digest(_hash_code(code, salt), row.code_hash):
            # Only one request can flip used_at, so a code cannot be spent twice.
            return RecoveryCode.update(used_at=now()).where(
                RecoveryCode.id == row.id, RecoveryCode.used_at.is_null()).execute() == 1
    return False


# --- the login step ------------------------------------------------------------------

def verify_login(user: User, code: str, address: str, free_failures: int = 5):
    """Check the second step: ("totp" | "recovery", None) or (None, message)."""
    keys = accounts.throttle_keys("otp", user.username, address)
    wait = accounts.seconds_to_wait(keys, free_failures)
    if wait:
        return None, translate("Terlalu banyak percobaan gagal. Coba lagi dalam %(seconds)s "
                               "detik.", seconds=wait)
    method = _check_code(user, _clean(code), keys)
    return (method, None) if method else (None, translate("Kode salah atau sudah dipakai."))


@write_transaction
def _check_code(user: User, cleaned: str, keys: list[str]) -> str | None:
    """Spend a TOTP step or a recovery code, or count a failure: "totp", "recovery", None."""
    method = None
    if _SIX_DIGITS.fullmatch(cleaned):
        last_step = User.get_by_id(user.id).totp_last_step  # read again: a retry starts afresh
        step = _accepted_step(_secret(user) or "", cleaned, last_step)
        if step is not None:
            user.totp_last_step = step
            User.update(totp_last_step=step).where(User.id == user.id).execute()
            method = "totp"
    elif len(cleaned) == 16 and _spend_recovery_code(user, cleaned):
        method = "recovery"
        audit.record("2fa.recovery_used", "user", user.id, user=user,
                     after={"left": unused_recovery_codes(user)})
    if method is None:
        accounts.record_failure(keys)
        audit.record("login.2fa_failed", "user", user.id, user=user)
    else:
        accounts.clear_failures(keys[0])
    return method


# --- the "require 2FA for everyone" setting ----------------------------------------------

REQUIRE_KEY = "require_2fa"


def required() -> bool:
    row = AppSetting.get_or_none(AppSetting.key == REQUIRE_KEY)
    return bool(row and row.value == "1")


@write_transaction
def set_required(flag: bool) -> None:
    before = required()
    row, _ = AppSetting.get_or_create(key=REQUIRE_KEY, defaults={"value": "0"})
    row.value = "1" if flag else "0"
    row.save()
    audit.record("setting.update", "setting", row.id, before={REQUIRE_KEY: before},
                 after={REQUIRE_KEY: flag})


def needs_enrolment(user: User) -> bool:
    return required() and not is_enabled(user)
