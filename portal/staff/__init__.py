"""The staff side: sign-in, the moderation inbox, themes and administration.

Every route here declares who may use it (see access.py); a route that forgets is refused
to everyone, and tests/functional/test_staff_access.py walks the URL map to prove it.
"""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/medewerkers")

from portal.staff import (  # noqa: E402,F401  (routes register on bp)
    access,
    actions,
    admin,
    admin_profile,
    assisted,
    audit_log,
    auth,
    dashboard,
    exports,
    inbox,
    letters,
    paper,
    reach,
    reports,
    scans,
    suggestions,
    themes,
)
