"""Server-side login sessions on top of Flask's signed cookie.

The cookie holds a random session token; its hash is a UserSession row. Every request
checks the row (idle timeout, absolute lifetime, account enabled), so logging out,
disabling a user, a password change or reset end a session at once, and a copied
cookie stops working when its row is gone.
"""
import datetime as dt
import hashlib
import secrets

from flask import current_app, flash, g, redirect, request, session
from flask_login import login_url, login_user, logout_user

from app.db import is_busy_error, write_transaction
from app.models import User, UserSession, now
from app.records import audit
from app.web.i18n import N_, translate

TOKEN_KEY = "sid"
PENDING_KEY = "pending_2fa"  # {"user": id, "at": epoch seconds, "next": path}
PENDING_SECONDS = 300  # the code must follow the password within 5 minutes
TOUCH_EVERY = dt.timedelta(seconds=60)  # write last_seen at most once a minute
HTTPS_COOKIE_NAME = "__Host-raja_kemas"
# Flask-Login's login_message, translated when flashed; also the 401 page's text.
LOGIN_MESSAGE = N_("Silakan masuk terlebih dahulu.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_token() -> str | None:
    return session.get(TOKEN_KEY)


# --- start and end ---------------------------------------------------------------

def log_in(user: User, method: str = "password") -> None:
    """Start a fresh session for `user`: the old cookie's contents are dropped (rotation)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    _start(user, token, method)
    login_user(user)
    session[TOKEN_KEY] = token


@write_transaction
def _start(user: User, token: str, method: str) -> None:
    _purge_stale()
    UserSession.create(token_hash=_digest(token), user=user,
                       address=(request.remote_addr or "")[:64])
    user.last_login_at = now()
    User.update(last_login_at=user.last_login_at).where(User.id == user.id).execute()
    audit.record("login", "user", user.id, user=user, after={"method": method})


def _purge_stale() -> None:
    """Delete rows of sessions that can no longer be used (browsers closed, not logged out)."""
    cfg, moment = current_app.config, dt.datetime.now()
    UserSession.delete().where(
        (UserSession.last_seen_at < moment - dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]))
        | (UserSession.created_at < moment - dt.timedelta(hours=cfg["SESSION_MAX_HOURS"]))
    ).execute()


def log_out(user: User) -> None:
    """End this browser's session, in the database and in the cookie."""
    _end(user, current_token())
    logout_user()
    session.clear()


@write_transaction
def _end(user: User, token: str | None) -> None:
    if token:
        UserSession.delete().where(UserSession.token_hash == _digest(token)).execute()
    audit.record("logout", "user", user.id, user=user)


def forget() -> None:
    """Drop the signed-in state from this browser's cookie (its row is already gone)."""
    logout_user()
    session.clear()


def rotate(user: User) -> None:
    """Replace this browser's session token, e.g. after a password change."""
    old, token = current_token(), secrets.token_urlsafe(32)
    write_transaction(_replace)(user, old, token)
    session[TOKEN_KEY] = token


def _replace(user: User, old: str | None, token: str) -> None:
    if old:
        UserSession.delete().where(UserSession.token_hash == _digest(old)).execute()
    UserSession.create(token_hash=_digest(token), user=user,
                       address=(request.remote_addr or "")[:64])


def end_all(user: User, keep_token: str | None = None) -> int:
    """End every session of `user` (except `keep_token`'s); return how many ended."""
    query = UserSession.delete().where(UserSession.user == user)
    if keep_token:
        query = query.where(UserSession.token_hash != _digest(keep_token))
    return query.execute()


# --- checking on every request ----------------------------------------------------------

def _expiry_reason(row: UserSession, moment: dt.datetime) -> str | None:
    cfg = current_app.config
    if moment - row.created_at > dt.timedelta(hours=cfg["SESSION_MAX_HOURS"]):
        return translate("Sesi Anda berakhir setelah %(hours)s jam. Silakan masuk lagi.",
                         hours=cfg["SESSION_MAX_HOURS"])
    if moment - row.last_seen_at > dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]):
        return translate("Sesi Anda berakhir karena tidak aktif selama %(minutes)s menit. "
                         "Silakan masuk lagi.", minutes=cfg["SESSION_IDLE_MINUTES"])
    return None


