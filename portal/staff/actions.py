"""Actions on a theme, and the board that shows every theme by its step in the cycle."""

from datetime import date

from flask import abort, flash, redirect, render_template, url_for

from portal.db import get_session
from portal.domain import actions
from portal.domain.actions import ActionRequest
from portal.i18n import gettext
from portal.models import Theme, ThemeAction
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.theme_forms import ACTION_ERRORS, ThemeActionForm
from portal.staff.themes import render_theme


def _request(form: ThemeActionForm) -> ActionRequest:
    return ActionRequest(
        description=form.description.data,
        owner=form.owner.data,
        decided_on=date.fromisoformat(form.decided_on.data.strip()),
        status=form.status.data,
        reason=form.reason.data,
    )


def _save(form: ThemeActionForm, change) -> bool:
    """Run `change` with the form's request; a broken rule goes on its field."""
    try:
        change(_request(form))
    except actions.ActionError as error:
        name, message = ACTION_ERRORS[error.code]
        form[name].errors = [*form[name].errors, message]
        return False
    return True


@bp.post("/themas/<int:theme_id>/acties")
@allow("moderate")
def add_action(theme_id: int):
    db = get_session()
    theme = db.get(Theme, theme_id) or abort(404)
    form = ThemeActionForm(prefix="action")
    if not form.validate() or not _save(form, lambda r: actions.add(db, acting_user(), theme, r)):
        db.rollback()
        return render_theme(db, theme, 400, action_form=form)
    db.commit()
    flash(gettext("De actie is toegevoegd."), "success")
    return redirect(url_for(".theme", theme_id=theme.id) + "#acties")


@bp.post("/themas/<int:theme_id>/acties/<int:action_id>")
@allow("moderate")
def update_action(theme_id: int, action_id: int):
    db = get_session()
    action = db.get(ThemeAction, action_id)
    if action is None or action.theme_id != theme_id:
        abort(404)
    form = ThemeActionForm(prefix=f"action-{action.id}")
    if not form.validate() or not _save(
        form, lambda r: actions.update(db, acting_user(), action, r)
    ):
        db.rollback()
        theme = db.get(Theme, theme_id)
        return render_theme(db, theme, 400, edited_action=(action.id, form))
    db.commit()
    flash(gettext("De actie is opgeslagen."), "success")
    return redirect(url_for(".theme", theme_id=theme_id) + "#acties")


@bp.get("/cyclus")
@allow("read")
def cycle_board():
    return render_template("staff/cycle.html", columns=actions.board(get_session()))
