"""The start page, the statements and the language switch."""

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for

from portal.caching import shared_page
from portal.i18n import remember_choice
from portal.residents import bp


@bp.get("/")
@shared_page
def start():
    return render_template("residents/start.html")


@bp.get("/toegankelijkheid")
@shared_page
def accessibility():
    return render_template(
        "residents/accessibility.html", contact_email=current_app.config["CONTACT_EMAIL"]
    )


@bp.get("/privacy")
@shared_page
def privacy():
    return render_template(
        "residents/privacy.html",
        retention_days=current_app.config["CONTACT_RETENTION_DAYS"],
        privacy_contact=current_app.config["PRIVACY_CONTACT"],
    )


@bp.get("/taal/<code>")
def choose_language(code: str):
    """Remember the language and go back to the page the resident came from."""
    remember_choice(code)
    return redirect(_local_path(request.args.get("next")) or url_for(".start"))


def _local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site; never a way to send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    return target
