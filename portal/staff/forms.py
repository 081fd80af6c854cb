"""The staff forms. Messages are plain and translated, like the residents' ones."""

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

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
