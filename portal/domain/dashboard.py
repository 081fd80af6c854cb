"""The figures of the staff dashboard: who is heard, through which channel, about what.

Input is what portal.domain.reach counts: every obstacle and idea, from every channel and in
every status; a contributor's reaction on what was done (kind "evaluation") is not a new
voice. Each "this happens to me too" (Experience) weighs one as well, in the figures over
time and per channel; it names no wijk, so figures per wijk and per theme count submissions.

A `Period` limits the figures to input received between two dates, and months are months,
as the gemeente's clock (`zone`) reads them, summer time included.

The figures come from GROUP BY queries on SQLite and PostgreSQL alike, and stay fast at
100,000 submissions: the submissions are read once (on SQLite from the index
ix_submission_reach alone: a count per stretch of time, channel and wijk), and the themes
in one join (a count per theme and wijk, with one per height beside it). Each
stretch of time lies between two of the edges the figures need (the period's ends and the
months' first moments), so one pass serves the period and the months alike.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from portal.domain import reach
from portal.models import (
    CHANNELS,
    HEIGHTS,
    Experience,
    Neighbourhood,
    Submission,
    Theme,
    theme_submission,
)

# How many themes the charts per theme show: more rows than this read as a list, not a chart.
THEME_LIMIT = 10
MONTHS = 12


@dataclass(frozen=True)
class Period:
    """Input received from `start` up to and including `end`; None is open-ended."""

    start: date | None = None
    end: date | None = None

    def bounds(self, zone: tzinfo = UTC) -> tuple[datetime | None, datetime | None]:
        """The period as moments in UTC: from the start of `start`, to before the day
        after `end`, in `zone`."""
        return (
            _moment(self.start, zone) if self.start else None,
            _moment(self.end + timedelta(days=1), zone) if self.end else None,
        )


def _moment(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def months_shown(period: Period, today: date, count: int = MONTHS) -> list[date]:
    """The first days of the `count` months up to the period's end (or today's month),
    none before the month the period starts in."""
    last = (period.end or today).replace(day=1)
    months = [_add_months(last, -back) for back in range(count - 1, -1, -1)]
    if period.start:
        months = [month for month in months if month >= period.start.replace(day=1)]
    return months


def _add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# --- one pass over the input -----------------------------------------------------------------


@dataclass(frozen=True)
class _Stretch:
    """The time between two neighbouring edges: inside the period or not, and in which of
    the months shown, if any."""

    in_period: bool
    month: date | None


class _Timeline:
    """Cuts time at the period's ends and the months' first moments: a CASE expression
    numbers the stretch a row's receipt time falls in, `stretches` says what each is."""

    def __init__(self, period: Period, zone: tzinfo, months: list[date]):
        start, end = period.bounds(zone)
        month_edges = [_moment(month, zone) for month in months]
        if months:
            month_edges.append(_moment(_add_months(months[-1], 1), zone))
        self.edges = sorted({*month_edges, *(edge for edge in (start, end) if edge)})
        self.stretches = []
        ends = [None, *self.edges, None]
        for low, high in pairwise(ends):
            in_period = (start is None or (low is not None and low >= start)) and (
                end is None or (high is not None and high <= end)
            )
            month = next(
                (
                    first
                    for first, (m_low, m_high) in zip(months, pairwise(month_edges), strict=True)
                    if low is not None and high is not None and m_low <= low and high <= m_high
                ),
                None,
            )
            self.stretches.append(_Stretch(in_period, month))

    def stretch(self, column):
        """The number of the stretch `column` falls in (how many edges lie at or before
        it), as an SQL expression: CASEs nested as a binary search, so each row is compared
        with four edges or so instead of every one."""
        return self._search(column, 0, len(self.edges))

    def _search(self, column, low: int, high: int):
        if low == high:
            return literal(low)
        middle = (low + high) // 2
        return case(
            (column < self.edges[middle], self._search(column, low, middle)),
            else_=self._search(column, middle + 1, high),
        )


@dataclass(frozen=True)
class _Counts:
    months: Counter  # first day of a month shown → input
    channels: Counter  # channel → input in the period
    wijken: Counter  # wijk id (None: no wijk named) → submissions in the period


def _counts(session: Session, period: Period, zone: tzinfo, months: list[date]) -> _Counts:
    """Input per month shown, per channel and per wijk: one pass over the submissions and
    one over the experiences."""
    timeline = _Timeline(period, zone, months)
    counts = _Counts(Counter(), Counter(), Counter())
    # Every column is in ix_submission_reach: the database reads that index, not the table.
    stretch = timeline.stretch(Submission.created_at).label("stretch")
    rows = session.execute(
        select(stretch, Submission.channel, Submission.neighbourhood_id, func.count())
        .where(Submission.is_input)
        .group_by(stretch, Submission.channel, Submission.neighbourhood_id)
    )
    for index, channel, wijk_id, count in rows:
        part = timeline.stretches[index]
        _add(counts, part, channel, count)
        if part.in_period:
            counts.wijken[wijk_id] += count
    stretch = timeline.stretch(Experience.created_at).label("stretch")
    rows = session.execute(
        select(stretch, Experience.channel, func.count())
        .join(Theme, Theme.id == Experience.theme_id)
        # Whoever said "me too" on both themes of a merge keeps one (themes.merge).
        .where(Theme.merged_into_id.is_(None))
        .group_by(stretch, Experience.channel)
    )
    for index, channel, count in rows:
        _add(counts, timeline.stretches[index], channel, count)
    return counts


