"""The forms of the export page and the council report: read from the query string, so a
download is a link one can bookmark or send to a colleague."""

from datetime import date

from wtforms import StringField
from wtforms.validators import ValidationError

from portal.domain.exports import ExportFilter
from portal.forms import (
    BaseForm,
    OfferedRadioField,
    OfferedSelectField,
    iso_date,
    optional_iso_date,
    options,
)
from portal.i18n import lazy_gettext as _l
from portal.staff.labels import KIND_LABELS
from portal.staff.moderation_forms import InboxFilterForm

FORMATS = options(
    [
        ("csv", _l("CSV, om te openen in Excel")),
        ("json", _l("JSON, voor andere computerprogramma's")),
    ]
)
BAD_DATE = _l("Vul een datum in zoals 2026-12-01 (jaar-maand-dag), of laat het veld leeg.")
DATE_HINT = _l("Jaar-maand-dag, bijvoorbeeld 2026-12-01.")


YEARS = (2000, 2100)  # a wider range only makes mistakes (and overflows) possible


def _day(field) -> date | None:
    try:
        day = date.fromisoformat(field.data.strip()) if field.data else None
    except ValueError:
        return None
    return day if day is None or YEARS[0] <= day.year <= YEARS[1] else None


def sensible_year(form, field):
    """A validator, after the date check: the year is one the portal can have input from."""
    try:
        day = date.fromisoformat(field.data.strip()) if field.data else None
    except ValueError:
        return
    if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
        raise ValidationError(
            _l("Vul een jaar in tussen %(first)s en %(last)s.", first=YEARS[0], last=YEARS[1])
        )


def _check_order(form, since_field, until_field) -> None:
    since, until = _day(since_field), _day(until_field)
    if since and until and until < since:
        raise ValidationError(
            _l("De einddatum ligt voor de begindatum. Kies een latere einddatum.")
        )


class ExportFilterForm(InboxFilterForm):
    """The inbox's filters, without status (only published input goes out), with a
    range of days and the kind of file."""

    status = None
    kind = OfferedSelectField(
        _l("Soort"),
        choices=options(
            [
                ("", _l("Obstakels en ideeën")),
                ("obstacle", KIND_LABELS["obstacle"]),
                ("idea", KIND_LABELS["idea"]),
                ("evaluation", _l("Reacties op wat de gemeente deed")),
            ]
        ),
        default="",
        invalid_message=_l("Kies een soort uit de lijst."),
    )
    van = StringField(
        _l("Ontvangen vanaf"), validators=[optional_iso_date(BAD_DATE), sensible_year]
    )
    tot = StringField(
        _l("Ontvangen tot en met"), validators=[optional_iso_date(BAD_DATE), sensible_year]
    )
    formaat = OfferedRadioField(
        _l("Soort bestand"),
        choices=FORMATS,
        default="csv",
        invalid_message=_l("Kies CSV of JSON."),
    )

    def validate_tot(self, field):
        _check_order(self, self.van, field)

    def filters(self) -> ExportFilter:
        def chosen(field):
            return field.data if field.data not in (None, "", -1) else None

        return ExportFilter(
            kind=chosen(self.kind),
            channel=chosen(self.channel),
            language=chosen(self.language),
            neighbourhood_id=chosen(self.neighbourhood),
            life_domain_id=chosen(self.life_domain),
            theme_id=chosen(self.theme),
            since=_day(self.van),
            until=_day(self.tot),
        )


class ThemeExportForm(BaseForm):
    """Only the kind of file: every active theme goes out. Its field has an id of its own,
    because the export form above it on the same page has a `formaat` field too."""

    class Meta:
        csrf = False

    formaat = OfferedRadioField(
        _l("Soort bestand"),
        choices=FORMATS,
        default="csv",
        invalid_message=_l("Kies CSV of JSON."),
        id="theme-formaat",
    )


class ReportForm(BaseForm):
    """The period of the council report: both days included."""

    class Meta:
        csrf = False

    van = StringField(
        _l("Van"),
        validators=[
            iso_date(_l("Vul de eerste dag in, zoals 2026-01-01 (jaar-maand-dag).")),
            sensible_year,
        ],
    )
    tot = StringField(
        _l("Tot en met"),
        validators=[
            iso_date(_l("Vul de laatste dag in, zoals 2026-12-31 (jaar-maand-dag).")),
            sensible_year,
        ],
    )

    def validate_tot(self, field):
        _check_order(self, self.van, field)

    def period(self) -> tuple[date, date]:
        return _day(self.van), _day(self.tot)
