"""The staff theme pages: the list, one theme with its figures, merge and split."""

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.db import get_session
from portal.domain import actions, audit, evaluations, feedback, notify, themes
from portal.forms import options
from portal.i18n import gettext
from portal.languages import LANGUAGES
from portal.models import STAGES, Submission, Theme
from portal.staff import bp
from portal.staff.access import acting_user, allow, may
from portal.staff.labels import STAGE_LABELS
from portal.staff.theme_forms import (
    FEEDBACK_ERRORS,
    THEME_ERRORS,
    FeedbackForm,
    MergeForm,
    NewThemeForm,
    SplitForm,
    StageForm,
    ThemeActionForm,
    ThemeForm,
)


def _theme(db, theme_id: int) -> Theme:
    return db.get(Theme, theme_id) or abort(404)


@bp.get("/themas")
@allow("read")
def themes_list():
    db = get_session()
    rows = [(theme, themes.figures(db, theme)) for theme in themes.active_themes(db)]
    return render_template("staff/themes.html", rows=rows, form=NewThemeForm(formdata=None))


@bp.post("/themas")
@allow("moderate")
def create_theme():
    db = get_session()
    form = NewThemeForm()
    if not form.validate_on_submit():
        rows = [(theme, themes.figures(db, theme)) for theme in themes.active_themes(db)]
        return render_template("staff/themes.html", rows=rows, form=form), 400
    theme = themes.create(db, acting_user(), form.title.data)
    db.commit()
    flash(gettext("Het thema is gemaakt."), "success")
    return redirect(url_for(".theme", theme_id=theme.id))


def _members(theme: Theme) -> list[Submission]:
    """Moderators see all of a theme's input; read-only roles what is published, as hidden
    input may hold personal data."""
    if may(current_user, "moderate"):
        return list(theme.submissions)
    return [item for item in theme.submissions if item.status == "published"]


def _member_options(theme: Theme):
    return options((item.id, item.text[:80]) for item in theme.submissions)


def render_theme(db, theme: Theme, status: int = 200, **forms):
    merge_form = forms.get("merge_form") or MergeForm(formdata=None)
    merge_form.target.choices = options(
        [("", gettext("(kies een thema)"))]
        + [(other.id, other.title) for other in themes.active_themes(db) if other.id != theme.id]
    )
    split_form = forms.get("split_form") or SplitForm(formdata=None)
    split_form.submissions.choices = _member_options(theme)
    theme_actions = actions.for_theme(db, theme.id)
    action_forms = {
        action.id: ThemeActionForm(
            formdata=None,
            prefix=f"action-{action.id}",
            description=action.description,
            owner=action.owner,
            decided_on=action.decided_on.isoformat(),
            status=action.status,
            reason=action.reason,
        )
        for action in theme_actions
    }
    feedback_form = forms.get("feedback_form") or FeedbackForm(
        formdata=None,
        data={
            f"feedback_{language}": row.body
            for language, row in feedback.texts(db, theme.id).items()
        },
    )
    if "edited_action" in forms:
        action_id, edited = forms["edited_action"]
        action_forms[action_id] = edited
    return (
        render_template(
            "staff/theme.html",
            theme=theme,
            merged_into=db.get(Theme, theme.merged_into_id) if theme.merged_into_id else None,
            figures=themes.figures(db, theme),
            form=forms.get("form")
            or ThemeForm(
                formdata=None,
                title=theme.title,
                summary=theme.summary,
                published=theme.published,
            ),
            merge_form=merge_form,
            split_form=split_form,
            stage_form=StageForm(formdata=None),
            stages=STAGES,
            theme_actions=theme_actions,
            feedback_form=feedback_form,
            language_codes=list(LANGUAGES),
            notifications=notify.counts(db, theme.id),
            evaluation=evaluations.summary(db, [theme.id]).get(theme.id),
            evaluation_comments=evaluations.comments(
                db, theme, limit=10, published_only=not may(current_user, "moderate")
            ),
            action_forms=action_forms,
            action_form=forms.get("action_form")
            or ThemeActionForm(formdata=None, prefix="action", decided_on=date.today().isoformat()),
            can_moderate=may(current_user, "moderate"),
            members=_members(theme),
            events=audit.events_for(db, "theme", theme.id) if may(current_user, "moderate") else [],
        ),
        status,
    )