def _add(counts: _Counts, stretch: _Stretch, channel: str, count: int) -> None:
    if stretch.in_period:
        counts.channels[channel] += count
        if stretch.month:
            counts.months[stretch.month] += count


# --- input over time, per channel and per wijk -----------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month
    inputs: int


def inputs_per_month(
    session: Session,
    period: Period = Period(),
    *,
    zone: tzinfo = UTC,
    today: date | None = None,
    months: int = MONTHS,
) -> list[MonthCount]:
    """Input per month for the last `months` months of the period (see `months_shown`),
    months without input included, oldest first."""
    firsts = months_shown(period, today or datetime.now(zone).date(), months)
    return _months(_counts(session, period, zone, firsts), firsts)


def _months(counts: _Counts, firsts: list[date]) -> list[MonthCount]:
    return [MonthCount(first, counts.months[first]) for first in firsts]


def channel_mix(session: Session, period: Period = Period(), *, zone: tzinfo = UTC) -> dict:
    """Input per channel, every channel of CHANNELS in that order, 0 included."""
    return _channels(_counts(session, period, zone, []))


def _channels(counts: _Counts) -> dict[str, int]:
    channels = dict.fromkeys(CHANNELS, 0)
    for channel, count in counts.channels.items():
        channels[channel] = channels.get(channel, 0) + count
    return channels


def inputs_per_wijk(
    session: Session, period: Period = Period(), *, zone: tzinfo = UTC
) -> reach.WijkOverview:
    """Submissions per wijk in the period, every wijk listed (0 too: who is missing), with
    its inhabitants where known, as portal.domain.reach.per_wijk counts them since a date."""
    return _wijk_overview(session, _counts(session, period, zone, []))


def _wijk_overview(session: Session, counts: _Counts) -> reach.WijkOverview:
    rows = session.execute(
        select(
            Neighbourhood.id, Neighbourhood.name, Neighbourhood.active, Neighbourhood.inhabitants
        ).order_by(Neighbourhood.position, Neighbourhood.name)
    )
    wijken = tuple(
        reach.WijkReach(row.id, row.name, row.active, row.inhabitants, counts.wijken[row.id])
        for row in rows
    )
    known = [wijk for wijk in wijken if wijk.inhabitants]
    return reach.WijkOverview(
        wijken=wijken,
        without_wijk=counts.wijken[None],
        total=sum(counts.wijken.values()),
        inhabitants=sum(wijk.inhabitants for wijk in known),
        inputs_where_known=sum(wijk.inputs for wijk in known),
    )


# --- themes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wijk:
    id: int
    name: str


@dataclass(frozen=True)
class ThemeRef:
    id: int
    title: str


@dataclass(frozen=True)
class ThemeWijkRow:
    theme: ThemeRef
    per_wijk: dict[int | None, int]  # wijk id (None: no wijk named) → submissions

    @property
    def total(self) -> int:
        return sum(self.per_wijk.values())


@dataclass(frozen=True)
class ThemesByWijk:
    """The `limit` themes with the most submissions in the period, per wijk."""

    rows: list[ThemeWijkRow]
    wijken: list[Wijk]  # the active ones, and any other with input in these themes
    unknown_wijk: bool  # whether a column for "no wijk named" is needed
    themes_with_input: int  # how many themes had any: the rows are the top of these
    limit: int = THEME_LIMIT


@dataclass(frozen=True)
class ThemeHeights:
    theme: ThemeRef
    heights: dict[int, int] = field(default_factory=dict)  # 1..5, all present

    @property
    def total(self) -> int:
        return sum(self.heights.values())


@dataclass(frozen=True)
class HeightsPerTheme:
    """The `limit` themes with the most obstacles that have a height, by height."""

    rows: list[ThemeHeights]
    themes_with_heights: int
    limit: int = THEME_LIMIT


@dataclass(frozen=True)
class _ThemeTally:
    per_wijk: Counter = field(default_factory=Counter)  # wijk id (None: none) → submissions
    heights: Counter = field(default_factory=Counter)  # height → obstacles with that height


