"""Administration of "over mij": the gemeente's own questions, with their answers in Dutch
and in the other languages, in the order residents see them."""

from flask import abort, flash, redirect, render_template, request, url_for

from portal.db import get_session
from portal.domain import profiles
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import ProfileQuestion
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.forms import (
    ProfileQuestionForm,
    RemoveQuestionForm,
    with_profile_language_fields,
)
from portal.staff.moderation_forms import ActionForm

OTHER_LANGUAGES = [language for code, language in LANGUAGES.items() if code != DEFAULT_LANGUAGE]
TranslatedQuestionForm = with_profile_language_fields(ProfileQuestionForm, OTHER_LANGUAGES)
# What profiles.ProfileError codes mean, and on which field they belong ("text" or "options";
# with a language, that language's field).
PROFILE_ERRORS = {
    "empty_text": ("text", _l("Vul de vraag in.")),
    "text_too_long": ("text", _l("De vraag mag hoogstens 200 tekens hebben.")),
    "too_many_questions": (
        "text",
        _l("Er zijn al %(count)d vragen. Verwijder eerst een vraag.", count=profiles.MAX_QUESTIONS),
    ),
    "too_few_options": ("options", _l("Vul minstens twee antwoorden in, elk op een eigen regel.")),
    "too_many_options": (
        "options",
        _l("Geef hoogstens %(count)d antwoorden.", count=profiles.MAX_OPTIONS),
    ),
    "option_too_long": ("options", _l("Een antwoord mag hoogstens 100 tekens hebben.")),
    "repeated_option": ("options", _l("Elk antwoord mag maar één keer in de lijst staan.")),
    "translation_count": (
        "options",
        _l("Geef hier evenveel antwoorden als in het Nederlands, in dezelfde volgorde."),
    ),
    "options_changed": (
        "options",
        _l(
            "U kunt de antwoorden alleen anders schrijven. Wilt u een antwoord toevoegen of "
            "weghalen? Verwijder dan de vraag en maak een nieuwe."
        ),
    ),
}
STEPS = {"omhoog": -1, "omlaag": 1}


def lines(value: str | None) -> list[str]:
    """The answers typed in a text box, one a line, without empty lines."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _form(row: ProfileQuestion | None = None, submitted: bool = False):
    """The form for a new question (row None) or for one question; `submitted` reads the POST."""
    source = {} if submitted else {"formdata": None}
    if row is None:
        return TranslatedQuestionForm(**source)
    data = {"text": row.text, "options": "\n".join(option.label for option in row.options)}
    for language in OTHER_LANGUAGES:
        code = language.code
        data[f"text_{code}"] = (row.translations or {}).get(code, "")
        translated = [(option.translations or {}).get(code, "") for option in row.options]
        data[f"options_{code}"] = "\n".join(translated) if any(translated) else ""
    return TranslatedQuestionForm(**source, prefix=f"q{row.id}", data=data)


def _remove_form(row: ProfileQuestion, submitted: bool = False) -> RemoveQuestionForm:
    return RemoveQuestionForm(**({} if submitted else {"formdata": None}), prefix=f"r{row.id}")


def _question_text(form) -> profiles.QuestionText:
    return profiles.QuestionText(
        text=form.text.data,
        translations={code: form[f"text_{code}"].data for code in _codes()},
        options=lines(form.options.data),
        option_translations={code: lines(form[f"options_{code}"].data) for code in _codes()},
    )


def _codes() -> list[str]:
    return [language.code for language in OTHER_LANGUAGES]


def _show_error(form, error: profiles.ProfileError) -> None:
    field_name, message = PROFILE_ERRORS[error.code]
    field = form[f"{field_name}_{error.language}" if error.language else field_name]
    field.errors = [*field.errors, message]


@bp.get("/beheer/over-mij")
@allow("administer")
def admin_profile_questions(form=None, status=200, edit_forms=None, remove_forms=None):
    rows = profiles.questions(get_session())
    edit_forms = edit_forms or {}
    remove_forms = remove_forms or {}
    return (
        render_template(
            "staff/admin_profile.html",
            rows=rows,
            form=form or _form(),
            edit_forms={row.id: edit_forms.get(row.id) or _form(row) for row in rows},
            remove_forms={row.id: remove_forms.get(row.id) or _remove_form(row) for row in rows},
            other_languages=OTHER_LANGUAGES,
            age_bands=profiles.AGE_BAND_LABELS,
            age_question=profiles.AGE_QUESTION,
            max_questions=profiles.MAX_QUESTIONS,
            action_form=ActionForm(),
        ),
        status,
    )


@bp.post("/beheer/over-mij")
@allow("administer")
def add_profile_question():
    db = get_session()
    form = _form(submitted=True)
    if form.validate_on_submit():
        try:
            profiles.add_question(db, acting_user(), _question_text(form))
        except profiles.ProfileError as error:
            _show_error(form, error)
        else:
            db.commit()
            flash(gettext("De vraag is toegevoegd."), "success")
            return redirect(url_for(".admin_profile_questions"))
    return admin_profile_questions(form, 400)


def _question(db, question_id: int) -> ProfileQuestion:
    return db.get(ProfileQuestion, question_id) or abort(404)


@bp.post("/beheer/over-mij/<int:question_id>")
@allow("administer")
def update_profile_question(question_id: int):
    db = get_session()
    row = _question(db, question_id)
    form = _form(row, submitted=True)
    if form.validate_on_submit():
        try:
            profiles.update_question(db, acting_user(), row, _question_text(form))
        except profiles.ProfileError as error:
            _show_error(form, error)
        else:
            db.commit()
            flash(gettext("De vraag is opgeslagen."), "success")
            return redirect(url_for(".admin_profile_questions"))
    return admin_profile_questions(None, 400, edit_forms={row.id: form})


@bp.post("/beheer/over-mij/<int:question_id>/verplaatsen")
@allow("administer")
def move_profile_question(question_id: int):
    db = get_session()
    row = _question(db, question_id)
    step = STEPS.get(request.form.get("richting", ""))
    if not ActionForm().validate_on_submit() or step is None:
        abort(400)
    if profiles.move_question(db, acting_user(), row, step):
        db.commit()
        flash(gettext("De volgorde is aangepast."), "success")
    return redirect(url_for(".admin_profile_questions") + f"#vraag-{row.id}")


@bp.post("/beheer/over-mij/<int:question_id>/verwijderen")
@allow("administer")
def remove_profile_question(question_id: int):
    db = get_session()
    row = _question(db, question_id)
    form = _remove_form(row, submitted=True)
    if not form.validate_on_submit():
        return admin_profile_questions(None, 400, remove_forms={row.id: form})
    profiles.remove_question(db, acting_user(), row)
    db.commit()
    flash(gettext("De vraag en alle antwoorden erop zijn verwijderd."), "success")
    return redirect(url_for(".admin_profile_questions"))