@bp.get("/themas/<int:theme_id>")
@allow("read")
def theme(theme_id: int):
    db = get_session()
    return render_theme(db, _theme(db, theme_id))


@bp.post("/themas/<int:theme_id>")
@allow("moderate")
def update_theme(theme_id: int):
    db = get_session()
    item = _theme(db, theme_id)
    form = ThemeForm()
    if not form.validate_on_submit():
        return render_theme(db, item, 400, form=form)
    try:
        themes.update(
            db,
            acting_user(),
            item,
            title=form.title.data,
            summary=form.summary.data,
            published=form.published.data,
        )
    except themes.ThemeError as error:
        field = {
            "publish_without_summary": form.summary,
            "summary_too_long": form.summary,
            "reported_stays_published": form.published,
        }.get(error.code, form.title)
        field.errors = [*field.errors, THEME_ERRORS[error.code]]
        return render_theme(db, item, 400, form=form)
    db.commit()
    flash(gettext("Het thema is opgeslagen."), "success")
    return redirect(url_for(".theme", theme_id=item.id))


@bp.post("/themas/<int:theme_id>/stap")
@allow("moderate")
def move_theme(theme_id: int):
    db = get_session()
    item = _theme(db, theme_id)
    form = StageForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        themes.move(db, acting_user(), item, form.stage.data)
    except themes.ThemeError as error:
        flash(THEME_ERRORS[error.code], "error")
        return redirect(url_for(".theme", theme_id=item.id))
    db.commit()
    message = gettext("Het thema is nu in de stap: %(stage)s.", stage=STAGE_LABELS[item.stage])
    flash(message, "success")
    return redirect(url_for(".theme", theme_id=item.id))


@bp.post("/themas/<int:theme_id>/terugkoppeling")
@allow("moderate")
def save_feedback(theme_id: int):
    db = get_session()
    item = _theme(db, theme_id)
    form = FeedbackForm()
    if not form.validate_on_submit():
        return render_theme(db, item, 400, feedback_form=form)
    try:
        changed = feedback.save(db, acting_user(), item, form.bodies())
    except feedback.FeedbackError as error:
        field = form.field_for(error.language or "nl")
        field.errors = [*field.errors, FEEDBACK_ERRORS[error.code]]
        return render_theme(db, item, 400, feedback_form=form)
    db.commit()
    if changed:
        flash(gettext("De terugkoppeling is opgeslagen."), "success")
    return redirect(url_for(".theme", theme_id=item.id) + "#terugkoppeling")


@bp.post("/themas/<int:theme_id>/samenvoegen")
@allow("moderate")
def merge_theme(theme_id: int):
    db = get_session()
    item = _theme(db, theme_id)
    form = MergeForm()
    form.target.choices = options((other.id, other.title) for other in themes.active_themes(db))
    if not form.validate_on_submit():
        return render_theme(db, item, 400, merge_form=form)
    target = _theme(db, form.target.data)
    try:
        themes.merge(db, acting_user(), item, target)
    except themes.ThemeError as error:
        form.target.errors = [THEME_ERRORS[error.code]]
        return render_theme(db, item, 400, merge_form=form)
    db.commit()
    flash(gettext("De thema's zijn samengevoegd."), "success")
    return redirect(url_for(".theme", theme_id=target.id))


@bp.post("/themas/<int:theme_id>/splitsen")
@allow("moderate")
def split_theme(theme_id: int):
    db = get_session()
    item = _theme(db, theme_id)
    form = SplitForm()
    form.submissions.choices = _member_options(item)
    if not form.validate_on_submit():
        return render_theme(db, item, 400, split_form=form)
    chosen = list(db.scalars(select(Submission).where(Submission.id.in_(form.submissions.data))))
    try:
        new = themes.split(db, acting_user(), item, chosen, form.title.data)
    except themes.ThemeError as error:
        form.submissions.errors = [THEME_ERRORS[error.code]]
        return render_theme(db, item, 400, split_form=form)
    db.commit()
    flash(gettext("Het nieuwe thema is gemaakt met de gekozen inbreng."), "success")
    return redirect(url_for(".theme", theme_id=new.id))
