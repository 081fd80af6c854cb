"""The staff dashboard: who is heard, through which channel and about what, in charts
with their figures as tables (portal/staff/dashboard_charts.py), for a period staff choose.
"""

from datetime import date

from flask import render_template, request
from flask_babel import format_date, format_decimal, get_timezone
from wtforms import StringField
from wtforms.validators import ValidationError

from portal.db import get_session
from portal.domain import dashboard as figures
from portal.forms import BaseForm, optional_iso_date
from portal.i18n import current_language, gettext, ngettext
from portal.i18n import lazy_gettext as _l
from portal.staff import bp
from portal.staff.access import allow
from portal.staff.dashboard_charts import chart_sections

# Dates outside these years are typing errors here (and would overflow the date sums).
FIRST_YEAR, LAST_YEAR = 2000, 2099
DATE_FORMAT_MESSAGE = _l(
    "Vul een datum in zoals 2026-12-01 (jaar-maand-dag), of laat het veld leeg."
)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _plausible_year(form, field):
    day = _day(field.data)
    if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            _l("Kies een datum tussen %(first)s en %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class DashboardFilterForm(BaseForm):
    """The period, read from the query string: a dashboard for a period is a link to share."""

    since = StringField(
        _l("Vanaf"), validators=[optional_iso_date(DATE_FORMAT_MESSAGE), _plausible_year]
    )
    until = StringField(
        _l("Tot en met"), validators=[optional_iso_date(DATE_FORMAT_MESSAGE), _plausible_year]
    )

    class Meta:
        csrf = False

    def validate_until(self, field):
        since, until = _day(self.since.data), _day(field.data)
        if since and until and until < since:
            raise ValidationError(
                _l("Deze datum ligt voor de datum bij 'Vanaf'. Kies een latere datum.")
            )

    def period(self) -> figures.Period:
        return figures.Period(_day(self.since.data), _day(self.until.data))


@bp.get("/dashboard")
@allow("read")
def dashboard():
    form = DashboardFilterForm(request.args)
    if not form.validate():
        return render_template("staff/dashboard.html", form=form, data=None), 400
    data = figures.dashboard(get_session(), form.period(), zone=get_timezone())
    return render_template(
        "staff/dashboard.html",
        form=form,
        data=data,
        period=period_text(data.period),
        total=ngettext(
            "In deze periode kwam er %(num)s keer inbreng binnen.",
            "In deze periode kwam er %(num)s keer inbreng binnen.",
            data.inputs,
        )
        % {"num": format_decimal(data.inputs)},
        sections=chart_sections(data, direction=current_language().direction),
    )


def period_text(period: figures.Period) -> str:
    start = format_date(period.start, "long") if period.start else None
    end = format_date(period.end, "long") if period.end else None
    if start and end:
        return gettext("Periode: van %(start)s tot en met %(end)s.", start=start, end=end)
    if start:
        return gettext("Periode: vanaf %(start)s.", start=start)
    if end:
        return gettext("Periode: alles tot en met %(end)s.", end=end)
    return gettext("Periode: alle inbreng tot nu.")
