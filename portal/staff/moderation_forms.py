"""The forms of the inbox and the submission page."""

from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import (
    BaseForm,
    OfferedSelectField,
    OfferedSelectMultipleField,
    optional_int,
    options,
    readable,
)
from portal.i18n import lazy_gettext as _l
from portal.models import TEXT_MAX_LENGTH
from portal.staff.labels import (
    CHANNEL_LABELS,
    HIDE_REASON_LABELS,
    KIND_LABELS,
    LANGUAGE_NAMES,
    STATUS_LABELS,
    choices,
)

ANY = _l("Alles")


class InboxFilterForm(BaseForm):
    """Read from the query string: a filtered inbox is a link one can share or bookmark."""

    class Meta:
        csrf = False

    kind = OfferedSelectField(_l("Soort"), choices=choices(KIND_LABELS, ANY), default="")
    status = OfferedSelectField(_l("Status"), choices=choices(STATUS_LABELS, ANY), default="")
    channel = OfferedSelectField(_l("Kanaal"), choices=choices(CHANNEL_LABELS, ANY), default="")
    language = OfferedSelectField(_l("Taal"), choices=choices(LANGUAGE_NAMES, ANY), default="")
    neighbourhood = OfferedSelectField(_l("Wijk"), coerce=optional_int, default=None)
    life_domain = OfferedSelectField(_l("Leefgebied"), coerce=optional_int, default=None)
    theme = OfferedSelectField(_l("Thema"), coerce=optional_int, default=None)

    def __init__(self, *args, neighbourhoods, life_domains, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.neighbourhood.choices = options([("", ANY), *neighbourhoods])
        self.life_domain.choices = options([("", ANY), *life_domains])
        self.theme.choices = options([("", ANY), ("0", _l("Nog geen thema")), *themes])


class HideForm(BaseForm):
    reason = OfferedSelectField(
        _l("Waarom verbergen?"),
        # No reason is chosen beforehand: hiding is a decision with a reason, not a default.
        choices=choices(HIDE_REASON_LABELS, _l("(kies een reden)")),
        validators=[DataRequired(_l("Kies waarom u dit verbergt."))],
        invalid_message=_l("Kies waarom u dit verbergt."),
    )


class EditTextForm(BaseForm):
    text = TextAreaField(
        _l("Tekst"),
        validators=[
            DataRequired(_l("De tekst mag niet leeg zijn.")),
            Length(max=TEXT_MAX_LENGTH, message=_l("De tekst mag hoogstens 5000 tekens hebben.")),
            readable,
        ],
    )


class ThemesForm(BaseForm):
    themes = OfferedSelectMultipleField(
        _l("Thema's"), coerce=optional_int, invalid_message=_l("Kies een thema uit de lijst.")
    )
    new_theme = StringField(_l("Of maak een nieuw thema"), validators=[Length(max=120)])


class DuplicateForm(BaseForm):
    original = StringField(_l("Dubbel van (nummer of volgcode)"), validators=[Length(max=32)])


class ActionForm(BaseForm):
    """Only the CSRF token: for buttons such as Publiceren."""


class BulkForm(BaseForm):
    """The selection under the inbox. Its fields have ids of their own: the filter form
    above it on the same page has a `theme` field too."""

    ids = SelectMultipleField(
        _l("Gekozen inbreng"), coerce=optional_int, validate_choice=False, id="bulk-ids"
    )
    action = OfferedSelectField(
        id="bulk-action",
        invalid_message=_l("Kies wat u wilt doen."),
        label=_l("Wat wilt u doen met de gekozen inbreng?"),
        choices=options(
            [
                ("publish", _l("Publiceren")),
                ("hide", _l("Verbergen")),
                ("theme", _l("Aan een thema toevoegen")),
            ]
        ),
    )
    reason = OfferedSelectField(
        _l("Reden om te verbergen"),
        choices=choices(HIDE_REASON_LABELS, _l("(geen)")),
        id="bulk-reason",
    )
    theme = OfferedSelectField(_l("Thema"), coerce=optional_int, id="bulk-theme")
