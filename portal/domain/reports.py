"""The council report: per theme, what residents told the gemeente in a period, what was
done with it and what contributors say about that.

Which themes: active ones (not merged) with input in the period. They come in the order
of the cycle and then by title, never by how much input they had: the loudest does not
win (see the design's "equal weight"). The figures count the period's input the way a
theme page does (portal.domain.themes.figures): every submission and every "this happens
to me too" counts one, whatever its channel or status.

Every figure is one query over all themes, so 300 themes cost as many queries as one.
Quotes are published text only (never new or hidden input, never a duplicate), so the
report holds nothing a moderator has not let onto the website.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.domain import evaluations
from portal.domain.exports import day_start
from portal.domain.themes import PUBLIC_SUBMISSION
from portal.languages import DEFAULT_LANGUAGE
from portal.models import (
    CHANNELS,
    STAGES,
    Experience,
    Neighbourhood,
    Submission,
    Theme,
    ThemeAction,
    ThemeFeedback,
    theme_submission,
)

QUOTES = 3
# A quote that says something, and fits a page: shorter or longer ones come after these.
QUOTE_LENGTH = (40, 600)


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # included

    def bounds(self, zone: tzinfo):
        return day_start(self.since, zone), day_start(self.until + timedelta(1), zone)


@dataclass
class ThemeFigures:
    submissions: int = 0
    experiences: int = 0
    kinds: Counter = field(default_factory=Counter)
    heights: dict[int, int] = field(default_factory=lambda: {h: 0 for h in range(1, 6)})
    channels: Counter = field(default_factory=Counter)
    neighbourhoods: Counter = field(default_factory=Counter)  # wijk id (None: no wijk)
    languages: Counter = field(default_factory=Counter)

    @property
    def inputs(self) -> int:
        return self.submissions + self.experiences

    @property
    def obstacles(self) -> int:
        return self.kinds["obstacle"]

    @property
    def ideas(self) -> int:
        return self.kinds["idea"]


@dataclass(frozen=True)
class Quote:
    id: int
    text: str
    kind: str
    height: int | None
    language: str
    channel: str
    neighbourhood: str | None


@dataclass
class ThemeReport:
    theme: Theme
    figures: ThemeFigures
    quotes: list[Quote]
    actions: list[ThemeAction]
    feedback: str | None  # the published Dutch feedback
    evaluation: Counter | None  # answers per EVALUATION_ANSWERS, None when nobody answered


@dataclass
class Report:
    period: Period
    themes: list[ThemeReport]
    neighbourhoods: dict[int, str]  # every wijk, in the gemeente's order

    def wijk_counts(self, figures: ThemeFigures) -> list[tuple[str | None, int]]:
        """(wijk name, count) in the gemeente's order of wijken; None last: no wijk given."""
        named = [
            (name, figures.neighbourhoods[id_])
            for id_, name in self.neighbourhoods.items()
            if figures.neighbourhoods[id_]
        ]
        if figures.neighbourhoods[None]:
            named.append((None, figures.neighbourhoods[None]))
        return named

    def channel_counts(self, figures: ThemeFigures) -> list[tuple[str, int]]:
        return [(channel, figures.channels[channel]) for channel in CHANNELS]


def council_report(session: Session, period: Period, zone: tzinfo) -> Report:
    start, end = period.bounds(zone)
    in_period = (Submission.created_at >= start, Submission.created_at < end)
    figures: dict[int, ThemeFigures] = {}

    def grouped(column, *where):
        return session.execute(
            select(theme_submission.c.theme_id, column, func.count())
            .join(Submission, Submission.id == theme_submission.c.submission_id)
            .where(*in_period, Submission.is_input, *where)
            .group_by(theme_submission.c.theme_id, column)
        )

    for theme_id, kind, count in grouped(Submission.kind):
        entry = figures.setdefault(theme_id, ThemeFigures())
        entry.kinds[kind] += count
        entry.submissions += count
    for theme_id, height, count in grouped(Submission.height, Submission.height.is_not(None)):
        figures[theme_id].heights[height] = count
    for theme_id, channel, count in grouped(Submission.channel):
        figures[theme_id].channels[channel] += count
    for theme_id, wijk, count in grouped(Submission.neighbourhood_id):
        figures[theme_id].neighbourhoods[wijk] = count
    for theme_id, language, count in grouped(Submission.language):
        figures[theme_id].languages[language] = count
    for theme_id, channel, count in session.execute(
        select(Experience.theme_id, Experience.channel, func.count())
        .where(Experience.created_at >= start, Experience.created_at < end)
        .group_by(Experience.theme_id, Experience.channel)
    ):
        entry = figures.setdefault(theme_id, ThemeFigures())
        entry.experiences += count
        entry.channels[channel] += count

    themes = list(
        session.scalars(
            select(Theme).where(Theme.id.in_(list(figures)), Theme.merged_into_id.is_(None))
        )
    )
    themes.sort(key=lambda theme: (STAGES.index(theme.stage), theme.title.lower(), theme.id))
    ids = [theme.id for theme in themes]
    wijken = dict(
        session.execute(
            select(Neighbourhood.id, Neighbourhood.name).order_by(
                Neighbourhood.position, Neighbourhood.name
            )
        ).all()
    )
    quotes = _quotes(session, ids, start, end, wijken)
    actions: dict[int, list[ThemeAction]] = {}
    for action in session.scalars(
        select(ThemeAction)
        .where(ThemeAction.theme_id.in_(ids))
        .order_by(ThemeAction.theme_id, ThemeAction.decided_on, ThemeAction.id)
    ):
        actions.setdefault(action.theme_id, []).append(action)
    feedback = dict(
        session.execute(
            select(ThemeFeedback.theme_id, ThemeFeedback.body).where(
                ThemeFeedback.theme_id.in_(ids), ThemeFeedback.language == DEFAULT_LANGUAGE
            )
        ).all()
    )
    answers = evaluations.summary(session, ids)
    return Report(
        period=period,
        themes=[
            ThemeReport(
                theme=theme,
                figures=figures[theme.id],
                quotes=quotes.get(theme.id, []),
                actions=actions.get(theme.id, []),
                # Only what residents were told: feedback still being written is not shown.
                feedback=feedback.get(theme.id) if theme.feedback_published_at else None,
                evaluation=answers.get(theme.id),
            )
            for theme in themes
        ],
        neighbourhoods=wijken,
    )


