"""The wijkteam's forms: a new batch, finding a form by its code, and keying it in."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.domain.paper import split_contact
from portal.forms import (
    BaseForm,
    OfferedRadioField,
    OfferedSelectField,
    is_email_address,
    iso_date,
    options,
    readable,
)
from portal.i18n import lazy_gettext as _l
from portal.languages import LANGUAGES
from portal.models import BATCH_MAX_FORMS, POSTAL_ADDRESS_MAX_LENGTH, TEXT_MAX_LENGTH
from portal.residents.forms import HEIGHT_LABELS
from portal.staff.labels import KIND_LABELS, LANGUAGE_NAMES, VARIANT_LABELS

NOT_FILLED = _l("Niet ingevuld")

# What PaperError codes mean on the keying screens.
KEYING_ERRORS = {
    "typo": _l(
        "Deze code klopt niet. Misschien is er een teken verkeerd overgetypt. Kijk de code "
        "op het formulier nog eens na."
    ),
    "unknown": _l("Deze code hoort niet bij een stapel formulieren van ons."),
    "keyed": _l("Dit formulier is al ingevoerd door %(by)s op %(at)s."),
    "same_person": _l(
        "U heeft dit formulier al een keer ingevoerd. Bij deze stapel voert iemand anders "
        "het formulier nog een keer in, zonder uw invoer te zien."
    ),
    "round_taken": _l(
        "Iemand anders heeft dit formulier net ingevoerd. Open het formulier opnieuw om te "
        "zien wat er nog moet gebeuren."
    ),
    "not_both_rounds": _l("Dit formulier is nog niet twee keer ingevoerd."),
    "kind": _l("Kies obstakel of idee."),
}
DATE = _l("Vul een datum in zoals 2026-12-01 (jaar-maand-dag).")
BATCH_ERRORS = {
    "unknown_language": _l("Kies een taal uit de lijst."),
    "unknown_variant": _l("Kies gewone of grote letters."),
    "forms_range": _l("Kies een aantal van 1 tot en met %(maximum)d."),
    "place": _l("Vul in waar de formulieren worden uitgedeeld, in hoogstens 120 tekens."),
}


def _whole_number(form, field):
    value = (field.data or "").strip()
    if not value.isdigit() or not 1 <= int(value) <= BATCH_MAX_FORMS:
        raise ValidationError(
            _l("Vul een aantal in van 1 tot en met %(maximum)d.", maximum=BATCH_MAX_FORMS)
        )


class BatchForm(BaseForm):
    language = OfferedSelectField(
        _l("Taal van de formulieren"),
        choices=options((code, LANGUAGE_NAMES[code]) for code in LANGUAGES),
        default="nl",
    )
    variant = OfferedRadioField(
        _l("Letters"), choices=options(VARIANT_LABELS.items()), default="standard"
    )
    forms = StringField(
        _l("Aantal formulieren"),
        validators=[DataRequired(_l("Vul in hoeveel formulieren u wilt printen.")), _whole_number],
    )
    place = StringField(
        _l("Waar deelt u ze uit?"),
        validators=[
            DataRequired(_l("Vul in waar de formulieren worden uitgedeeld.")),
            Length(max=120, message=_l("Gebruik hoogstens 120 tekens.")),
            readable,
        ],
    )
    neighbourhood = OfferedSelectField(_l("Wijk"))
    handout_date = StringField(
        _l("Vanaf welke datum?"),
        validators=[DataRequired(_l("Vul de datum in waarop u ze uitdeelt.")), iso_date(DATE)],
    )
    double_keying = BooleanField(
        _l("Twee keer invoeren: een tweede persoon voert elk formulier nog een keer in")
    )

    def __init__(self, *args, neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.neighbourhood.choices = options([("", _l("Geen wijk")), *neighbourhoods])


class FindForm(BaseForm):
    code = StringField(
        _l("Formuliercode"),
        validators=[
            DataRequired(_l("Vul de code in die bovenaan het formulier staat.")),
            Length(max=40, message=_l("Deze code klopt niet.")),
        ],
    )


class KeyingForm(BaseForm):
    """Field by field as on the paper, in the same order. Options are the batch's own."""

    kind = OfferedRadioField(
        _l("Obstakel of idee"),
        choices=options(KIND_LABELS.items()),
        invalid_message=_l(
            "Kies obstakel of idee. Staat er geen kruisje? Kies wat het best past bij de tekst."
        ),
    )
    text = TextAreaField(
        _l("Tekst"),
        validators=[
            DataRequired(_l("Typ de tekst over die op het formulier staat.")),
            Length(
                max=TEXT_MAX_LENGTH,
                message=_l("De tekst is te lang: hoogstens %(max)d tekens."),
            ),
            readable,
        ],
    )
    height = OfferedRadioField(
        _l("Hoe erg (alleen bij een obstakel)"),
        choices=options([*((str(k), v) for k, v in HEIGHT_LABELS.items()), ("", NOT_FILLED)]),
        default="",
    )
    life_domain = OfferedRadioField(_l("Waar gaat het over?"), default="")
    neighbourhood = OfferedRadioField(_l("Welke wijk?"), default="")
    consent = BooleanField(_l("Wil bericht krijgen (vakje aangekruist)"))
    contact = TextAreaField(
        _l("E-mailadres of postadres"),
        validators=[
            Length(
                max=POSTAL_ADDRESS_MAX_LENGTH,
                message=_l("Gebruik hoogstens %(max)d tekens."),
            ),
            readable,
        ],
    )

    def __init__(self, *args, printed: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.life_domain.choices = options([*printed.get("life_domain", []), ("", NOT_FILLED)])
        self.neighbourhood.choices = options([*printed.get("neighbourhood", []), ("", NOT_FILLED)])

    def validate_contact(self, field):
        if field.data and not self.consent.data:
            raise ValidationError(
                _l(
                    "Het vakje voor bericht is niet aangekruist. Laat het adres dan leeg: "
                    "zonder toestemming bewaren we het niet."
                )
            )
        if self.consent.data and not field.data:
            raise ValidationError(
                _l("Het vakje voor bericht is aangekruist. Typ het adres over dat erbij staat.")
            )
        email, _postal = split_contact(field.data)
        if email is not None and not is_email_address(email):
            raise ValidationError(
                _l("Vul een e-mailadres in zoals naam@voorbeeld.nl, of laat het veld leeg.")
            )


def resolve_form(differences, rounds, labels):
    """A form with one choice per field the two keyings disagree on: round 1 or round 2."""

    class ResolveForm(BaseForm):
        pass

    for name in differences:
        choices = [(str(n), labels(name, getattr(rounds[n], name))) for n in (1, 2)]
        setattr(
            ResolveForm,
            name,
            OfferedRadioField(
                FIELD_LABELS[name],
                choices=options(choices),
                validators=[DataRequired(_l("Kies wat er op het papier staat."))],
            ),
        )
    return ResolveForm


FIELD_LABELS = {
    "kind": KeyingForm.kind.args[0],
    "text": KeyingForm.text.args[0],
    "height": KeyingForm.height.args[0],
    "life_domain": KeyingForm.life_domain.args[0],
    "neighbourhood": KeyingForm.neighbourhood.args[0],
    "consent": KeyingForm.consent.args[0],
    "contact": KeyingForm.contact.args[0],
}
