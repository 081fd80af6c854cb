"""Who is heard, who is missing: input per wijk (also per 1,000 inhabitants), per channel,
per language and per month, and which wijken and channels fall behind.

What counts as input here: submissions of kind obstacle or idea, from every channel and in
every status (hidden input was still someone speaking). A contributor's reaction on what
was done (kind "evaluation") is not counted: it is not a new voice. "This happens to me too"
(Experience) carries a language and a channel but no wijk, so it is counted apart, per
channel and per language only, never in the figures per wijk.

Every figure comes from an aggregate query (GROUP BY in the database), so the cost does not
grow with Python loops over the submissions: the page stays fast at 100,000 of them. Months
are counted in UTC: input in the first or last hour of a month may count in its neighbour.

These are plain functions on a SQLAlchemy session, without Flask: the staff page, charts and
exports call the same ones. The sentences about who falls behind are written by the page, in
the reader's language, from the `Shortfall` records here.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.domain import audit
from portal.models import CHANNELS, Experience, Neighbourhood, Submission

# A wijk falls behind when its input per 1,000 inhabitants is below this share of the rate
# of the whole gemeente.
BEHIND_SHARE = 0.5
# A channel falls behind when no input came in through it for this many months.
QUIET_MONTHS = 3
MONTHS_SHOWN = 12
INHABITANTS_MAX = 10_000_000  # more than any Dutch gemeente has


# --- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WijkReach:
    """One wijk: its input and, when its inhabitants are known, input per 1,000 of them."""

    id: int
    name: str
    active: bool
    inhabitants: int | None
    inputs: int

    @property
    def per_thousand(self) -> float | None:
        if not self.inhabitants:
            return None
        return self.inputs * 1000 / self.inhabitants


@dataclass(frozen=True)
class WijkOverview:
    """Input per wijk (in the gemeente's order), the input without a wijk, and the rate of the
    whole gemeente: the input from wijken whose inhabitants are known, per 1,000 of them."""

    wijken: tuple[WijkReach, ...]
    without_wijk: int
    total: int
    inhabitants: int  # of the wijken whose number is known
    inputs_where_known: int  # input from those wijken

    @property
    def per_thousand(self) -> float | None:
        if not self.inhabitants:
            return None
        return self.inputs_where_known * 1000 / self.inhabitants


@dataclass(frozen=True)
class ChannelReach:
    channel: str
    inputs: int  # in the period asked for
    recent_inputs: int  # in the last QUIET_MONTHS months, whatever the period
    last_input_at: datetime | None  # ever
    experiences: int  # "this happens to me too", in the period


@dataclass(frozen=True)
class LanguageReach:
    language: str  # a code such as "nl"; input may come in a language the site does not offer
    inputs: int
    experiences: int


@dataclass(frozen=True)
class MonthReach:
    month: date  # the first day of the month
    inputs: int


def _input_conditions(since: datetime | None) -> list[ColumnElement]:
    conditions = [Submission.is_input]
    if since is not None:
        conditions.append(Submission.created_at >= _utc(since))
    return conditions


def per_wijk(session: Session, since: datetime | None = None) -> WijkOverview:
    """Input per wijk since `since` (or ever), every wijk listed, also those without input."""
    counts = _count_by(session, Submission.neighbourhood_id, since)
    rows = session.execute(
        select(
            Neighbourhood.id, Neighbourhood.name, Neighbourhood.active, Neighbourhood.inhabitants
        ).order_by(Neighbourhood.position, Neighbourhood.name)
    ).all()
    wijken = tuple(
        WijkReach(id_, name, active, inhabitants, counts.get(id_, 0))
        for id_, name, active, inhabitants in rows
    )
    known = [wijk for wijk in wijken if wijk.inhabitants]
    return WijkOverview(
        wijken=wijken,
        without_wijk=counts.get(None, 0),
        total=sum(counts.values()),
        inhabitants=sum(wijk.inhabitants for wijk in known),
        inputs_where_known=sum(wijk.inputs for wijk in known),
    )


def per_channel(
    session: Session, since: datetime | None = None, now: datetime | None = None
) -> tuple[ChannelReach, ...]:
    """Input per channel (all four, also without input), with the last QUIET_MONTHS months
    and the moment of the last input, which do not depend on `since`."""
    now = now or datetime.now(UTC)
    recent_since = months_before(now, QUIET_MONTHS)
    inputs = _count_by(session, Submission.channel, since)
    recent = _count_by(session, Submission.channel, recent_since)
    experiences = _experiences_by(session, Experience.channel, since)
    result = []
    for channel in (*CHANNELS, *sorted((set(inputs) | set(recent)) - set(CHANNELS))):
        result.append(
            ChannelReach(
                channel=channel,
                inputs=inputs.get(channel, 0),
                recent_inputs=recent.get(channel, 0),
                last_input_at=_last_input(session, channel),
                experiences=experiences.get(channel, 0),
            )
        )
    return tuple(result)


def _last_input(session: Session, channel: str) -> datetime | None:
    """When input last came in through a channel: one step back along its inbox index."""
    return _aware(
        session.scalar(
            select(Submission.created_at)
            .where(Submission.channel == channel, Submission.is_input)
            .order_by(Submission.created_at.desc())
            .limit(1)
        )
    )


def _count_by(session: Session, column, since: datetime | None) -> dict:
    return dict(
        session.execute(
            select(column, func.count()).where(*_input_conditions(since)).group_by(column)
        ).all()
    )


def per_language(session: Session, since: datetime | None = None) -> tuple[LanguageReach, ...]:
    """Input per language it was written in, most input first; "me too" per language beside."""
    inputs = _count_by(session, Submission.language, since)
    experiences = _experiences_by(session, Experience.language, since)
    languages = sorted(
        set(inputs) | set(experiences),
        key=lambda code: (-inputs.get(code, 0), -experiences.get(code, 0), code),
    )
    return tuple(
        LanguageReach(code, inputs.get(code, 0), experiences.get(code, 0)) for code in languages
    )


def per_month(
    session: Session, months: int = MONTHS_SHOWN, today: date | None = None
) -> tuple[MonthReach, ...]:
    """Input per month for the last `months` months up to and including this one, oldest
    first; a month without input is there with 0."""
    today = today or datetime.now(UTC).date()
    first = _add_months(today.replace(day=1), -(months - 1))
    bucket = month_bucket(session, Submission.created_at).label("month")
    start = datetime(first.year, first.month, 1, tzinfo=UTC)
    counts = dict(
        session.execute(
            select(bucket, func.count()).where(*_input_conditions(start)).group_by(bucket)
        ).all()
    )
    result = []
    for offset in range(months):
        month = _add_months(first, offset)
        result.append(MonthReach(month, counts.get(f"{month.year:04d}-{month.month:02d}", 0)))
    return tuple(result)


def month_bucket(session: Session, column) -> ColumnElement[str]:
    """The month of a timestamp column as text, "2026-11", in UTC, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)  # SQLite stores the UTC time as text


