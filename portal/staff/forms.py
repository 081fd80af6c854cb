"""The staff forms. Messages are plain and translated, like the residents' ones."""

import re

from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.domain.reach import INHABITANTS_MAX
from portal.forms import BaseForm, OfferedSelectField, options
from portal.i18n import lazy_gettext as _l
from portal.models import ROLES
from portal.staff.labels import LANGUAGE_NAMES

ROLE_LABELS = {
    "admin": _l("Beheerder"),
    "moderator": _l("Moderator"),
    "wijkteam": _l("Wijkteam"),
    "policy": _l("Beleid (alleen lezen)"),
}


class LoginForm(BaseForm):
    email = StringField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul uw e-mailadres in.")), Length(max=254)],
    )
    # Passwords are not cleaned or stripped: every character counts.
    password = PasswordField(
        _l("Wachtwoord"),
        filters=(),
        validators=[DataRequired(_l("Vul uw wachtwoord in.")), Length(max=1000)],
    )

    class Meta(BaseForm.Meta):
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class is PasswordField:
                return unbound_field.bind(form=form, **options)
            return super().bind_field(form, unbound_field, options)


class CodeForm(BaseForm):
    code = StringField(
        _l("Code uit uw app"),
        validators=[DataRequired(_l("Vul de code van 6 cijfers uit uw app in.")), Length(max=20)],
    )


class LogoutForm(BaseForm):
    """Only the CSRF token: logging out is a POST, so another site cannot do it for you."""


class UserForm(BaseForm):
    email = StringField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul een e-mailadres in.")), Length(max=254)],
    )
    role = OfferedSelectField(
        _l("Rol"), choices=options((role, ROLE_LABELS[role]) for role in ROLES), default="moderator"
    )
    password = PasswordField(
        _l("Eerste wachtwoord"),
        validators=[DataRequired(_l("Vul een wachtwoord in van minstens 12 tekens."))],
    )

    class Meta(LoginForm.Meta):
        pass


# What accounts.AccountError codes mean, for the admin screen and the CLI.
ACCOUNT_ERRORS = {
    "unknown_role": _l("Deze rol bestaat niet."),
    "bad_email": _l("Vul een e-mailadres in zoals naam@gemeente.nl."),
    "exists": _l("Er is al een account met dit e-mailadres."),
    "too_short": _l("Het wachtwoord moet minstens 12 tekens hebben."),
    "too_long": _l("Het wachtwoord mag hoogstens 128 tekens hebben."),
    "contains_name": _l("Het wachtwoord mag het e-mailadres niet bevatten."),
    "too_simple": _l("Het wachtwoord is te eenvoudig. Gebruik bijvoorbeeld een paar woorden."),
}


class RoleForm(BaseForm):
    role = OfferedSelectField(
        _l("Rol"),
        choices=options((role, ROLE_LABELS[role]) for role in ROLES),
        invalid_message=_l("Kies een rol."),
    )


class NameForm(BaseForm):
    name = StringField(
        _l("Naam"),
        validators=[DataRequired(_l("Vul een naam in.")), Length(max=120)],
    )
    active = BooleanField(_l("Inwoners kunnen dit kiezen"), default=True)


class LifeDomainForm(BaseForm):
    """A gemeente's own life domain: a Dutch name, and a name per other language."""

    label = StringField(
        _l("Naam in het Nederlands"),
        validators=[DataRequired(_l("Vul een naam in.")), Length(max=120)],
    )
    active = BooleanField(_l("Inwoners kunnen dit kiezen"), default=True)


def with_language_fields(form_class, languages):
    """LifeDomainForm with one optional name field per offered language other than Dutch."""

    class Form(form_class):
        pass

    for language in languages:
        setattr(
            Form,
            f"label_{language.code}",
            StringField(
                _l("Naam in het %(language)s", language=LANGUAGE_NAMES[language.code]),
                validators=[Length(max=120)],
            ),
        )
    return Form


# --- wijken with their inhabitants, and the questions of "over mij" -------------------------

_COUNT = re.compile(r"^(\d+|\d{1,3}([. ]\d{3})+)$")  # 12500, 12.500 or 12 500


def count_of(value: str | None) -> int | None:
    """A whole number as people type it (12500, 12.500, 12 500); None when it is not one."""
    value = (value or "").strip()
    if not _COUNT.match(value):
        return None
    return int(value.replace(".", "").replace(" ", ""))


class NeighbourhoodForm(NameForm):
    """A wijk: its name, whether residents can choose it, and how many people live there.

    The number is a text field, so that whatever was typed is shown again with the message.
    """

    inhabitants = StringField(
        _l("Aantal inwoners"),
        validators=[Length(max=20, message=_l("Vul een aantal in van hoogstens 8 cijfers."))],
    )

    def validate_inhabitants(self, field):
        if not field.data:
            return
        negative = field.data[0] in "-−"
        number = count_of(field.data[1:] if negative else field.data)
        if negative and number:
            raise ValidationError(_l("Het aantal inwoners kan niet kleiner zijn dan 0."))
        if negative or number is None:
            raise ValidationError(
                _l(
                    "Vul het aantal inwoners in met cijfers, zoals 12500. "
                    "Weet u het niet? Laat het veld dan leeg."
                )
            )
        if number > INHABITANTS_MAX:
            raise ValidationError(
                _l("Dit aantal is te groot. Vul het aantal inwoners van de wijk in.")
            )

    @property
    def inhabitants_count(self) -> int | None:
        return count_of(self.inhabitants.data)


class ProfileQuestionForm(BaseForm):
    """A question of "over mij": the Dutch text and its answers, one answer a line."""

    text = StringField(
        _l("Vraag in het Nederlands"),
        validators=[
            DataRequired(_l("Vul de vraag in.")),
            Length(max=200, message=_l("De vraag mag hoogstens 200 tekens hebben.")),
        ],
    )
    options = TextAreaField(
        _l("Antwoorden in het Nederlands"),
        validators=[
            DataRequired(_l("Vul minstens twee antwoorden in, elk op een eigen regel.")),
            Length(max=2000, message=_l("Maak de antwoorden korter.")),
        ],
    )


def with_profile_language_fields(form_class, languages):
    """ProfileQuestionForm with the question and its answers in each other offered language."""

    class Form(form_class):
        pass

    for language in languages:
        name = LANGUAGE_NAMES[language.code]
        setattr(
            Form,
            f"text_{language.code}",
            StringField(
                _l("Vraag in het %(language)s", language=name),
                validators=[
                    Length(max=200, message=_l("De vraag mag hoogstens 200 tekens hebben."))
                ],
            ),
        )
        setattr(
            Form,
            f"options_{language.code}",
            TextAreaField(
                _l("Antwoorden in het %(language)s", language=name),
                validators=[Length(max=2000, message=_l("Maak de antwoorden korter."))],
            ),
        )
    return Form


class RemoveQuestionForm(BaseForm):
    confirm = BooleanField(_l("Ja, verwijder deze vraag en alle antwoorden erop."))

    def validate_confirm(self, field):
        if not field.data:
            raise ValidationError(
                _l("Zet een vinkje als u de vraag en alle antwoorden erop wilt verwijderen.")
            )
