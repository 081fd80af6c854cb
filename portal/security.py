"""Response headers that every page carries, and the security.txt that tells where to report."""

from datetime import timedelta

from flask import Blueprint, Flask, Response, current_app, url_for

from portal.models import utcnow

# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

bp = Blueprint("security", __name__)


@bp.get("/.well-known/security.txt")
def security_txt():
    # RFC 9116: Expires must lie less than a year ahead, so it is computed, not written down.
    expires = (utcnow() + timedelta(days=180)).replace(microsecond=0)
    lines = [
        f"Contact: {current_app.config['SECURITY_CONTACT']}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: nl, en",
        f"Canonical: {url_for('security.security_txt', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.after_request
    def _secure_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["HSTS"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        if response.mimetype == "text/html":
            # Pages may hold a resident's own text or receipt code: never keep them in caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
