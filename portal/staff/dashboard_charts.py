"""The dashboard's charts with their tables, in the current language.

`chart_sections` turns the figures of portal.domain.dashboard into headed sections: a
sentence on what each shows, the chart (portal.charts) and its figures as a table. It reads
no request, so the council report can show the same sections as the staff dashboard.
"""

from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import format_date, format_decimal, format_percent, get_locale
from markupsafe import Markup

from portal import charts
from portal.domain import dashboard as figures
from portal.domain import reach
from portal.i18n import gettext, ngettext
from portal.models import HEIGHTS
from portal.staff.labels import CHANNEL_LABELS


@dataclass(frozen=True)
class ChartSection:
    """One part of the dashboard: a heading, what it shows, the chart and its figures."""

    id: str  # unique on the page; the chart's and table's ids start with it
    heading: str
    intro: str
    chart: Markup | None  # None where the table is the chart (a heat map)
    table: Markup


def chart_sections(data: figures.Dashboard, *, direction: str = "ltr") -> list[ChartSection]:
    """The dashboard's sections in the current language, for a page or a report written
    in `direction` ("ltr" or "rtl")."""
    return [
        _months_section(data.months, direction),
        _channels_section(data.channels, direction),
        _wijken_section(data.wijken, direction),
        _themes_by_wijk_section(data.themes_by_wijk),
        _heights_section(data.heights, direction),
    ]


def _number(value: float) -> str:
    return format_decimal(value)


def _share(part: int, whole: int) -> str:
    return format_percent(part / whole if whole else 0)


def _listed(items: list[str]) -> str:
    return format_list(items, locale=str(get_locale()))


def _years(months: list[figures.MonthCount]) -> list[str]:
    """The year under each January, and under the first month when no January is close:
    two years side by side would run into each other on a phone."""
    januaries = [i for i, row in enumerate(months) if row.month.month == 1]
    first = 0 if not januaries or januaries[0] > 2 else None
    return [
        format_date(row.month, "yyyy") if i == first or row.month.month == 1 else ""
        for i, row in enumerate(months)
    ]


def _months_section(months: list[figures.MonthCount], direction: str) -> ChartSection:
    section = "per-maand"
    heading = gettext("Inbreng per maand")
    total = sum(row.inputs for row in months)
    if months and total:
        busiest = max(months, key=lambda row: row.inputs)
        description = " ".join(
            (
                ngettext(
                    "Van %(first)s tot en met %(last)s kwam er %(num)s keer inbreng binnen.",
                    "Van %(first)s tot en met %(last)s kwam er %(num)s keer inbreng binnen.",
                    total,
                )
                % {
                    "first": format_date(months[0].month, "LLLL yyyy"),
                    "last": format_date(months[-1].month, "LLLL yyyy"),
                    "num": _number(total),
                },
                gettext(
                    "De drukste maand was %(month)s, met %(num)s keer inbreng.",
                    month=format_date(busiest.month, "LLLL yyyy"),
                    num=_number(busiest.inputs),
                ),
            )
        )
    else:
        description = gettext("In deze maanden kwam er geen inbreng binnen.")
    chart = charts.column_chart(
        f"{section}-chart",
        title=heading,
        description=description,
        labels=[format_date(row.month, "LLL") for row in months],
        sublabels=_years(months),
        values=[row.inputs for row in months],
        value_texts=[_number(row.inputs) for row in months],
        empty_text=description,
        direction=direction,
    )
    table = charts.data_table(
        f"{section}-table",
        caption=gettext("Inbreng per maand"),
        headers=[gettext("Maand"), gettext("Inbreng")],
        rows=[[format_date(row.month, "LLLL yyyy"), _number(row.inputs)] for row in months],
        footer=[gettext("Samen"), _number(total)],
    )
    intro = gettext(
        "Hier ziet u hoeveel inbreng er elke maand binnenkwam. "
        "Elk obstakel, elk idee en elke keer 'Dit herken ik' telt als één."
    )
    return ChartSection(section, heading, intro, chart, table)


def _channels_section(channels: dict[str, int], direction: str) -> ChartSection:
    section = "kanalen"
    heading = gettext("Via welk kanaal kwam de inbreng?")
    total = sum(channels.values())
    names = {channel: str(CHANNEL_LABELS.get(channel, channel)) for channel in channels}
    legend = [
        gettext(
            "%(channel)s: %(share)s (%(num)s)",
            channel=names[channel],
            share=_share(count, total),
            num=_number(count),
        )
        for channel, count in channels.items()
    ]
    if total:
        most = max(channels, key=lambda channel: channels[channel])
        description = " ".join(
            (
                gettext(
                    "De meeste inbreng kwam via dit kanaal: %(channel)s (%(share)s).",
                    channel=names[most],
                    share=_share(channels[most], total),
                ),
                gettext("Alle kanalen: %(list)s.", list=_listed(legend)),
            )
        )
    else:
        description = gettext("In deze periode kwam er geen inbreng binnen.")
    chart = charts.share_bar(
        f"{section}-chart",
        title=heading,
        description=description,
        labels=list(names.values()),
        values=list(channels.values()),
        share_texts=[_share(count, total) for count in channels.values()],
        legend_texts=legend,
        empty_text=description,
        direction=direction,
    )
    table = charts.data_table(
        f"{section}-table",
        caption=gettext("Inbreng per kanaal"),
        headers=[gettext("Kanaal"), gettext("Inbreng"), gettext("Deel")],
        rows=[
            [names[channel], _number(count), _share(count, total)]
            for channel, count in channels.items()
        ],
        footer=[gettext("Samen"), _number(total), _share(total, total)],
    )
    intro = gettext(
        "Inwoners geven hun inbreng via de website, op papier, met hulp of aan de telefoon. "
        "Elke inbreng telt even zwaar."
    )
    return ChartSection(section, heading, intro, chart, table)


