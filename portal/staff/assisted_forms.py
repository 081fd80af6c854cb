"""The form staff fill in for a resident, in person or on the phone."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from portal.forms import (
    BaseForm,
    OfferedRadioField,
    OfferedSelectField,
    email_address,
    optional_int,
    options,
    readable,
)
from portal.i18n import lazy_gettext as _l
from portal.languages import LANGUAGES
from portal.models import POSTAL_ADDRESS_MAX_LENGTH, TEXT_MAX_LENGTH
from portal.residents.forms import HEIGHT_LABELS
from portal.staff.labels import LANGUAGE_NAMES

CHANNEL_CHOICES = {
    "assisted": _l("In persoon: de bewoner is bij mij"),
    "phone": _l("Aan de telefoon"),
}
KIND_CHOICES = {
    "obstacle": _l("Een obstakel: er zit de bewoner iets in de weg"),
    "idea": _l("Een idee: iets wat beter kan"),
}
# What AssistedError codes mean on the form, by the field they belong to.
ASSISTED_ERRORS = {
    "unknown_channel": ("channel", _l("Kies hoe de bewoner het vertelt.")),
    "no_consent": (
        "resident_consent",
        _l("Vraag eerst of de bewoner het goed vindt dat u dit opschrijft. Zet dan het vinkje."),
    ),
    "unknown_language": ("language", _l("Kies een taal uit de lijst.")),
}


class AssistedEntryForm(BaseForm):
    """In the order staff go through it with the resident: agreement first."""

    resident_consent = BooleanField(
        _l(
            "De bewoner vindt het goed dat ik opschrijf wat hij of zij vertelt en dat naar de "
            "gemeente stuur. De bewoner weet dat de tekst zonder naam op de website kan komen."
        ),
        validators=[
            DataRequired(
                _l(
                    "Vraag eerst of de bewoner het goed vindt dat u dit opschrijft. "
                    "Zet dan het vinkje."
                )
            )
        ],
    )
    channel = OfferedRadioField(
        _l("Hoe vertelt de bewoner het?"),
        choices=options(CHANNEL_CHOICES.items()),
        invalid_message=_l("Kies hoe de bewoner het vertelt: in persoon of aan de telefoon."),
    )
    language = OfferedSelectField(
        _l("In welke taal vertelt de bewoner het?"),
        choices=options(
            [("", _l("Kies een taal")), *((code, LANGUAGE_NAMES[code]) for code in LANGUAGES)]
        ),
        default="",
        validators=[DataRequired(_l("Kies de taal waarin de bewoner het vertelt."))],
        invalid_message=_l("Kies een taal uit de lijst."),
    )
    kind = OfferedRadioField(
        _l("Wat vertelt de bewoner?"),
        choices=options(KIND_CHOICES.items()),
        invalid_message=_l("Kies of het een obstakel of een idee is."),
    )
    text = TextAreaField(
        _l("Wat de bewoner vertelt"),
        validators=[
            DataRequired(_l("Schrijf op wat de bewoner vertelt.")),
            Length(
                max=TEXT_MAX_LENGTH,
                message=_l(
                    "De tekst is te lang. Gebruik hoogstens %(max)d tekens. "
                    "Nu zijn het er %(length)d."
                ),
            ),
            readable,
        ],
    )
    height = OfferedRadioField(
        _l("Hoe erg zit dit de bewoner in de weg?"),
        choices=[SelectChoice(str(level), label) for level, label in HEIGHT_LABELS.items()]
        + [SelectChoice("", _l("Dat weet de bewoner niet"))],
        coerce=optional_int,
        default="",
    )
    life_domain = OfferedSelectField(_l("Waar gaat het over?"), coerce=optional_int)
    neighbourhood = OfferedSelectField(_l("In welke wijk is het?"), coerce=optional_int)
    email = StringField(_l("E-mailadres van de bewoner"), validators=[email_address, readable])
    postal_address = TextAreaField(
        _l("Postadres van de bewoner"),
        validators=[
            Length(
                max=POSTAL_ADDRESS_MAX_LENGTH,
                message=_l("Het postadres is te lang. Gebruik hoogstens %(max)d tekens."),
            ),
            readable,
        ],
    )
    contact_consent = BooleanField(
        _l("De bewoner wil bericht krijgen over deze inbreng, op dit adres.")
    )

    def __init__(self, *args, life_domains=(), neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        no_choice = SelectChoice("", _l("Niet gekozen"))
        self.life_domain.choices = [no_choice, *(SelectChoice(*c) for c in life_domains)]
        self.neighbourhood.choices = [no_choice, *(SelectChoice(*c) for c in neighbourhoods)]

    def validate_email(self, field):
        if self.contact_consent.data and not field.data and not self.postal_address.data:
            raise ValidationError(
                _l(
                    "De bewoner wil bericht krijgen. Vul een e-mailadres of een postadres in. "
                    "Wil de bewoner geen bericht? Haal dan het vinkje weg."
                )
            )

    def validate_contact_consent(self, field):
        if (self.email.data or self.postal_address.data) and not field.data:
            raise ValidationError(
                _l(
                    "Zet een vinkje als de bewoner bericht wil krijgen. Wil de bewoner geen "
                    "bericht? Maak het e-mailadres en het postadres dan leeg."
                )
            )
