"""Administration: staff accounts, wijken and life domains."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.db import get_session
from portal.domain import accounts, places, reach
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import LifeDomain, Neighbourhood, StaffUser
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.forms import (
    ACCOUNT_ERRORS,
    LifeDomainForm,
    NeighbourhoodForm,
    RoleForm,
    UserForm,
    with_language_fields,
)
from portal.staff.moderation_forms import ActionForm

PLACE_ERRORS = {
    "empty_name": _l("Vul een naam in."),
    "name_too_long": _l("De naam mag hoogstens 120 tekens hebben."),
    "exists": _l("Deze naam bestaat al."),
}
OTHER_LANGUAGES = [language for code, language in LANGUAGES.items() if code != DEFAULT_LANGUAGE]
TranslatedLifeDomainForm = with_language_fields(LifeDomainForm, OTHER_LANGUAGES)


# --- staff accounts ----------------------------------------------------------------------


@bp.get("/beheer/accounts")
@allow("administer")
def admin_users(form=None, status=200):
    db = get_session()
    users = list(db.scalars(select(StaffUser).order_by(StaffUser.email)))
    return (
        render_template(
            "staff/admin_users.html",
            users=users,
            form=form or UserForm(formdata=None),
            role_forms={user.id: RoleForm(formdata=None, role=user.role) for user in users},
            action_form=ActionForm(),
        ),
        status,
    )


@bp.post("/beheer/accounts")
@allow("administer")
def add_user():
    db = get_session()
    form = UserForm()
    if not form.validate_on_submit():
        return admin_users(form, 400)
    try:
        user = accounts.add_user(
            db, form.email.data, form.role.data, form.password.data, acting_user()
        )
    except accounts.AccountError as error:
        field = form.password if error.code.startswith(("too_", "contains")) else form.email
        field.errors = [*field.errors, ACCOUNT_ERRORS[error.code]]
        return admin_users(form, 400)
    db.commit()
    flash(gettext("Het account voor %(email)s is gemaakt.", email=user.email), "success")
    return redirect(url_for(".admin_users"))


def _user(db, user_id: int) -> StaffUser:
    return db.get(StaffUser, user_id) or abort(404)


@bp.post("/beheer/accounts/<int:user_id>/rol")
@allow("administer")
def set_user_role(user_id: int):
    db = get_session()
    user = _user(db, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id and form.role.data != "admin":
        flash(gettext("U kunt uw eigen beheerdersrol niet weghalen."), "error")
        return redirect(url_for(".admin_users"))
    accounts.set_role(db, user, form.role.data, acting_user())
    db.commit()
    flash(gettext("De rol van %(email)s is aangepast.", email=user.email), "success")
    return redirect(url_for(".admin_users"))


@bp.post("/beheer/accounts/<int:user_id>/aan-uit")
@allow("administer")
def toggle_user(user_id: int):
    db = get_session()
    user = _user(db, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(gettext("U kunt uw eigen account niet uitzetten."), "error")
        return redirect(url_for(".admin_users"))
    accounts.set_active(db, user, not user.active, acting_user())
    db.commit()
    message = (
        gettext("Het account van %(email)s staat weer aan.", email=user.email)
        if user.active
        else gettext(
            "Het account van %(email)s staat uit. Het is overal uitgelogd.", email=user.email
        )
    )
    flash(message, "success")
    return redirect(url_for(".admin_users"))


@bp.post("/beheer/accounts/<int:user_id>/app-ontkoppelen")
@allow("administer")
def reset_user_totp(user_id: int):
    db = get_session()
    user = _user(db, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    accounts.reset_totp(db, user, acting_user())
    db.commit()
    flash(
        gettext(
            "De app van %(email)s is ontkoppeld. Bij de volgende keer inloggen koppelt deze "
            "medewerker een nieuwe app.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for(".admin_users"))


# --- wijken ---------------------------------------------------------------------------------


@bp.get("/beheer/wijken")
@allow("administer")
def admin_neighbourhoods(form=None, status=200, edit_forms=None):
    db = get_session()
    rows = list(
        db.scalars(select(Neighbourhood).order_by(Neighbourhood.position, Neighbourhood.name))
    )
    edit_forms = edit_forms or {}
    return (
        render_template(
            "staff/admin_neighbourhoods.html",
            rows=rows,
            form=form or NeighbourhoodForm(formdata=None),
            edit_forms={
                row.id: edit_forms.get(row.id)
                or NeighbourhoodForm(
                    formdata=None,
                    name=row.name,
                    active=row.active,
                    inhabitants="" if row.inhabitants is None else str(row.inhabitants),
                    prefix=f"w{row.id}",
                )
                for row in rows
            },
        ),
        status,
    )


@bp.post("/beheer/wijken")
@allow("administer")
def add_neighbourhood():
    db = get_session()
    form = NeighbourhoodForm()
    if form.validate_on_submit():
        try:
            row = places.add_neighbourhood(db, acting_user(), form.name.data)
            reach.set_inhabitants(db, acting_user(), row, form.inhabitants_count)
        except places.PlaceError as error:
            form.name.errors = [PLACE_ERRORS[error.code]]
        else:
            db.commit()
            flash(gettext("De wijk is toegevoegd."), "success")
            return redirect(url_for(".admin_neighbourhoods"))
    return admin_neighbourhoods(form, 400)


@bp.post("/beheer/wijken/<int:row_id>")
@allow("administer")
def update_neighbourhood(row_id: int):
    db = get_session()
    row = db.get(Neighbourhood, row_id) or abort(404)
    form = NeighbourhoodForm(prefix=f"w{row.id}")
    if form.validate_on_submit():
        try:
            places.update_neighbourhood(db, acting_user(), row, form.name.data, form.active.data)
            reach.set_inhabitants(db, acting_user(), row, form.inhabitants_count)
        except places.PlaceError as error:
            form.name.errors = [PLACE_ERRORS[error.code]]
        else:
            db.commit()
            flash(gettext("De wijk is opgeslagen."), "success")
            return redirect(url_for(".admin_neighbourhoods"))
    return admin_neighbourhoods(None, 400, {row.id: form})


# --- life domains ------------------------------------------------------------------------------


def _life_domain_form(row: LifeDomain | None = None, submitted: bool = False):
    """The form for a new life domain (row None) or for one row; `submitted` reads the POST."""
    source = {} if submitted else {"formdata": None}
    if row is None:
        return TranslatedLifeDomainForm(**source)
    data = {"label": row.label, "active": row.active}
    data.update({f"label_{code}": value for code, value in (row.translations or {}).items()})
    return TranslatedLifeDomainForm(**source, prefix=f"l{row.id}", data=data)


def _translations(form) -> dict:
    return {language.code: form[f"label_{language.code}"].data for language in OTHER_LANGUAGES}


@bp.get("/beheer/leefgebieden")
@allow("administer")
def admin_life_domains(form=None, status=200, edit_forms=None):
    db = get_session()
    rows = list(db.scalars(select(LifeDomain).order_by(LifeDomain.position, LifeDomain.id)))
    edit_forms = edit_forms or {}
    return (
        render_template(
            "staff/admin_life_domains.html",
            rows=rows,
            builtin=places.BUILTIN_LIFE_DOMAINS,
            form=form or _life_domain_form(),
            edit_forms={row.id: edit_forms.get(row.id) or _life_domain_form(row) for row in rows},
            other_languages=OTHER_LANGUAGES,
            action_form=ActionForm(),
        ),
        status,
    )


@bp.post("/beheer/leefgebieden")
@allow("administer")
def add_life_domain():
    db = get_session()
    form = _life_domain_form(submitted=True)
    if form.validate_on_submit():
        try:
            places.add_life_domain(db, acting_user(), form.label.data, _translations(form))
        except places.PlaceError as error:
            form.label.errors = [PLACE_ERRORS[error.code]]
        else:
            db.commit()
            flash(gettext("Het leefgebied is toegevoegd."), "success")
            return redirect(url_for(".admin_life_domains"))
    return admin_life_domains(form, 400)


@bp.post("/beheer/leefgebieden/<int:row_id>")
@allow("administer")
def update_life_domain(row_id: int):
    db = get_session()
    row = db.get(LifeDomain, row_id) or abort(404)
    form = _life_domain_form(row, submitted=True)
    if row.slug in places.BUILTIN_LIFE_DOMAINS:
        # A built-in's name comes from the catalogs; only switching it on or off applies.
        form.label.validators = []
    if form.validate_on_submit():
        try:
            places.update_life_domain(
                db, acting_user(), row, form.active.data, form.label.data, _translations(form)
            )
        except places.PlaceError as error:
            form.label.errors = [PLACE_ERRORS[error.code]]
        else:
            db.commit()
            flash(gettext("Het leefgebied is opgeslagen."), "success")
            return redirect(url_for(".admin_life_domains"))
    return admin_life_domains(None, 400, {row.id: form})
