"""The forms of the theme pages."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import (
    BaseForm,
    OfferedSelectField,
    OfferedSelectMultipleField,
    optional_int,
    readable,
)
from portal.i18n import lazy_gettext as _l
from portal.models import SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH
from portal.staff.labels import STAGE_LABELS, choices

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
    stage = OfferedSelectField(
        _l("Stap in de cyclus"),
        choices=choices(STAGE_LABELS),
        invalid_message=_l("Kies een stap in de cyclus."),
    )
    published = BooleanField(_l("Laat dit thema zien op de website voor inwoners"))


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
    "summary_too_long": _l("De samenvatting mag hoogstens 5000 tekens hebben."),
    "publish_without_summary": _l(
        "Schrijf eerst een samenvatting. Inwoners zien die als eerste op de website."
    ),
    "bad_merge": _l("Kies een ander thema om mee samen te voegen."),
    "nothing_to_split": _l("Kies de inbreng die naar het nieuwe thema gaat."),
}
