"""The council report: a PDF per period, for the gemeenteraad, made while one waits.

It is staff-only and bounded (one document, a few pages per theme), so it is rendered in
the request. It is written in the staff member's language, Dutch unless they chose
another; residents' own words keep theirs.
"""

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask_babel import format_percent, get_locale

from portal import charts
from portal.collector import rare_collections
from portal.db import get_session, session_for
from portal.domain import audit, reports
from portal.http import pdf_download
from portal.i18n import gettext, ngettext
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import CHANNELS, EVALUATION_ANSWERS, STAGES, utcnow
from portal.printing import _text_direction as text_direction
from portal.residents.forms import HEIGHT_LABELS
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.labels import CHANNEL_LABELS, EVALUATION_LABELS, STAGE_LABELS
from portal.staff.report_forms import ReportForm


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _page(form: ReportForm, status: int = 200):
    return render_template("staff/report.html", form=form), status


@bp.get("/rapport")
@allow("read")
def report_page():
    today = utcnow().astimezone(_zone()).date()
    form = ReportForm(formdata=None, van=date(today.year, 1, 1).isoformat(), tot=today.isoformat())
    return _page(form)


@bp.get("/rapport.pdf")
@allow("read")
def report_pdf():
    form = ReportForm(request.args)
    if not form.validate():
        return _page(form, 400)
    since, until = form.period()
    db = get_session()
    report = reports.council_report(db, reports.Period(since, until), _zone())
    pdf = render(report)
    with session_for(current_app) as writer:
        audit.record_event(
            writer,
            acting_user(),
            "report.council",
            "export",
            None,
            None,
            {"since": since.isoformat(), "until": until.isoformat(), "themes": len(report.themes)},
        )
        writer.commit()
    return pdf_download(pdf, f"raadsrapport-{since.isoformat()}-{until.isoformat()}.pdf")


def css_content(message: str, **counters: str) -> str:
    """A CSS `content` value from a translated sentence with counters in it, such as
    "Pagina %(page)s van %(pages)s": the words quoted, the placeholders as counter()."""
    marker = "\x00"
    text = message % {name: f"{marker}{name}{marker}" for name in counters}
    parts = []
    for index, piece in enumerate(text.split(marker)):
        if index % 2:
            parts.append(counters[piece])
        elif piece:
            # Quotes and backslashes escaped; "<" left out, so the words cannot end <style>.
            piece = piece.replace("\\", "\\\\").replace('"', '\\"').replace("<", "")
            parts.append(f'"{piece}"')
    return " ".join(parts)


def overview_charts(report: reports.Report, stages, direction: str) -> list:
    """Two charts for the whole report, each with its heading and its figures as a table:
    the obstacles by height per step of the cycle, and how the input came in.

    A chart per theme would take as long to draw as the rest of a report of 300 themes
    together; each theme has its figures written out instead."""
    levels = list(HEIGHT_LABELS)
    rows = [
        (str(STAGE_LABELS[stage]), [sum(i.figures.heights[h] for i in items) for h in levels])
        for stage, items in stages
    ]
    heights_title = gettext("Hoe hoog zijn de obstakels, per stap in de cyclus?")
    heights = charts.stacked_bar_chart(
        "hoogtes",
        title=heights_title,
        description=gettext(
            "Per stap de obstakels van de thema's in die stap naar hoogte, van 1 (een klein "
            "ongemak) tot 5 (ik kan helemaal niet meedoen). Een balk laat zien hoe de "
            "obstakels over de hoogtes zijn verdeeld, niet hoeveel het er zijn."
        ),
        labels=[label for label, _ in rows],
        series=[str(level) for level in levels],
        values=[values for _, values in rows],
        notes=[
            ngettext("%(num)d obstakel", "%(num)d obstakels", sum(values)) % {"num": sum(values)}
            for _, values in rows
        ],
        legend_title=gettext("Hoogte"),
        empty_text=gettext("Geen obstakels met een hoogte in deze periode."),
        ordinal=True,
        direction=direction,
    )
    channels = [
        (channel, sum(item.figures.channels[channel] for item in report.themes))
        for channel in CHANNELS
    ]
    total = sum(count for _, count in channels) or 1
    shares = [format_percent(count / total) for _, count in channels]
    channels_title = gettext("Hoe kwam de inbreng binnen?")
    channel_bar = charts.share_bar(
        "kanalen",
        title=channels_title,
        description=gettext(
            "De inbreng van alle thema's in deze periode naar kanaal: website, papier, "
            "met hulp of telefoon."
        ),
        labels=[str(CHANNEL_LABELS[channel]) for channel, _ in channels],
        values=[count for _, count in channels],
        share_texts=shares,
        legend_texts=[
            gettext(
                "%(channel)s: %(share)s (%(num)d)",
                channel=CHANNEL_LABELS[channel],
                share=share,
                num=count,
            )
            for (channel, count), share in zip(channels, shares, strict=True)
        ],
        empty_text=gettext("Geen inbreng in deze periode."),
        direction=direction,
    )
    heights_table = charts.data_table(
        "hoogtes-cijfers",
        caption=gettext("Obstakels per hoogte, per stap"),
        headers=[gettext("Stap"), *(gettext("Hoogte %(height)s", height=h) for h in levels)],
        rows=[[label, *values] for label, values in rows],
        scrolls=False,
    )
    channels_table = charts.data_table(
        "kanalen-cijfers",
        caption=gettext("Inbreng per kanaal"),
        headers=[gettext("Kanaal"), gettext("Inbreng"), gettext("Deel")],
        rows=[
            [CHANNEL_LABELS[channel], count, share]
            for (channel, count), share in zip(channels, shares, strict=True)
        ],
        scrolls=False,
    )
    return [(heights_title, heights, heights_table), (channels_title, channel_bar, channels_table)]


@rare_collections()
def render(report: reports.Report) -> bytes:
    """The report as a tagged PDF (PDF/UA-1): real text, headings and tables a screen
    reader can follow, A4, black on white."""
    from portal.pdf_engine import HTML  # imported on first use: it loads Pango

    language = str(get_locale()) if str(get_locale()) in LANGUAGES else DEFAULT_LANGUAGE
    direction = LANGUAGES[language].direction
    stages = [
        (stage, [item for item in report.themes if item.theme.stage == stage]) for stage in STAGES
    ]
    stages = [(stage, items) for stage, items in stages if items]
    html = render_template(
        "reports/council.html",
        report=report,
        language=language,
        rtl=direction == "rtl",
        made_on=utcnow().astimezone(_zone()),
        heights=HEIGHT_LABELS,
        answers=EVALUATION_ANSWERS,
        answer_labels=EVALUATION_LABELS,
        text_direction=text_direction,
        stages=stages,
        charts=overview_charts(report, stages, direction) if report.themes else [],
        footer=css_content(
            gettext("Pagina %(page)s van %(pages)s"),
            page="counter(page)",
            pages="counter(pages)",
        ),
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