def _rate(value: float) -> str:
    return format_decimal(value, "#,##0.0")


def _wijken_description(
    wijken: reach.WijkOverview, shown: list[reach.WijkReach], per_thousand: bool
) -> str:
    if not wijken.total:
        return gettext("In deze periode kwam er geen inbreng binnen.")
    sentences = []
    rated = [wijk for wijk in shown if wijk.per_thousand is not None]
    if per_thousand and rated:
        most = max(rated, key=lambda wijk: wijk.per_thousand)
        sentences += [
            gettext(
                "In de hele gemeente kwam er %(rate)s keer inbreng op elke 1.000 inwoners.",
                rate=_rate(wijken.per_thousand or 0),
            ),
            gettext(
                "De meeste inbreng kwam uit %(wijk)s: %(rate)s per 1.000 inwoners.",
                wijk=most.name,
                rate=_rate(most.per_thousand),
            ),
        ]
    elif max((wijk.inputs for wijk in shown), default=0):
        most = max(shown, key=lambda wijk: wijk.inputs)
        sentences.append(
            gettext(
                "De meeste inbreng kwam uit %(wijk)s: %(num)s keer.",
                wijk=most.name,
                num=_number(most.inputs),
            )
        )
    missing = [wijk.name for wijk in shown if wijk.active and wijk.inputs == 0]
    if missing:
        sentences.append(gettext("Uit deze wijken kwam niets: %(list)s.", list=_listed(missing)))
    if wijken.without_wijk:
        sentences.append(
            ngettext(
                "Bij %(num)s keer inbreng is geen wijk gekozen.",
                "Bij %(num)s keer inbreng is geen wijk gekozen.",
                wijken.without_wijk,
            )
            % {"num": _number(wijken.without_wijk)}
        )
    unknown = [wijk.name for wijk in shown if wijk.per_thousand is None]
    if per_thousand and unknown:
        sentences.append(
            gettext(
                "Van deze wijken weten we niet hoeveel mensen er wonen: %(list)s.",
                list=_listed(unknown),
            )
        )
    return " ".join(sentences)


def _wijken_section(wijken: reach.WijkOverview, direction: str) -> ChartSection:
    """Input per 1,000 inhabitants where the inhabitants of a wijk are known, so that large
    and small wijken compare; the counts when no wijk's inhabitants are known."""
    section = "wijken"
    heading = gettext("Uit welke wijken komt inbreng?")
    shown = [wijk for wijk in wijken.wijken if wijk.active or wijk.inputs]
    per_thousand = any(wijk.per_thousand is not None for wijk in shown)
    no_wijk = gettext("Geen wijk gekozen")
    description = _wijken_description(wijken, shown, per_thousand)
    if per_thousand:
        intro = gettext(
            "Hier ziet u hoeveel inbreng er uit elke wijk kwam, op elke 1.000 inwoners. "
            "Zo kunt u grote en kleine wijken vergelijken."
        )
        rated = [wijk for wijk in shown if wijk.per_thousand is not None]
        chart = charts.bar_chart(
            f"{section}-chart",
            title=heading,
            description=description,
            labels=[wijk.name for wijk in rated],
            values=[wijk.per_thousand for wijk in rated],
            value_texts=[_rate(wijk.per_thousand) for wijk in rated],
            empty_text=description,
            direction=direction,
        )
        headers = [
            gettext("Wijk"),
            gettext("Inbreng"),
            gettext("Inwoners"),
            gettext("Per 1.000 inwoners"),
        ]
        rows = [
            [
                wijk.name,
                _number(wijk.inputs),
                _number(wijk.inhabitants) if wijk.inhabitants is not None else gettext("Onbekend"),
                _rate(wijk.per_thousand) if wijk.per_thousand is not None else "–",
            ]
            for wijk in shown
        ]
        if wijken.without_wijk:
            rows.append([no_wijk, _number(wijken.without_wijk), "–", "–"])
        footer = [
            gettext("Hele gemeente"),
            _number(wijken.total),
            _number(wijken.inhabitants),
            _rate(wijken.per_thousand) if wijken.per_thousand is not None else "–",
        ]
    else:
        intro = gettext(
            "Hier ziet u hoeveel inbreng er uit elke wijk kwam. "
            "Zo ziet u welke wijken we goed bereiken, en welke nog niet."
        )
        labels = [wijk.name for wijk in shown]
        values = [wijk.inputs for wijk in shown]
        if wijken.without_wijk:
            labels, values = [*labels, no_wijk], [*values, wijken.without_wijk]
        chart = charts.bar_chart(
            f"{section}-chart",
            title=heading,
            description=description,
            labels=labels,
            values=values,
            value_texts=[_number(value) for value in values],
            empty_text=description,
            direction=direction,
        )
        headers = [gettext("Wijk"), gettext("Inbreng")]
        rows = [[label, _number(value)] for label, value in zip(labels, values, strict=True)]
        footer = [gettext("Samen"), _number(wijken.total)]
    table = charts.data_table(
        f"{section}-table",
        caption=gettext("Inbreng per wijk"),
        headers=headers,
        rows=rows,
        footer=footer,
    )
    return ChartSection(section, heading, intro, chart, table)


