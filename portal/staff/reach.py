"""Who is heard, who is missing: reach per wijk, channel, language and month, the wijken and
channels that fall behind in words, and the "over mij" counts with small groups suppressed."""

from datetime import UTC, datetime

from flask import render_template, request
from flask_babel import format_date, format_decimal

from portal.db import get_session
from portal.domain import profiles, reach
from portal.domain.disclosure import MINIMUM_GROUP
from portal.i18n import current_language
from portal.i18n import lazy_gettext as _l
from portal.languages import LANGUAGES
from portal.staff import bp
from portal.staff.access import allow
from portal.staff.labels import LANGUAGE_NAMES

# The periods the page offers, by their word in the URL.
PERIODS = {"jaar": _l("Afgelopen 12 maanden"), "alles": _l("Alles")}
PERIOD_MONTHS = 12

# One whole sentence per channel: the channel's name does not fit one sentence in every
# language.
CHANNEL_QUIET = {
    "web": _l(
        "Via de website kwam in de laatste %(months)d maanden geen inbreng. "
        "De laatste kwam op %(date)s."
    ),
    "paper": _l(
        "Op papier kwam in de laatste %(months)d maanden geen inbreng. De laatste kwam op %(date)s."
    ),
    "assisted": _l(
        "Met hulp van een medewerker kwam in de laatste %(months)d maanden geen inbreng. "
        "De laatste kwam op %(date)s."
    ),
    "phone": _l(
        "Via de telefoon kwam in de laatste %(months)d maanden geen inbreng. "
        "De laatste kwam op %(date)s."
    ),
}
CHANNEL_NEVER = {
    "web": _l("Via de website kwam nog nooit inbreng."),
    "paper": _l("Op papier kwam nog nooit inbreng."),
    "assisted": _l("Met hulp van een medewerker kwam nog nooit inbreng."),
    "phone": _l("Via de telefoon kwam nog nooit inbreng."),
}
WIJK_SENTENCES = {
    reach.WIJK_WITHOUT_INHABITANTS: _l(
        "Van %(wijk)s weten we niet hoeveel mensen er wonen. "
        "Daarom kunnen we niet zien of deze wijk achterblijft."
    ),
    reach.WIJK_WITHOUT_INPUT: _l("Uit %(wijk)s kwam in deze periode geen inbreng."),
    reach.WIJK_BELOW_HALF: _l(
        "Uit %(wijk)s komt weinig inbreng: %(rate)s per 1.000 inwoners. "
        "Dat is minder dan de helft van de hele gemeente (%(gemeente_rate)s per 1.000)."
    ),
}


def rate(value: float | None) -> str:
    """Input per 1,000 inhabitants, with one decimal, as the reader writes numbers."""
    return "–" if value is None else format_decimal(value, "#,##0.0")


def number(value: int) -> str:
    return format_decimal(value)


def shortfall_sentence(shortfall: reach.Shortfall) -> str:
    """What one Shortfall means, in a whole sentence in the reader's language."""
    if shortfall.kind == reach.CHANNEL_QUIET:
        channel = shortfall.channel.channel
        if shortfall.last_input_at is None:
            return str(CHANNEL_NEVER[channel])
        return str(CHANNEL_QUIET[channel]) % {
            "months": reach.QUIET_MONTHS,
            "date": format_date(shortfall.last_input_at, "long"),
        }
    return str(WIJK_SENTENCES[shortfall.kind]) % {
        "wijk": shortfall.wijk.name,
        "rate": rate(shortfall.rate),
        "gemeente_rate": rate(shortfall.gemeente_rate),
    }


def language_name(code: str) -> tuple[str, str | None]:
    """A language's name for staff, and its own name when the portal offers it."""
    own = LANGUAGES.get(code)
    return str(LANGUAGE_NAMES.get(code, code)), (own.native_name if own else None)


def option_label(report: profiles.QuestionReport, key) -> str:
    """The label of one answer in a breakdown, in the reader's language."""
    if key is profiles.NO_ANSWER:
        return str(profiles.NO_ANSWER_LABEL)
    if report.question is None:
        return str(profiles.AGE_BAND_LABELS[key])
    option = report.options[key]
    return profiles.localized(option.label, option.translations, current_language().code)


def question_text(report: profiles.QuestionReport) -> str:
    if report.question is None:
        return str(profiles.AGE_QUESTION)
    question = report.question
    return profiles.localized(question.text, question.translations, current_language().code)


@bp.get("/bereik")
@allow("read")
def reach_page():
    period = request.args.get("periode")
    period = period if period in PERIODS else "jaar"
    now = datetime.now(UTC)
    since = reach.months_before(now, PERIOD_MONTHS) if period == "jaar" else None
    db = get_session()
    figures = reach.reach(db, since, now)
    return render_template(
        "staff/reach.html",
        figures=figures,
        sentences=[shortfall_sentence(shortfall) for shortfall in figures.shortfalls],
        inhabitants_missing=any(
            s.kind == reach.WIJK_WITHOUT_INHABITANTS for s in figures.shortfalls
        ),
        about=profiles.report(db),
        periods=PERIODS,
        period=period,
        since=since,
        minimum=MINIMUM_GROUP,
        rate=rate,
        number=number,
        language_name=language_name,
        option_label=option_label,
        question_text=question_text,
        format_date=format_date,
    )
