"""After sending their input, a resident may say something about themselves ("over mij").

Everything is optional; an empty form stores nothing. The answers are stored apart from the
submission (portal.domain.profiles): this page never passes the receipt code, the wijk, the
channel or the language on. That one submission gives "over mij" once is remembered in the
resident's own session (the receipt code it was given for), never in the database.
"""

from datetime import UTC, datetime

from flask import current_app, redirect, render_template, request, session, url_for
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.db import get_session
from portal.domain import profiles
from portal.extensions import form_checks_csrf, limiter
from portal.forms import PublicForm, optional_int
from portal.i18n import current_language
from portal.i18n import lazy_gettext as _l
from portal.residents import bp
from portal.residents.submit import ABOUT_ME_KEY, RECEIPT_KEY

# After sending: whether something was stored, by the word in the URL.
OUTCOMES = {"bewaard": True, "leeg": False}
CHANGED = _l("De vragen zijn net veranderd. Kijk uw antwoorden na en verstuur ze opnieuw.")


def _text_or_none(value):
    return value if value not in (None, "") else None


class OptionalRadioField(RadioField):
    """Radios where choosing nothing is a fine answer; a value that was not offered is not."""

    def pre_validate(self, form):
        if self.data is None:
            return
        if not any(choice.selected for choice in self.iter_choices()):
            raise ValidationError(_l("Deze keuze kunnen we niet gebruiken. Kies opnieuw."))


def about_me_form(questions, **kwargs) -> PublicForm:
    """The form: the age question and the gemeente's own questions, in the page's language."""
    language = current_language().code

    class AboutMeForm(PublicForm):
        age_band = OptionalRadioField(
            profiles.AGE_QUESTION,
            choices=[SelectChoice(band, label) for band, label in profiles.AGE_BAND_LABELS.items()],
            coerce=_text_or_none,
            default=None,
        )

    for question in questions:
        setattr(
            AboutMeForm,
            f"q{question.id}",
            OptionalRadioField(
                profiles.localized(question.text, question.translations, language),
                choices=[
                    SelectChoice(
                        str(option.id),
                        profiles.localized(option.label, option.translations, language),
                    )
                    for option in question.options
                ],
                coerce=optional_int,
                default=None,
            ),
        )
    return AboutMeForm(**kwargs)


def _answers(form, questions) -> profiles.ProfileAnswers:
    chosen = {}
    for question in questions:
        value = form[f"q{question.id}"].data
        if value is not None:
            chosen[question.id] = value
    return profiles.ProfileAnswers(age_band=form.age_band.data, options=chosen)


def _render(form=None, questions=(), status: int = 200, outcome=None):
    return (
        render_template(
            "residents/about_me.html",
            form=form,
            questions=questions,
            answered=form is None,
            outcome=outcome,
        ),
        status,
    )


def _already_given(code: str) -> bool:
    return session.get(ABOUT_ME_KEY) == code


@bp.get("/meedoen/over-mij")
def about_me():
    code = session.get(RECEIPT_KEY)
    if not code:
        return redirect(url_for(".start"))
    if _already_given(code):
        return _render(outcome=OUTCOMES.get(request.args.get("klaar", "")))
    questions = profiles.questions(get_session())
    return _render(about_me_form(questions, formdata=None), questions)


@bp.post("/meedoen/over-mij")
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
@form_checks_csrf
def save_about_me():
    db = get_session()
    questions = profiles.questions(db)
    form = about_me_form(questions)
    # The form first: a POST without its token is refused, whoever sends it.
    if not form.validate():
        return _render(form, questions, 400)
    code = session.get(RECEIPT_KEY)
    if not code:
        return redirect(url_for(".start"))
    if _already_given(code):
        # A second click or a resent form: the first answers count, these are not stored.
        return redirect(url_for(".about_me"))
    try:
        stored = profiles.record(db, _answers(form, questions), datetime.now(UTC).date())
    except profiles.ProfileError:
        # The gemeente changed the questions just now: show them again, with what was chosen.
        form.website.errors = [CHANGED]
        form._errors = None
        return _render(form, questions, 400)
    db.commit()
    session[ABOUT_ME_KEY] = code
    return redirect(url_for(".about_me", klaar="bewaard" if stored else "leeg"))
