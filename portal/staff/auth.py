"""Signing in (password, then the code from an authenticator app), enrolment, signing out.

After the password, the account waits in the session as "pending" for a few minutes until
the second step is done; only then does a StaffSession exist and Flask-Login know the user.
"""

from datetime import datetime, timedelta

import segno
from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup, escape

from portal.db import get_session
from portal.domain import accounts, moderation
from portal.extensions import limiter
from portal.http import local_path
from portal.i18n import SESSION_KEY as LANGUAGE_KEY
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.models import StaffUser, utcnow
from portal.staff import bp
from portal.staff.access import allow
from portal.staff.forms import CodeForm, LoginForm, LogoutForm

PENDING_KEY = "staff_pending"
PENDING_LIFETIME = timedelta(minutes=5)

WRONG_LOGIN = _l("Het e-mailadres of het wachtwoord klopt niet.")
WRONG_CODE = _l(
    "Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en probeer de nieuwe code."
)


def _locked_message(left: timedelta) -> str:
    minutes = max(1, round(left.total_seconds() / 60))
    return gettext(
        "Er is te vaak een verkeerd wachtwoord of een verkeerde code gebruikt. "
        "Probeer het over %(minutes)s minuten opnieuw.",
        minutes=minutes,
    )


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@allow("public")
def login():
    if current_user.is_authenticated:
        return redirect(url_for(".home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _page("staff/login.html", form, 400 if form.errors else 200)
    db = get_session()
    left = accounts.locked_for(db, form.email.data)
    if left:
        form.password.errors.append(_locked_message(left))
        return _page("staff/login.html", form, 429)
    user = accounts.find_user(db, form.email.data)
    if not accounts.check_password(user, form.password.data):
        accounts.register_failure(db, form.email.data)
        db.commit()
        form.password.errors.append(WRONG_LOGIN)
        return _page("staff/login.html", form, 400)
    accounts.clear_failures(db, user.email)
    db.commit()
    session[PENDING_KEY] = {"user": user.id, "at": utcnow().isoformat(), "next": _next()}
    if user.has_second_factor:
        return redirect(url_for(".second_factor"))
    if current_app.config["STAFF_REQUIRE_SECOND_FACTOR"]:
        return redirect(url_for(".enrol_at_login"))
    return _complete_login(db, user)


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@allow("public")
def second_factor():
    db = get_session()
    user = _pending_user(db)
    if user is None or not user.has_second_factor:
        return redirect(url_for(".login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return _page("staff/code.html", form, 400 if form.errors else 200)
    left = accounts.locked_for(db, user.email)
    if left:
        form.code.errors.append(_locked_message(left))
        return _page("staff/code.html", form, 429)
    if not accounts.check_totp(user, form.code.data):
        accounts.register_failure(db, user.email)
        db.commit()
        form.code.errors.append(WRONG_CODE)
        return _page("staff/code.html", form, 400)
    return _complete_login(db, user)


@bp.route("/inloggen/koppelen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@allow("public")
def enrol_at_login():
    """The first login where a second factor is required: link an app, then go on."""
    db = get_session()
    user = _pending_user(db)
    if user is None or user.has_second_factor:
        return redirect(url_for(".login"))
    return _enrol(db, user, on_success=lambda: _complete_login(db, user))


@bp.route("/account/tweede-stap", methods=["GET", "POST"])
@allow("staff")
def enrol():
    """Link an authenticator app from one's own account, where it is not yet required."""
    db = get_session()
    user = db.get(StaffUser, current_user.id)
    if user.has_second_factor:
        return redirect(url_for(".home"))

    def done():
        return redirect(url_for(".home", linked=1))

    return _enrol(db, user, on_success=done)


def _enrol(db, user: StaffUser, on_success):
    form = CodeForm()
    if not user.totp_secret:
        # Kept until confirmed, so reloading the page shows the same key as the app has.
        accounts.begin_totp(user)
        db.commit()
    elif form.validate_on_submit():
        if accounts.confirm_totp(db, user, form.code.data):
            db.commit()
            return on_success()
        db.commit()  # keeps the last accepted step, should the code have been replayed
        form.code.errors.append(WRONG_CODE)
    uri = accounts.totp_uri(user, current_app.config["MUNICIPALITY_NAME"] + " Meedoen")
    qr = segno.make(uri, error="m").svg_inline(
        scale=5, title=escape(gettext("QR-code om uw app te koppelen"))
    )
    return _page(
        "staff/enrol.html",
        form,
        400 if form.errors else 200,
        # segno draws only paths from the URI's bits; the one text in it is escaped above.
        qr=Markup(qr.replace("<svg ", '<svg role="img" ', 1)),  # noqa: S704
        secret=" ".join(user.totp_secret[i : i + 4] for i in range(0, len(user.totp_secret), 4)),
    )


@bp.post("/uitloggen")
@allow("staff")
def logout():
    if LogoutForm().validate_on_submit():
        db = get_session()
        accounts.end_session(db, current_user.session_token)
        db.commit()
        logout_user()
        _fresh_session()
    return redirect(url_for(".login"))


@bp.get("/")
@allow("staff")
def home():
    return render_template(
        "staff/home.html",
        linked=request.args.get("linked") == "1",
        counts=moderation.counts(get_session()),
    )


def _pending_user(db) -> StaffUser | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        started = datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if utcnow() - started > PENDING_LIFETIME:
        session.pop(PENDING_KEY, None)
        return None
    user = db.get(StaffUser, pending.get("user"))
    return user if user is not None and user.active else None


def _complete_login(db, user: StaffUser):
    next_page = (session.get(PENDING_KEY) or {}).get("next")
    _fresh_session()
    token = accounts.start_session(db, user)
    db.commit()
    login_user(user)
    assert user.get_id() == token
    return redirect(local_path(next_page) or url_for(".home"))


def _fresh_session() -> None:
    """Start from an empty cookie session at login and logout, keeping only the language."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language


def _next() -> str | None:
    return local_path(request.args.get("next"))


def _page(template: str, form, status: int = 200, **context):
    return render_template(template, form=form, **context), status