def _experiences_by(session: Session, column, since: datetime | None) -> dict[str, int]:
    query = select(column, func.count()).group_by(column)
    if since is not None:
        query = query.where(Experience.created_at >= _utc(since))
    return dict(session.execute(query).all())


# --- who falls behind --------------------------------------------------------------------------

# What a Shortfall is about; the page has a sentence for each.
WIJK_WITHOUT_INHABITANTS = "wijk_without_inhabitants"
WIJK_WITHOUT_INPUT = "wijk_without_input"
WIJK_BELOW_HALF = "wijk_below_half"
CHANNEL_QUIET = "channel_quiet"


@dataclass(frozen=True)
class Shortfall:
    """One wijk or channel that falls behind, and why (`kind`, one of the constants above).

    For a wijk below half, `rate` is its input per 1,000 inhabitants and `gemeente_rate` the
    rate of the whole gemeente; for a quiet channel, `last_input_at` is when input last came
    in through it (None: never).
    """

    kind: str
    wijk: WijkReach | None = None
    channel: ChannelReach | None = None
    rate: float | None = None
    gemeente_rate: float | None = None
    last_input_at: datetime | None = None


def shortfalls(wijken: WijkOverview, channels: tuple[ChannelReach, ...] = ()) -> list[Shortfall]:
    """Which wijken and channels fall behind, wijken first (in their order), then channels.

    Only wijken that residents can choose (active) are judged. A wijk falls behind when its
    inhabitants are not known (so nobody can tell), when no input came from it while other
    input did, or when its rate is below BEHIND_SHARE of the gemeente's. A channel falls
    behind when nothing came in through it in the last QUIET_MONTHS months.
    """
    found = []
    gemeente_rate = wijken.per_thousand
    for wijk in wijken.wijken:
        if not wijk.active:
            continue
        if wijk.inhabitants is None:
            found.append(Shortfall(WIJK_WITHOUT_INHABITANTS, wijk=wijk))
        if wijken.total and wijk.inputs == 0:
            found.append(Shortfall(WIJK_WITHOUT_INPUT, wijk=wijk))
        elif (
            gemeente_rate
            and wijk.per_thousand is not None
            and wijk.per_thousand < BEHIND_SHARE * gemeente_rate
        ):
            found.append(
                Shortfall(
                    WIJK_BELOW_HALF,
                    wijk=wijk,
                    rate=wijk.per_thousand,
                    gemeente_rate=gemeente_rate,
                )
            )
    for channel in channels:
        if channel.channel in CHANNELS and channel.recent_inputs == 0:
            found.append(
                Shortfall(CHANNEL_QUIET, channel=channel, last_input_at=channel.last_input_at)
            )
    return found


# --- everything for one page -------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    since: datetime | None
    wijken: WijkOverview
    channels: tuple[ChannelReach, ...]
    languages: tuple[LanguageReach, ...]
    months: tuple[MonthReach, ...]
    shortfalls: list[Shortfall]


def reach(session: Session, since: datetime | None = None, now: datetime | None = None) -> Reach:
    """All reach figures since `since` (None: ever); the months are always the last twelve."""
    now = now or datetime.now(UTC)
    wijken = per_wijk(session, since)
    channels = per_channel(session, since, now)
    return Reach(
        since=since,
        wijken=wijken,
        channels=channels,
        languages=per_language(session, since),
        months=per_month(session, today=now.date()),
        shortfalls=shortfalls(wijken, channels),
    )


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the 31st becomes the month's last)."""
    day = _add_months(moment.date().replace(day=1), -months)
    last_day = (_add_months(day, 1) - day).days
    return moment.replace(year=day.year, month=day.month, day=min(moment.day, last_day))


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _utc(moment: datetime) -> datetime:
    """Stored times are UTC (SQLite keeps them as text without the zone): compare in UTC."""
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite gives the stored UTC time back naive
    return moment


# --- the figure the administrator keeps ----------------------------------------------------------


def set_inhabitants(session: Session, actor, row: Neighbourhood, inhabitants: int | None) -> None:
    """Record how many people live in a wijk (None: not known), with an audit event."""
    if inhabitants is not None and not 0 <= inhabitants <= INHABITANTS_MAX:
        raise ValueError(f"inhabitants out of range: {inhabitants}")
    if row.inhabitants == inhabitants:
        return
    before = {"inhabitants": row.inhabitants}
    row.inhabitants = inhabitants
    audit.record(session, actor, "neighbourhood.update", row, before, {"inhabitants": inhabitants})
