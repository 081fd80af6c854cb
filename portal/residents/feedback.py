"""What the gemeente did with what residents said ("you said, we did"), and whether it
helps: the public feedback page of a theme, and the evaluation by receipt code, there
and on the status page."""

from flask import abort, current_app, redirect, render_template, request, url_for

from portal.db import get_session
from portal.domain import actions, evaluations, feedback, receipts, submissions, themes
from portal.extensions import form_checks_csrf, limiter
from portal.i18n import current_language
from portal.i18n import lazy_gettext as _l
from portal.residents import bp
from portal.residents.forms import CodeEvaluationForm, EvaluationForm

# What the gemeente did, in words for residents.
ACTION_WORDS = {
    "planned": _l("Dit is gepland."),
    "under_way": _l("Hier wordt aan gewerkt."),
    "done": _l("Dit is gedaan."),
    "not_done": _l("Dit is niet gedaan."),
}
EVALUATION_ERRORS = {
    "unknown_answer": ("answer", _l("Kies een antwoord: helpt het u?")),
    "comment_too_long": ("comment", _l("Uw reactie is te lang.")),
    "not_a_contributor": (
        "code",
        _l(
            "Met deze volgcode deed u niet mee aan dit thema. Alleen wie meedeed, kan hier "
            "antwoorden. Kijk of u de goede volgcode hebt."
        ),
    ),
    "no_feedback": ("answer", _l("Er is nog geen terugkoppeling om op te reageren.")),
    "bad_code": (
        "code",
        _l(
            "Deze volgcode klopt niet. Een volgcode heeft 12 tekens, zoals 7KQM-3XRD-9HWP. "
            "Kijk of u hem goed hebt overgenomen."
        ),
    ),
    "unknown_code": (
        "code",
        _l("We kunnen geen inbreng vinden met deze volgcode. Kijk of u hem goed hebt overgenomen."),
    ),
}


def reported_theme(theme_id: int):
    """A published theme whose feedback is public, or 404."""
    theme = themes.published_theme(get_session(), theme_id)
    if theme is None or theme.feedback_published_at is None:
        abort(404)
    return theme


def report_back(db, theme, language: str) -> dict:
    """What a reader sees of a theme's feedback: the text and the actions."""
    return {
        "theme": theme,
        "feedback": feedback.shown(db, theme, language),
        "actions": actions.for_theme(db, theme.id),
        "action_words": ACTION_WORDS,
    }


def record_evaluation(db, form: EvaluationForm, theme, submission) -> bool:
    """Store the answer, or put the reason it cannot be stored on the form's field."""
    try:
        evaluations.record(
            db,
            theme,
            submission,
            form.answer.data,
            form.comment.data,
            current_language().code,
        )
    except evaluations.EvaluationError as error:
        add_error(form, error.code)
        return False
    db.commit()
    return True


def add_error(form: EvaluationForm, code: str) -> None:
    field_name, message = EVALUATION_ERRORS[code]
    field = getattr(form, field_name, None) or form.answer
    field.errors = [*field.errors, message]


def _render(theme, form: CodeEvaluationForm, status: int = 200):
    db = get_session()
    return (
        render_template(
            "residents/feedback.html",
            form=form,
            thanked=request.args.get("bedankt") == "1",
            **report_back(db, theme, current_language().code),
        ),
        status,
    )


@bp.get("/themas/<int:theme_id>/terugkoppeling")
def theme_feedback(theme_id: int):
    return _render(reported_theme(theme_id), CodeEvaluationForm(formdata=None))


@bp.post("/themas/<int:theme_id>/terugkoppeling")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"])
@form_checks_csrf
def evaluate_theme(theme_id: int):
    """Evaluation with a receipt code: the code shows the person took part."""
    db = get_session()
    theme = reported_theme(theme_id)
    form = CodeEvaluationForm()
    if not form.validate_on_submit():
        return _render(theme, form, 400)
    try:
        code = receipts.normalise(form.code.data)
    except receipts.InvalidCode:
        add_error(form, "bad_code")
        return _render(theme, form, 400)
    submission = submissions.find_by_code(db, code)
    if submission is None:
        add_error(form, "unknown_code")
        return _render(theme, form, 400)
    if not record_evaluation(db, form, theme, submission):
        return _render(theme, form, 400)
    return redirect(url_for(".theme_feedback", theme_id=theme.id, bedankt=1) + "#evaluatie")
