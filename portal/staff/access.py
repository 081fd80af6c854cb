"""Who may use which staff page: roles, permissions and the signed-in staff member."""

from datetime import timedelta

from flask import Flask, abort, current_app, request
from flask_login import LoginManager, current_user

from portal.db import get_session, session_for
from portal.domain import accounts
from portal.i18n import lazy_gettext as _l
from portal.models import ROLES, StaffUser, utcnow
from portal.staff import bp, labels

# What each permission lets through. "public" pages are the sign-in steps themselves.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "public": (),
    "staff": ROLES,
    "read": ("admin", "moderator", "policy"),
    "moderate": ("admin", "moderator"),
    # Paper forms and input typed in for residents: the wijkteam's work.
    "paper": ("admin", "moderator", "wijkteam"),
    "administer": ("admin",),
}
# last_seen_at is written at most this often, not on every page view.
TOUCH_INTERVAL = timedelta(minutes=1)

login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = _l("Log in om deze pagina te zien.")
login_manager.login_message_category = "info"
# The server-side StaffSession carries the protection (timeouts, logout everywhere).
login_manager.session_protection = None


def allow(permission: str):
    """Declare who may use a staff view; the blueprint checks it before every request."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def declare(view):
        view.permission = permission
        return view

    return declare


def acting_user() -> StaffUser:
    """The signed-in staff member, as loaded into this request's database session."""
    return current_user._get_current_object()


def may(user, permission: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in PERMISSIONS[permission]


def timeouts(app: Flask) -> accounts.Timeouts:
    return accounts.Timeouts(
        idle=timedelta(minutes=app.config["STAFF_IDLE_MINUTES"]),
        absolute=timedelta(hours=app.config["STAFF_SESSION_HOURS"]),
    )


@login_manager.user_loader
def _load_user(token: str):
    db = get_session()
    row = accounts.current_session(db, token, timeouts(current_app))
    if row is None:
        return None
    if utcnow() - accounts.aware(row.last_seen_at) > TOUCH_INTERVAL:
        if request.method in ("GET", "HEAD"):
            # The request only reads; a short transaction of its own records the visit.
            with session_for(current_app) as writer:
                accounts.touch_session(writer, token)
                writer.commit()
        else:
            # The request writes already: a second writer would wait for its lock (SQLite).
            # The visit is recorded when the view commits; a refused form records nothing,
            # which only means the next request tries again.
            accounts.touch_session(db, token)
    user = row.user
    user.session_token = token
    return user


@bp.before_request
def _check_access():
    view = current_app.view_functions.get(request.endpoint)
    permission = getattr(view, "permission", None)
    if permission == "public":
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if permission is None or not may(current_user, permission):
        abort(403)
    return None


@bp.context_processor
def _labels():
    return {
        "kind_labels": labels.KIND_LABELS,
        "status_labels": labels.STATUS_LABELS,
        "channel_labels": labels.CHANNEL_LABELS,
        "hide_reason_labels": labels.HIDE_REASON_LABELS,
        "stage_labels": labels.STAGE_LABELS,
        "action_labels": labels.ACTION_LABELS,
        "language_names": labels.LANGUAGE_NAMES,
        "variant_labels": labels.VARIANT_LABELS,
        "action_status_labels": labels.ACTION_STATUS_LABELS,
        "evaluation_labels": labels.EVALUATION_LABELS,
        "medium_labels": labels.MEDIUM_LABELS,
        "notification_status_labels": labels.NOTIFICATION_STATUS_LABELS,
    }


def init_app(app: Flask) -> None:
    login_manager.init_app(app)

    @app.context_processor
    def _staff_context():
        return {"may": lambda permission: may(current_user, permission)}
