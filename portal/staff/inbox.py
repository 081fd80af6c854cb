"""The moderation inbox and the page of one submission, with what a moderator does there."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from portal.db import get_session
from portal.domain import audit, moderation, paper, places, receipts, submissions, themes
from portal.domain.moderation import Cursor, InboxFilter
from portal.forms import options
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.models import Submission, Theme
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.moderation_forms import (
    ActionForm,
    BulkForm,
    DuplicateForm,
    EditTextForm,
    HideForm,
    InboxFilterForm,
    ThemesForm,
)
from portal.staff.suggestions import hints_for
from portal.staff.theme_forms import THEME_ERRORS

MODERATION_ERRORS = {
    "unknown_reason": _l("Kies waarom u dit verbergt."),
    "empty_text": _l("De tekst mag niet leeg zijn."),
    "text_too_long": _l("De tekst mag hoogstens 5000 tekens hebben."),
    "own_duplicate": _l("Inbreng kan geen dubbel van zichzelf zijn."),
    "no_theme": _l("Kies een thema."),
    "unknown_action": _l("Kies wat u wilt doen."),
}


def _theme_choices(db) -> list[tuple[str, str]]:
    return [(str(theme.id), theme.title) for theme in themes.active_themes(db)]


def _theme_options(db):
    return options((theme.id, theme.title) for theme in themes.active_themes(db))


def filter_form(db) -> InboxFilterForm:
    return InboxFilterForm(
        request.args,
        neighbourhoods=places.neighbourhood_choices(db, include_inactive=True),
        life_domains=places.life_domain_choices(db, include_inactive=True),
        themes=_theme_choices(db),
    )


@bp.get("/inbox")
@allow("moderate")
def inbox():
    db = get_session()
    form = filter_form(db)
    form.validate()
    filters = InboxFilter(
        **{
            name: (form[field].data or None) if not form[field].errors else None
            for name, field in (
                ("kind", "kind"),
                ("status", "status"),
                ("channel", "channel"),
                ("language", "language"),
            )
        },
        neighbourhood_id=_chosen(form.neighbourhood),
        life_domain_id=_chosen(form.life_domain),
        theme_id=_chosen(form.theme),
    )
    page = moderation.inbox(db, filters, Cursor.decode(request.args.get("na")))
    bulk = BulkForm()
    bulk.theme.choices = options([("", gettext("(geen)")), *_theme_choices(db)])
    next_args = {**request.args.to_dict(), "na": page.next.encode()} if page.next else None
    return render_template(
        "staff/inbox.html",
        form=form,
        bulk=bulk,
        page=page,
        next_url=url_for(".inbox", **next_args) if next_args else None,
        first_url=url_for(".inbox", **{k: v for k, v in request.args.items() if k != "na"}),
        continued="na" in request.args,
    )


def _chosen(field) -> int | None:
    return field.data if not field.errors and field.data not in (None, -1) else None


@bp.post("/inbox/selectie")
@allow("moderate")
def bulk_action():
    db = get_session()
    form = BulkForm()
    form.theme.choices = options([("", ""), *_theme_choices(db)])
    back = request.form.get("terug") or url_for(".inbox")
    back = back if back.startswith("/medewerkers/inbox") else url_for(".inbox")
    if not form.validate_on_submit():
        flash(gettext("Dit konden we niet verwerken. Probeer het opnieuw."), "error")
        return redirect(back)
    chosen = list(db.scalars(select(Submission).where(Submission.id.in_(form.ids.data or []))))
    if not chosen:
        flash(gettext("Kies eerst inbreng in de lijst."), "error")
        return redirect(back)
    theme = db.get(Theme, form.theme.data) if form.theme.data else None
    reason = form.reason.data or None
    if form.action.data == "hide" and not reason:
        flash(gettext("Kies waarom u dit verbergt."), "error")
        return redirect(back)
    try:
        changed = moderation.bulk(
            db, acting_user(), chosen, form.action.data, reason=reason, theme=theme
        )
    except moderation.ModerationError as error:
        flash(str(MODERATION_ERRORS[error.code]), "error")
        return redirect(back)
    db.commit()
    flash(gettext("Klaar: %(num)d aangepast.", num=changed), "success")
    return redirect(back)


# --- one submission ------------------------------------------------------------------------


def _submission(db, submission_id: int) -> Submission:
    return db.get(Submission, submission_id) or abort(404)


def render_submission(db, submission: Submission, status: int = 200, **forms):
    themes_form = forms.get("themes_form") or ThemesForm(
        formdata=None, themes=[theme.id for theme in submission.themes]
    )
    themes_form.themes.choices = _theme_options(db)
    edit_form = forms.get("edit_form") or EditTextForm(formdata=None, text=submission.text)
    hints = hints_for(db, submission)
    return (
        render_template(
            "staff/submission.html",
            submission=submission,
            original=db.get(Submission, submission.duplicate_of_id)
            if submission.duplicate_of_id
            else None,
            life_domain=places.life_domain_label(
                submission.life_domain.slug,
                submission.life_domain.label,
                submission.life_domain.translations,
            )
            if submission.life_domain
            else None,
            action_form=ActionForm(),
            hide_form=forms.get("hide_form") or HideForm(formdata=None),
            edit_form=edit_form,
            themes_form=themes_form,
            duplicate_form=forms.get("duplicate_form") or DuplicateForm(formdata=None),
            events=audit.events_for(db, "submission", submission.id),
            receipt=receipts.display(submission.receipt_code),
            origin=paper.origin_of(db, submission),
            hints_ready=hints is not None,
            theme_hints=hints[0] if hints else [],
            similar=hints[1] if hints else [],
        ),
        status,
    )


@bp.get("/inbreng/<int:submission_id>")
@allow("moderate")
def submission(submission_id: int):
    db = get_session()
    return render_submission(db, _submission(db, submission_id))


def _done(submission: Submission, message: str):
    flash(message, "success")
    return redirect(url_for(".submission", submission_id=submission.id))


@bp.post("/inbreng/<int:submission_id>/publiceren")
@allow("moderate")
def publish(submission_id: int):
    db = get_session()
    item = _submission(db, submission_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    moderation.publish(db, acting_user(), item)
    db.commit()
    return _done(item, gettext("De inbreng staat nu op de website, zonder naam."))


@bp.post("/inbreng/<int:submission_id>/verbergen")
@allow("moderate")
def hide(submission_id: int):
    db = get_session()
    item = _submission(db, submission_id)
    form = HideForm()
    if not form.validate_on_submit():
        return render_submission(db, item, 400, hide_form=form)
    moderation.hide(db, acting_user(), item, form.reason.data)
    db.commit()
    return _done(item, gettext("De inbreng is verborgen. Hij blijft bewaard en telt mee."))


@bp.post("/inbreng/<int:submission_id>/tekst")
@allow("moderate")
def edit_text(submission_id: int):
    db = get_session()
    item = _submission(db, submission_id)
    form = EditTextForm()
    if not form.validate_on_submit():
        return render_submission(db, item, 400, edit_form=form)
    changed = moderation.edit_text(db, acting_user(), item, form.text.data)
    db.commit()
    if not changed:
        return _done(item, gettext("De tekst was al zo."))
    return _done(item, gettext("De tekst is aangepast. De oude tekst staat alleen in het logboek."))


@bp.post("/inbreng/<int:submission_id>/themas")
@allow("moderate")
def set_themes(submission_id: int):
    db = get_session()
    item = _submission(db, submission_id)
    form = ThemesForm()
    form.themes.choices = _theme_options(db)
    if not form.validate_on_submit():
        return render_submission(db, item, 400, themes_form=form)
    chosen = list(db.scalars(select(Theme).where(Theme.id.in_(form.themes.data or []))))
    actor = acting_user()
    if form.new_theme.data:
        try:
            chosen.append(themes.create(db, actor, form.new_theme.data))
        except themes.ThemeError as error:
            form.new_theme.errors.append(THEME_ERRORS[error.code])
            return render_submission(db, item, 400, themes_form=form)
    moderation.set_themes(db, actor, item, chosen)
    db.commit()
    return _done(item, gettext("De thema's zijn opgeslagen."))


@bp.post("/inbreng/<int:submission_id>/dubbel")
@allow("moderate")
def mark_duplicate(submission_id: int):
    db = get_session()
    item = _submission(db, submission_id)
    form = DuplicateForm()
    if not form.validate_on_submit():
        return render_submission(db, item, 400, duplicate_form=form)
    original = None
    if form.original.data:
        original = _find_original(db, form.original.data)
        if original is None:
            form.original.errors.append(
                _l("We vinden geen inbreng met dit nummer of deze volgcode.")
            )
            return render_submission(db, item, 400, duplicate_form=form)
    try:
        moderation.mark_duplicate(db, acting_user(), item, original)
    except moderation.ModerationError as error:
        form.original.errors.append(MODERATION_ERRORS[error.code])
        return render_submission(db, item, 400, duplicate_form=form)
    db.commit()
    if original is None:
        return _done(item, gettext("De inbreng is niet meer als dubbel gemarkeerd."))
    return _done(item, gettext("De inbreng is als dubbel gemarkeerd."))


def _find_original(db, reference: str) -> Submission | None:
    """By number (as shown in the inbox) or by receipt code."""
    reference = reference.strip().lstrip("#")
    if reference.isdigit() and len(reference) < 10:
        return db.get(Submission, int(reference))
    return submissions.find_by_code(db, reference)