def _order(submission_id: int) -> int:
    """A fixed order that is neither newest nor oldest first: the same report twice picks
    the same quotes, and no period's end is favoured. Fibonacci hashing scatters the ids:
    a cryptographic hash per candidate took a tenth of a second per 30,000 of them."""
    return (submission_id * 0x9E3779B97F4A7C15) & 0xFFFF_FFFF_FFFF_FFFF


def _quotes(session, theme_ids, start, end, wijken) -> dict[int, list[Quote]]:
    """Up to QUOTES published texts per theme, as different from each other as the theme
    allows: another kind, wijk, channel or language first, each chosen deterministically.

    The candidates come without their text (a theme may have thousands); only the chosen
    texts are read, in one query. They are plain tuples: at 100,000 a named attribute per
    trait took longer than the database.
    """
    low, high = QUOTE_LENGTH
    wanted_themes = set(theme_ids)
    candidates: dict[int, list[_Candidate]] = {}
    for theme_id, id_, unreadable, *traits in session.execute(
        select(
            theme_submission.c.theme_id,
            Submission.id,
            case((func.length(Submission.text).between(low, high), 0), else_=1),
            Submission.kind,
            Submission.neighbourhood_id,
            Submission.channel,
            Submission.language,
        )
        .join(Submission, Submission.id == theme_submission.c.submission_id)
        .where(
            # No "theme_id IN (...)" here: with it SQLite probes every theme for every
            # submission (30 million probes for 300 themes and 100,000 submissions).
            *PUBLIC_SUBMISSION,
            Submission.created_at >= start,
            Submission.created_at < end,
        )
    ):
        if theme_id in wanted_themes:
            candidates.setdefault(theme_id, []).append(
                ((unreadable, _order(id_)), id_, tuple(traits))
            )
    chosen = {theme_id: _diverse(rows) for theme_id, rows in candidates.items()}
    wanted = {id_ for rows in chosen.values() for _key, id_, _traits in rows}
    texts = {
        id_: (text, height)
        for id_, text, height in session.execute(
            select(Submission.id, Submission.text, Submission.height).where(
                Submission.id.in_(sorted(wanted))
            )
        )
    }
    return {
        theme_id: [
            Quote(
                id=id_,
                text=texts[id_][0],
                kind=kind,
                height=texts[id_][1],
                language=language,
                channel=channel,
                neighbourhood=wijken.get(wijk_id),
            )
            for _key, id_, (kind, wijk_id, channel, language) in rows
        ]
        for theme_id, rows in chosen.items()
    }


# (sort key: readable length first, then a fixed order; submission id; its traits: kind,
# wijk id, channel, language)
_Candidate = tuple[tuple[int, int], int, tuple]


def _diverse(candidates: list[_Candidate]) -> list[_Candidate]:
    """Pick QUOTES candidates greedily: each next one adds the most kinds, wijken, channels
    and languages not yet among the chosen; ties go to a readable length, then a fixed order.

    The search for each next one stops at the first that adds all that still can be added:
    for most themes that is one of the first candidates, not the last of thousands."""
    pool = sorted(candidates)
    values = [{traits[i] for _key, _id, traits in pool} for i in range(4)]
    chosen: list[_Candidate] = []
    seen: list[set] = [set(), set(), set(), set()]
    for _ in range(min(QUOTES, len(pool))):
        attainable = sum(bool(values[i] - seen[i]) for i in range(4))
        best, best_score = None, -1
        for candidate in pool:
            score = sum(trait not in seen[i] for i, trait in enumerate(candidate[2]))
            if score > best_score:
                best, best_score = candidate, score
                if score == attainable:
                    break
        pool.remove(best)
        chosen.append(best)
        for i, trait in enumerate(best[2]):
            seen[i].add(trait)
    return chosen
