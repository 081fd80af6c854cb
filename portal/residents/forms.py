"""The forms residents fill in."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from portal.forms import (
    OfferedRadioField,
    OfferedSelectField,
    PublicForm,
    email_address,
    optional_int,
    readable,
)
from portal.i18n import lazy_gettext as _l
from portal.languages import LANGUAGES
from portal.models import TEXT_MAX_LENGTH

HEIGHT_LABELS = {
    1: _l("Een klein ongemak"),
    2: _l("Lastig, maar het lukt me wel"),
    3: _l("Het kost me veel moeite"),
    4: _l("Het lukt me meestal niet"),
    5: _l("Ik kan helemaal niet meedoen"),
}


QUESTIONS = {
    "obstacle": _l("Wat zit u in de weg?"),
    "idea": _l("Wat is uw idee?"),
    "life_domain": _l("Waar gaat het over?"),
    "neighbourhood": _l("In welke wijk is het?"),
    "height": _l("Hoe erg zit dit u in de weg?"),
}


class SubmissionForm(PublicForm):
    """One obstacle or idea. Which of the two comes from the page, not from a field."""

    text = TextAreaField(
        validators=[
            DataRequired(_l("Schrijf op wat u wilt vertellen.")),
            Length(
                max=TEXT_MAX_LENGTH,
                message=_l(
                    "Uw tekst is te lang. Gebruik maximaal %(max)d tekens. "
                    "Nu zijn het er %(length)d."
                ),
            ),
            readable,
        ],
    )
    life_domain = OfferedSelectField(QUESTIONS["life_domain"], coerce=optional_int)
    neighbourhood = OfferedSelectField(QUESTIONS["neighbourhood"], coerce=optional_int)
    height = OfferedRadioField(
        QUESTIONS["height"],
        choices=[SelectChoice(str(level), label) for level, label in HEIGHT_LABELS.items()]
        + [SelectChoice("", _l("Dat weet ik niet"))],
        coerce=optional_int,
        default="",
    )
    email = StringField(
        _l("Uw e-mailadres"),
        validators=[email_address, readable],
    )
    contact_consent = BooleanField(_l("Ja, ik wil bericht krijgen over mijn inbreng."))

    def __init__(self, *args, life_domains=(), neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        no_choice = SelectChoice("", _l("Kies als u wilt"))
        self.life_domain.choices = [no_choice, *(SelectChoice(*c) for c in life_domains)]
        self.neighbourhood.choices = [no_choice, *(SelectChoice(*c) for c in neighbourhoods)]

    def validate_contact_consent(self, field):
        if self.email.data and not field.data:
            raise ValidationError(
                _l(
                    "Zet een vinkje als u bericht wilt krijgen. "
                    "Wilt u geen bericht? Maak het e-mailadres dan leeg."
                )
            )

    def validate_email(self, field):
        if self.contact_consent.data and not field.data:
            raise ValidationError(_l("Vul uw e-mailadres in, zodat we u bericht kunnen sturen."))


class SendForm(PublicForm):
    """The check page: all answers are in the draft; this only confirms."""


class LookupForm(PublicForm):
    code = StringField(
        _l("Uw volgcode"),
        validators=[DataRequired(_l("Vul uw volgcode in.")), Length(max=40), readable],
    )


class ExperienceForm(PublicForm):
    """ "This happens to me too" on a theme: one button, nothing else to fill in."""


class PaperFormRequest(PublicForm):
    """Which blank form to download: its language and the size of its letters."""

    language = OfferedRadioField(
        _l("In welke taal?"),
        choices=[SelectChoice(code, language.native_name) for code, language in LANGUAGES.items()],
    )
    variant = OfferedRadioField(
        _l("Welke letters?"),
        choices=[
            SelectChoice("standard", _l("Gewone letters")),
            SelectChoice("large_print", _l("Grote letters")),
        ],
        default="standard",
    )


EVALUATION_CHOICES = {
    "helps": _l("Ja, het helpt mij"),
    "helps_a_little": _l("Het helpt mij een beetje"),
    "does_not_help": _l("Nee, het helpt mij niet"),
    "not_noticed": _l("Ik merk er nog niets van"),
}
COMMENT_TOO_LONG = _l("Uw reactie is te lang. Gebruik maximaal %(max)d tekens.")


class EvaluationForm(PublicForm):
    """Does what the gemeente did help? On the status page the receipt code is known."""

    answer = OfferedRadioField(
        _l("Helpt dit u?"),
        choices=[SelectChoice(value, label) for value, label in EVALUATION_CHOICES.items()],
        invalid_message=_l("Kies een antwoord: helpt het u?"),
    )
    comment = TextAreaField(
        _l("Wilt u er iets over vertellen?"),
        validators=[Length(max=TEXT_MAX_LENGTH, message=COMMENT_TOO_LONG), readable],
    )


class CodeEvaluationForm(EvaluationForm):
    """The same question on the public feedback page, where the receipt code shows that
    the person took part."""

    code = StringField(
        _l("Uw volgcode"),
        validators=[DataRequired(_l("Vul uw volgcode in.")), Length(max=40), readable],
    )


class RemoveContactForm(PublicForm):
    """Removing one's contact details cannot be undone: a tick confirms it."""

    confirm = BooleanField(
        _l("Ja, haal mijn contactgegevens weg. Ik weet dat ik dan geen bericht meer krijg."),
        validators=[DataRequired(_l("Zet een vinkje als u uw contactgegevens wilt weghalen."))],
    )
