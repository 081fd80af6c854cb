"""The base forms: every field cleaned the same way, public forms with a honeypot."""

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.domain import text
from portal.i18n import lazy_gettext as _l
from portal.models import EMAIL_MAX_LENGTH


class BaseForm(FlaskForm):
    """Strips outer space, control and bidi-override characters from every text field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [text.clean, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid and getattr(self, "csrf_token", None) is not None and self.csrf_token.errors:
            # Nothing typed is lost: the page shows every answer again with this message.
            self.csrf_token.errors = [
                _l(
                    "Deze pagina was te lang open, of uw browser heeft een cookie niet "
                    "bewaard. Uw antwoorden staan er nog. Kijk ze na en verstuur opnieuw."
                )
            ]
            self._errors = None
        return valid


class PublicForm(BaseForm):
    """A form anyone can send; the honeypot field is hidden from people, not from bots."""

    # Translators: label of a field that is hidden from people and only robots fill in.
    website = StringField(_l("Laat dit veld leeg"))

    def validate_website(self, field):
        if field.data:
            raise ValidationError(
                _l("We konden dit niet verwerken. Probeer het nog eens of neem contact op.")
            )


def readable(form, field):
    """Refuse text with bytes the browser could not send as UTF-8, instead of storing it."""
    if text.has_undecodable_bytes(field.data):
        raise ValidationError(
            _l(
                "Er staan tekens in die we niet kunnen lezen (�). "
                "Haal ze weg of typ die woorden opnieuw."
            )
        )


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def is_email_address(value: str) -> bool:
    return len(value) <= EMAIL_MAX_LENGTH and bool(_EMAIL.match(value))


def email_address(form, field):
    if field.data and not is_email_address(field.data):
        raise ValidationError(
            _l("Vul een e-mailadres in zoals naam@voorbeeld.nl, of laat het veld leeg.")
        )


def iso_date(message):
    """A validator: the field holds a date as 2026-12-01 (what <input type=date> sends)."""

    def check(form, field):
        try:
            date.fromisoformat((field.data or "").strip())
        except ValueError:
            raise ValidationError(message) from None

    return check


def optional_iso_date(message):
    """iso_date, where leaving the field empty is fine too."""
    check = iso_date(message)

    def maybe(form, field):
        if field.data:
            check(form, field)

    return maybe


class _OfferedChoice:
    """A choice field that answers in plain words when the value is not one it offered.

    That happens when a wijk was removed between showing the form and sending it, or when
    someone edits the page; WTForms' own message ("Not a valid choice") means nothing to
    people. `invalid_message` says what to choose instead, where a field knows better.
    """

    def __init__(self, *args, invalid_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or _l(
            "Deze keuze kunnen we niet gebruiken. Kies opnieuw."
        )

    def pre_validate(self, form):
        if not any(choice.selected for choice in self.iter_choices()):
            raise ValidationError(self.invalid_message)


class OfferedSelectMultipleField(SelectMultipleField):
    """Several choices; one that was not offered gets a plain message, not WTForms' own."""

    def __init__(self, *args, invalid_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or _l(
            "Deze keuze kunnen we niet gebruiken. Kies opnieuw."
        )

    def pre_validate(self, form):
        offered = {choice.value for choice in self.iter_choices()}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(self.invalid_message)


class OfferedSelectField(_OfferedChoice, SelectField):
    pass


class OfferedRadioField(_OfferedChoice, RadioField):
    pass


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_int(value):
    """Coerce a choice to an int; no choice is None, and anything else is not offered (-1)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