def _theme_counts(session: Session, period: Period, zone: tzinfo) -> dict[int, _ThemeTally]:
    """Submissions per active theme and wijk, and per theme and height, in one query.

    Grouped per theme and wijk only, with a count per height beside it: a few thousand rows
    where a group per height too would give tens of thousands. The query starts from the
    submissions, so SQLite reads both sides of the join from their indexes
    (ix_submission_reach, ix_theme_submission_submission_id; PostgreSQL hashes them);
    merged themes are left out here, not in the join, which would send SQLite in through
    the fat submission rows instead.
    """
    start, end = period.bounds(zone)
    received = [
        *((Submission.created_at >= start,) if start else ()),
        *((Submission.created_at < end,) if end else ()),
    ]
    theme_id = theme_submission.c.theme_id
    per_height = [func.count(case((Submission.height == height, 1))) for height in HEIGHTS]
    rows = session.execute(
        select(theme_id, Submission.neighbourhood_id, func.count(), *per_height)
        .select_from(Submission)
        .join(theme_submission, theme_submission.c.submission_id == Submission.id)
        .where(Submission.is_input, *received)
        .group_by(theme_id, Submission.neighbourhood_id)
    )
    merged = set(session.scalars(select(Theme.id).where(Theme.merged_into_id.is_not(None))))
    tallies: dict[int, _ThemeTally] = {}
    for theme, wijk_id, count, *heights in rows:
        if theme in merged:
            continue
        tally = tallies.setdefault(theme, _ThemeTally())
        tally.per_wijk[wijk_id] += count
        tally.heights.update(dict(zip(HEIGHTS, heights, strict=True)))
    return tallies


def _top(session: Session, totals: dict[int, int], limit: int) -> list[ThemeRef]:
    """The `limit` themes with the highest total, highest first, then by title."""
    themes = session.execute(
        select(Theme.id, Theme.title).where(Theme.id.in_([t for t, n in totals.items() if n]))
    )
    ranked = sorted(themes, key=lambda row: (-totals[row.id], row.title.lower(), row.id))
    return [ThemeRef(row.id, row.title) for row in ranked[:limit]]


def themes_by_wijk(
    session: Session,
    period: Period = Period(),
    *,
    zone: tzinfo = UTC,
    limit: int = THEME_LIMIT,
) -> ThemesByWijk:
    return _themes_by_wijk(session, _theme_counts(session, period, zone), limit)


def _themes_by_wijk(session: Session, tallies: dict[int, _ThemeTally], limit: int) -> ThemesByWijk:
    per_wijk = {theme: tally.per_wijk for theme, tally in tallies.items()}
    totals = {theme: sum(wijken.values()) for theme, wijken in per_wijk.items()}
    top = _top(session, totals, limit) if totals else []
    rows = [ThemeWijkRow(theme, dict(per_wijk[theme.id])) for theme in top]
    named = {wijk_id for row in rows for wijk_id in row.per_wijk} - {None}
    return ThemesByWijk(
        rows=rows,
        wijken=_wijken(session, named),
        unknown_wijk=any(None in row.per_wijk for row in rows),
        themes_with_input=sum(1 for total in totals.values() if total),
        limit=limit,
    )


def _wijken(session: Session, with_input: set[int]) -> list[Wijk]:
    """The active wijken and the ones in `with_input`, in the gemeente's order."""
    shown = Neighbourhood.active
    if with_input:
        shown = or_(shown, Neighbourhood.id.in_(with_input))
    rows = session.execute(
        select(Neighbourhood.id, Neighbourhood.name)
        .where(shown)
        .order_by(Neighbourhood.position, Neighbourhood.name)
    )
    return [Wijk(row.id, row.name) for row in rows]


def heights_per_theme(
    session: Session,
    period: Period = Period(),
    *,
    zone: tzinfo = UTC,
    limit: int = THEME_LIMIT,
) -> HeightsPerTheme:
    return _heights_per_theme(session, _theme_counts(session, period, zone), limit)


def _heights_per_theme(
    session: Session, tallies: dict[int, _ThemeTally], limit: int
) -> HeightsPerTheme:
    heights = {
        theme: {height: tally.heights[height] for height in HEIGHTS}
        for theme, tally in tallies.items()
    }
    totals = {theme: sum(by_height.values()) for theme, by_height in heights.items()}
    top = _top(session, totals, limit) if any(totals.values()) else []
    return HeightsPerTheme(
        rows=[ThemeHeights(theme, heights[theme.id]) for theme in top],
        themes_with_heights=sum(1 for total in totals.values() if total),
        limit=limit,
    )


# --- all of it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    period: Period
    months: list[MonthCount]
    channels: dict[str, int]
    wijken: reach.WijkOverview
    themes_by_wijk: ThemesByWijk
    heights: HeightsPerTheme

    @property
    def inputs(self) -> int:
        """All input in the period: submissions and experiences."""
        return sum(self.channels.values())


def dashboard(
    session: Session,
    period: Period = Period(),
    *,
    zone: tzinfo = UTC,
    today: date | None = None,
    theme_limit: int = THEME_LIMIT,
) -> Dashboard:
    """Every figure of the dashboard for one period, from one pass over the input and one
    query over the themes."""
    firsts = months_shown(period, today or datetime.now(zone).date())
    counts = _counts(session, period, zone, firsts)
    themes = _theme_counts(session, period, zone)
    return Dashboard(
        period=period,
        months=_months(counts, firsts),
        channels=_channels(counts),
        wijken=_wijk_overview(session, counts),
        themes_by_wijk=_themes_by_wijk(session, themes, theme_limit),
        heights=_heights_per_theme(session, themes, theme_limit),
    )