def load_user(user_id) -> User | None:
    """Return the signed-in user if this cookie's session row is alive, else None."""
    token = current_token()
    row = (UserSession.select(UserSession, User).join(User)
           .where(UserSession.token_hash == _digest(token)).first() if token else None)
    if row is None or str(row.user_id) != str(user_id):
        session.clear()
        g.session_end_message = translate("Sesi Anda sudah berakhir. Silakan masuk lagi.")
        return None
    moment = dt.datetime.now()
    reason = _expiry_reason(row, moment)
    user = row.user
    if reason or not user.is_enabled:
        write_transaction(_expire)(row, user, reason)
        session.clear()
        g.session_end_message = reason
        return None
    if moment - row.last_seen_at >= TOUCH_EVERY:
        _touch(row, moment)
    return user


def _expire(row: UserSession, user: User, reason: str | None) -> None:
    UserSession.delete().where(UserSession.id == row.id).execute()
    if reason:
        audit.record("session.expired", "user", user.id, user=user)


def _touch(row: UserSession, moment: dt.datetime) -> None:
    """Note the session's last activity, unless another write holds the database (a long
    import): then the next request notes it. A page is worth more than this write."""
    try:
        UserSession.update(last_seen_at=moment).where(UserSession.id == row.id).execute()
    except Exception as exc:
        if not is_busy_error(exc):
            raise


# --- the step between password and 2FA code --------------------------------------------

def begin_second_step(user: User, next_path: str | None) -> None:
    """Remember, for a few minutes, whose password was right; nobody is signed in yet."""
    session.clear()
    session[PENDING_KEY] = {"user": user.id, "at": int(dt.datetime.now().timestamp()),
                            "next": next_path or ""}


def pending_user() -> tuple[User | None, str]:
    """Return (user awaiting a 2FA code or None, the page to go to after)."""
    pending = session.get(PENDING_KEY) or {}
    age = dt.datetime.now().timestamp() - pending.get("at", 0)
    if not pending or age > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None, ""
    user = User.get_or_none(User.id == pending.get("user"))
    if user is None or not user.is_enabled:
        return None, ""
    return user, pending.get("next", "")


# --- wiring -----------------------------------------------------------------------------

def redirect_to(url: str, status: int = 302):
    """Redirect a page, or tell htmx to load the whole page (a fragment swap would nest it)."""
    from app.web.rendering import is_fragment_request
    if is_fragment_request():
        return "", 200 if status < 400 else status, {"HX-Redirect": url}
    return redirect(url, 302 if status >= 400 else status)


def _unauthorized():
    """Send a signed-out visitor to the login page, saying why if their session ended."""
    message = g.pop("session_end_message", None) or translate(LOGIN_MESSAGE)
    flash(message, "info")
    if request.headers.get("HX-Request"):
        # The page the admin was on, not the fragment or POST endpoint that was called.
        target = login_url("auth.login", request.headers.get("HX-Current-URL"))
        return redirect_to(target, 401)
    return redirect(login_url("auth.login", request.url if request.method == "GET" else None))


def init_app(app, login_manager) -> None:
    """Set the session cookie flags and hook the session check into Flask-Login."""
    cfg = app.config
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Flask-Login's "remember me" is never offered; its flags are set in case it ever is.
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    cfg["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    if cfg.get("HTTPS") or cfg.get("PREFERRED_URL_SCHEME") == "https":
        # __Host-: the browser only accepts it Secure, for Path=/ and without Domain.
        cfg["SESSION_COOKIE_NAME"] = HTTPS_COOKIE_NAME
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["SESSION_COOKIE_DOMAIN"] = None
        cfg["SESSION_COOKIE_PATH"] = "/"
        cfg["REMEMBER_COOKIE_SECURE"] = True
    login_manager.login_view = "auth.login"
    login_manager.login_message = LOGIN_MESSAGE
    login_manager.login_message_category = "info"
    login_manager.unauthorized_handler(_unauthorized)
