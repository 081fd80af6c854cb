"""Staff accounts: passwords, roles, sign-in sessions, login throttling and TOTP.

Plain functions on a SQLAlchemy session; the staff views and the `users` CLI both use them.
The caller commits.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pyotp
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain import audit
from portal.models import ROLES, LoginThrottle, StaffSession, StaffUser, utcnow

PASSWORD_MIN_LENGTH = 12  # long passphrases over composition rules (NIST 800-63B, ASVS)
PASSWORD_MAX_LENGTH = 128
# scrypt with werkzeug's parameters (N=2^15, r=8, p=1): memory-hard, no extra dependency.
HASH_METHOD = "scrypt"

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_FAILURES = 5  # failures within the window before the name is locked
THROTTLE_LOCK = timedelta(minutes=15)

TOTP_ISSUER = "Meedoen"


@cache
def _dummy_hash() -> str:
    """Checked against when the account does not exist, so both answers take as long."""
    return generate_password_hash(secrets.token_hex(16), method=HASH_METHOD)


class AccountError(ValueError):
    """A rule about accounts was broken; `code` says which, for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password cannot be used, as a code, or None when it can."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return "too_short"
    if len(password) > PASSWORD_MAX_LENGTH:
        return "too_long"
    name = normalise_email(email).split("@")[0]
    if len(name) >= 4 and name in password.lower():  # "jan" may well be in a passphrase
        return "contains_name"
    if len(set(password)) < 5:
        return "too_simple"
    return None


def find_user(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def add_user(session: Session, email: str, role: str, password: str, actor=None) -> StaffUser:
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError("unknown_role")
    if "@" not in email or len(email) > 254:
        raise AccountError("bad_email")
    if find_user(session, email) is not None:
        raise AccountError("exists")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    user = StaffUser(
        email=email, role=role, password_hash=generate_password_hash(password, HASH_METHOD)
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.add", user, after={"email": email, "role": role})
    return user


def set_role(session: Session, user: StaffUser, role: str, actor=None) -> None:
    if role not in ROLES:
        raise AccountError("unknown_role")
    before = user.role
    user.role = role
    audit.record(session, actor, "user.set_role", user, {"role": before}, {"role": role})


def set_active(session: Session, user: StaffUser, active: bool, actor=None) -> None:
    """Enable or disable an account; disabling ends every session it has."""
    before = user.active
    user.active = active
    if not active:
        end_all_sessions(session, user)
    action = "user.enable" if active else "user.disable"
    audit.record(session, actor, action, user, {"active": before}, {"active": active})


def set_password(session: Session, user: StaffUser, password: str, actor=None) -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = generate_password_hash(password, HASH_METHOD)
    end_all_sessions(session, user)
    audit.record(session, actor, "user.set_password", user)


def check_password(user: StaffUser | None, password: str) -> bool:
    """True when `user` is active and `password` is right; as slow for a missing user."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password) and user.active


# --- login throttling, per account name ------------------------------------------------


def _throttle_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def locked_for(session: Session, email: str, now: datetime | None = None) -> timedelta | None:
    """How long logins for this name are still refused, or None when they are allowed."""
    now = now or utcnow()
    row = session.get(LoginThrottle, _throttle_key(email))
    if row is None or row.locked_until is None:
        return None
    locked_until = aware(row.locked_until)
    return locked_until - now if locked_until > now else None


def register_failure(session: Session, email: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    key = _throttle_key(email)
    row = session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_started_at=now)
        session.add(row)
    if now - aware(row.window_started_at) > THROTTLE_WINDOW:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= THROTTLE_FAILURES:
        row.locked_until = now + THROTTLE_LOCK
        row.failures, row.window_started_at = 0, now


def clear_failures(session: Session, email: str) -> None:
    row = session.get(LoginThrottle, _throttle_key(email))
    if row is not None:
        session.delete(row)


def stale_throttles(now: datetime):
    """Rows that throttle nothing any more: no lock still running, and a window of
    failures that is over (the next failure would start a new one)."""
    return and_(
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        LoginThrottle.window_started_at < now - THROTTLE_WINDOW,
    )


# --- sign-in sessions ------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: StaffUser, now: datetime | None = None) -> str:
    """A new sign-in for `user`; returns the token for the cookie (only its hash is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(token_hash=_token_hash(token), user=user, created_at=now, last_seen_at=now)
    )
    user.last_login_at = now
    user.session_token = token
    audit.record(session, user, "user.login", user)
    return token


def current_session(
    session: Session, token: str, timeouts: Timeouts, now: datetime | None = None
) -> StaffSession | None:
    """The live sign-in for this token: not ended, not idle or too old, account active."""
    now = now or utcnow()
    row = session.get(StaffSession, _token_hash(token))
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    if now - aware(row.last_seen_at) > timeouts.idle:
        return None
    if now - aware(row.created_at) > timeouts.absolute:
        return None
    return row


def touch_session(session: Session, token: str, now: datetime | None = None) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == _token_hash(token))
        .values(last_seen_at=now or utcnow())
    )


def end_session(session: Session, token: str, now: datetime | None = None) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == _token_hash(token), StaffSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def dead_sessions(longest: timedelta, now: datetime):
    """Sign-ins that can never be current again: ended, or older than the longest a
    session may last (`Timeouts.absolute`); one that went idle is among them by then."""
    return or_(StaffSession.ended_at.is_not(None), StaffSession.created_at < now - longest)


def end_all_sessions(session: Session, user: StaffUser, now: datetime | None = None) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


# --- second factor: TOTP -----------------------------------------------------------------


def begin_totp(user: StaffUser) -> str:
    """Give `user` a new, unconfirmed TOTP secret and return it."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.totp_last_step = None
    return user.totp_secret


def totp_uri(user: StaffUser, issuer: str = TOTP_ISSUER) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def check_totp(user: StaffUser, code: str, now: datetime | None = None) -> bool:
    """True for a right code from this or the neighbouring 30 s step, each used only once."""
    if not user.totp_secret:
        return False
    code = "".join(char for char in code if char.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = now or utcnow()
    for offset in (0, -1, 1):
        at = now + timedelta(seconds=30 * offset)
        step = totp.timecode(at)
        if hmac.compare_digest(totp.at(at), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # already used: a replayed code
            user.totp_last_step = step
            return True
    return False


def confirm_totp(session: Session, user: StaffUser, code: str) -> bool:
    if not check_totp(user, code):
        return False
    user.totp_confirmed_at = utcnow()
    audit.record(session, user, "user.totp_enrolled", user)
    return True


def reset_totp(session: Session, user: StaffUser, actor=None) -> None:
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    end_all_sessions(session, user)
    audit.record(session, actor, "user.totp_reset", user)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
