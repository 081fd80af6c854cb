"""The forms of the theme pages."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import (
    BaseForm,
    OfferedRadioField,
    OfferedSelectField,
    OfferedSelectMultipleField,
    iso_date,
    optional_int,
    readable,
)
from portal.i18n import lazy_gettext as _l
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import FEEDBACK_MAX_LENGTH, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH
from portal.staff.labels import ACTION_STATUS_LABELS, STAGE_LABELS, choices

TITLE_VALIDATORS = [
    DataRequired(_l("Geef het thema een titel.")),
    Length(max=TITLE_MAX_LENGTH, message=_l("De titel mag hoogstens 120 tekens hebben.")),
    readable,
]


class NewThemeForm(BaseForm):
    title = StringField(_l("Titel"), validators=TITLE_VALIDATORS)


class ThemeForm(BaseForm):
    title = StringField(_l("Titel"), validators=TITLE_VALIDATORS)
    summary = TextAreaField(
        _l("Samenvatting in gewone taal"),
        validators=[
            Length(
                max=SUMMARY_MAX_LENGTH,
                message=_l("De samenvatting mag hoogstens 5000 tekens hebben."),
            ),
            readable,
        ],
    )
    published = BooleanField(_l("Laat dit thema zien op de website voor inwoners"))


class StageForm(BaseForm):
    """Moving a theme to another step: the step comes from the button pressed."""

    stage = OfferedSelectField(
        choices=choices(STAGE_LABELS), invalid_message=_l("Kies een stap in de cyclus.")
    )


class MergeForm(BaseForm):
    target = OfferedSelectField(
        invalid_message=_l("Kies het thema waarin dit thema opgaat."),
        label=_l("Samenvoegen met"),
        coerce=optional_int,
        validators=[DataRequired(_l("Kies het thema waarin dit thema opgaat."))],
    )


class SplitForm(BaseForm):
    submissions = OfferedSelectMultipleField(
        _l("Inbreng die naar het nieuwe thema gaat"), coerce=optional_int
    )
    # Its own id: the theme's edit form on the same page has a `title` field too.
    title = StringField(
        _l("Titel van het nieuwe thema"), validators=TITLE_VALIDATORS, id="split-title"
    )


# What portal.domain.themes.ThemeError codes mean, wherever a theme is changed.
THEME_ERRORS = {
    "empty_title": _l("Geef het thema een titel."),
    "title_too_long": _l("De titel mag hoogstens 120 tekens hebben."),
    "unknown_stage": _l("Kies een stap in de cyclus."),
    "one_step_at_a_time": _l("Een thema gaat één stap tegelijk vooruit."),
    "needs_summary": _l(
        "Schrijf eerst de samenvatting: de ervaringen in gewone taal. Dat is de vertaling."
    ),
    "needs_action": _l("Voeg eerst een actie toe: wat besloot of veranderde de gemeente?"),
    "actions_open": _l(
        "Er zijn nog acties gepland of bezig. Zet ze eerst op gedaan of niet gedaan."
    ),
    "summary_too_long": _l("De samenvatting mag hoogstens 5000 tekens hebben."),
    "publish_without_summary": _l(
        "Schrijf eerst een samenvatting. Inwoners zien die als eerste op de website."
    ),
    "needs_feedback": _l(
        "Schrijf eerst de terugkoppeling in het Nederlands: wat deed de gemeente met wat "
        "inwoners vertelden?"
    ),
    "reported_stays_published": _l(
        "Dit thema heeft een gepubliceerde terugkoppeling. Het blijft daarom op de website. "
        "Zet het eerst een stap terug."
    ),
    "bad_merge": _l("Kies een ander thema om mee samen te voegen."),
    "nothing_to_split": _l("Kies de inbreng die naar het nieuwe thema gaat."),
}


# What portal.domain.actions.ActionError codes mean, and on which field they go.
ACTION_ERRORS = {
    "empty_description": ("description", _l("Schrijf op wat de gemeente besloot of veranderde.")),
    "description_too_long": ("description", _l("Gebruik hoogstens 2000 tekens.")),
    "owner": ("owner", _l("Vul in wie het uitvoert, in hoogstens 120 tekens.")),
    "unknown_status": ("status", _l("Kies hoe ver het is.")),
    "reason_needed": ("reason", _l("Schrijf op waarom het niet is gedaan.")),
    "reason_too_long": ("reason", _l("Gebruik hoogstens 2000 tekens.")),
}


class ThemeActionForm(BaseForm):
    """One action on a theme. Several are on one page, so each form has a prefix."""

    description = TextAreaField(
        _l("Wat besloot of veranderde de gemeente?"),
        validators=[DataRequired(ACTION_ERRORS["empty_description"][1]), readable],
    )
    owner = StringField(
        _l("Wie voert het uit?"),
        validators=[DataRequired(ACTION_ERRORS["owner"][1]), readable],
    )
    decided_on = StringField(
        _l("Besloten op"),
        validators=[
            DataRequired(_l("Vul de datum van het besluit in.")),
            iso_date(_l("Vul een datum in zoals 2026-12-01 (jaar-maand-dag).")),
        ],
    )
    status = OfferedRadioField(
        _l("Hoe ver is het?"),
        choices=choices(ACTION_STATUS_LABELS),
        default="planned",
        invalid_message=ACTION_ERRORS["unknown_status"][1],
    )
    reason = TextAreaField(_l("Waarom niet gedaan?"), validators=[readable])


FEEDBACK_TOO_LONG = _l("Gebruik hoogstens 8000 tekens.")
FEEDBACK_ERRORS = {
    "too_long": FEEDBACK_TOO_LONG,
    "dutch_required": _l(
        "De terugkoppeling is al gepubliceerd. De Nederlandse tekst is nodig: andere talen "
        "vallen erop terug."
    ),
    "unknown_language": _l("Deze taal biedt het portaal niet aan."),
}


class FeedbackForm(BaseForm):
    """The feedback on a theme, one text per language the portal offers (`feedback_nl`,
    `feedback_ar`, ...). Only Dutch is needed to publish."""

    def bodies(self) -> dict[str, str]:
        return {code: self[f"feedback_{code}"].data or "" for code in LANGUAGES}

    def field_for(self, language: str):
        return self[f"feedback_{language}"]


for _code, _language in LANGUAGES.items():
    setattr(
        FeedbackForm,
        f"feedback_{_code}",
        TextAreaField(
            _l("Nederlands") if _code == DEFAULT_LANGUAGE else _language.native_name,
            validators=[Length(max=FEEDBACK_MAX_LENGTH, message=FEEDBACK_TOO_LONG), readable],
        ),
    )