def _themes_by_wijk_section(data: figures.ThemesByWijk) -> ChartSection:
    """A heat map: the table is the chart, with the count in every cell."""
    section = "themas-per-wijk"
    heading = gettext("Thema's per wijk")
    shown, total = len(data.rows), data.themes_with_input
    if not shown:
        intro = gettext("In deze periode kwam er geen inbreng binnen bij een thema.")
        return ChartSection(section, heading, intro, None, Markup(""))
    if shown >= total:
        which = ngettext(
            "U ziet %(num)s thema: het enige thema met inbreng.",
            "U ziet alle %(num)s thema's met inbreng.",
            shown,
        ) % {"num": _number(shown)}
    else:
        which = ngettext(
            "U ziet %(num)s thema. Er zijn %(total)s thema's met inbreng.",
            "U ziet de %(num)s thema's met de meeste inbreng. "
            "Er zijn %(total)s thema's met inbreng.",
            shown,
        ) % {"num": _number(shown), "total": _number(total)}
    intro = " ".join((which, gettext("Hoe donkerder het vakje, hoe meer inbreng uit die wijk.")))
    columns = [wijk.name for wijk in data.wijken]
    keys: list[int | None] = [wijk.id for wijk in data.wijken]
    if data.unknown_wijk:
        columns.append(gettext("Geen wijk gekozen"))
        keys.append(None)
    table = charts.heat_table(
        f"{section}-table",
        caption=gettext("Inbreng per thema en per wijk"),
        corner=gettext("Thema"),
        columns=columns,
        rows=[(row.theme.title, [row.per_wijk.get(key, 0) for key in keys]) for row in data.rows],
        totals_header=gettext("Samen"),
        number=_number,
    )
    return ChartSection(section, heading, intro, None, table)


def _heights_section(data: figures.HeightsPerTheme, direction: str) -> ChartSection:
    section = "hoogtes"
    heading = gettext("Hoe hoog zijn de obstakels?")
    if data.rows:
        highest = max(data.rows, key=lambda row: (row.heights[4] + row.heights[5]) / row.total)
        high = highest.heights[4] + highest.heights[5]
        description = gettext(
            "De meeste hoge obstakels (4 of 5) zijn er bij het thema %(theme)s: "
            "%(num)s van de %(total)s.",
            theme=highest.theme.title,
            num=_number(high),
            total=_number(highest.total),
        )
    else:
        description = gettext(
            "In deze periode is bij geen thema de hoogte van een obstakel bekend."
        )
    chart = charts.stacked_bar_chart(
        f"{section}-chart",
        title=heading,
        description=description,
        labels=[row.theme.title for row in data.rows],
        series=[str(height) for height in HEIGHTS],
        values=[[row.heights[height] for height in HEIGHTS] for row in data.rows],
        notes=[_number(row.total) for row in data.rows],
        legend_title=gettext("Hoogte"),
        empty_text=description,
        ordinal=True,
        number=_number,
        direction=direction,
    )
    table = charts.data_table(
        f"{section}-table",
        caption=gettext("Obstakels per thema, per hoogte"),
        headers=[
            gettext("Thema"),
            *(gettext("Hoogte %(height)s", height=height) for height in HEIGHTS),
            gettext("Samen"),
        ],
        rows=[
            [
                row.theme.title,
                *(_number(row.heights[height]) for height in HEIGHTS),
                _number(row.total),
            ]
            for row in data.rows
        ],
    )
    sentences = [
        gettext("Hoe erg zitten de obstakels inwoners in de weg?"),
        gettext("1 is een klein ongemak. 5 is: ik kan helemaal niet meedoen."),
    ]
    if data.rows:
        sentences += [
            ngettext(
                "U ziet %(num)s thema: het thema met de meeste obstakels.",
                "U ziet de %(num)s thema's met de meeste obstakels.",
                len(data.rows),
            )
            % {"num": _number(len(data.rows))},
            gettext("Het getal achter een thema is het aantal obstakels."),
        ]
    intro = " ".join(sentences)
    return ChartSection(section, heading, intro, chart, table)
