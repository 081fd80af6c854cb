"""Suggestions on the submission page, and proposals for new themes.

Moderators decide: a suggestion is a button they may press, with the words that explain it.
"""

from flask import abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, ValidationError

from portal.db import get_session, session_for
from portal.domain import moderation, suggestions
from portal.domain.suggestions import SuggestionIndex
from portal.forms import BaseForm
from portal.i18n import gettext
from portal.models import Submission, Theme
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.theme_forms import TITLE_VALIDATORS

PROPOSALS_SHOWN = 20
MEMBERS_SHOWN = 5


class AddThemeForm(BaseForm):
    theme = IntegerField(validators=[DataRequired()])


class RejectForm(BaseForm):
    members = SelectMultipleField(coerce=int, validate_choice=False)

    def validate_members(self, field):
        if not field.data:
            raise ValidationError(gettext("Dit voorstel heeft geen inbreng."))


class AcceptForm(RejectForm):
    title = StringField(validators=TITLE_VALIDATORS)


def suggestion_index() -> SuggestionIndex:
    app = current_app._get_current_object()
    return app.extensions.setdefault(
        "suggestions", SuggestionIndex(lambda: session_for(app, write=False))
    )


def hints_for(db, submission: Submission):
    """(theme hints, similar submissions) for the submission page; None while not ready."""
    return suggestions.for_submission(db, suggestion_index(), submission)


@bp.post("/inbreng/<int:submission_id>/thema-toevoegen")
@allow("moderate")
def add_suggested_theme(submission_id: int):
    db = get_session()
    item = db.get(Submission, submission_id) or abort(404)
    form = AddThemeForm()
    theme = db.get(Theme, form.theme.data) if form.validate_on_submit() else None
    if theme is None or theme.merged_into_id is not None:
        abort(400)
    moderation.add_to_theme(db, acting_user(), [item], theme)
    db.commit()
    flash(gettext("Toegevoegd aan het thema %(title)s.", title=theme.title), "success")
    return redirect(url_for(".submission", submission_id=item.id))


@bp.get("/voorstellen")
@allow("moderate")
def proposals():
    return _render_proposals(get_session())


def _render_proposals(db, failed: AcceptForm | None = None, status: int = 200):
    """The proposals; `failed` is an accept form that was sent with a bad title."""
    found = suggestion_index().proposals(db)
    shown = found[:PROPOSALS_SHOWN]
    member_ids = {member for proposal in shown for member in proposal.members[:MEMBERS_SHOWN]}
    members = {
        row.id: row for row in db.scalars(select(Submission).where(Submission.id.in_(member_ids)))
    }
    return (
        render_template(
            "staff/proposals.html",
            proposals=shown,
            total=len(found),
            members=members,
            members_shown=MEMBERS_SHOWN,
            failed=failed,
            failed_members=sorted(failed.members.data) if failed else None,
            reject_form=RejectForm(formdata=None),
        ),
        status,
    )


@bp.post("/voorstellen/afwijzen")
@allow("moderate")
def reject_proposal():
    db = get_session()
    form = RejectForm()
    if not form.validate_on_submit():
        abort(400)
    suggestions.reject(db, acting_user(), form.members.data)
    db.commit()
    flash(gettext("Het voorstel is afgewezen. We stellen het niet opnieuw voor."), "success")
    return redirect(url_for(".proposals"))


@bp.post("/voorstellen/aannemen")
@allow("moderate")
def accept_proposal():
    db = get_session()
    form = AcceptForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors or form.members.errors:
            abort(400)
        return _render_proposals(db, failed=form, status=400)
    theme = suggestions.accept(db, acting_user(), form.members.data, form.title.data)
    db.commit()
    flash(gettext("Het thema is gemaakt. Vul nu een samenvatting in."), "success")
    return redirect(url_for(".theme", theme_id=theme.id))


def proposal_title(terms) -> str:
    """A draft title from the characteristic words; the moderator will usually rewrite it."""
    title = ", ".join(terms[:4])
    return title[:1].upper() + title[1:]


@bp.app_template_filter("proposal_title")
def _proposal_title(terms) -> str:
    return proposal_title(list(terms))
