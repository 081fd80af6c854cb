"""The start page, the statements and the language switch."""

from flask import current_app, redirect, render_template, request, url_for

from portal import privacy_register
from portal.caching import shared_page
from portal.http import local_path
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
        "residents/privacy.html", **privacy_register.statement_values(current_app.config)
    )


@bp.get("/privacy/verwerkingsregister")
@shared_page
def register():
    """The register of processing activities (AVG article 30), with the live settings."""
    return render_template(
        "residents/register.html",
        activities=privacy_register.shown(current_app.config),
        privacy_contact=current_app.config["PRIVACY_CONTACT"],
    )


@bp.get("/taal/<code>")
def choose_language(code: str):
    """Remember the language and go back to the page the resident came from."""
    remember_choice(code)
    return redirect(local_path(request.args.get("next")) or url_for(".start"))
