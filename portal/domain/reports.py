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

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from sqlalchemy import func, select
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
            .where(*in_period, *where)
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


def _order(submission_id: int) -> bytes:
    """A fixed order that is neither newest nor oldest first: the same report twice picks
    the same quotes, and no period's end is favoured."""
    return hashlib.blake2b(submission_id.to_bytes(8, "big"), digest_size=8).digest()


def _quotes(session, theme_ids, start, end, wijken) -> dict[int, list[Quote]]:
    """Up to QUOTES published texts per theme, as different from each other as the theme
    allows: another kind, wijk, channel or language first, each chosen deterministically.

    The candidates come without their text (a theme may have thousands); only the chosen
    texts are read, in one query.
    """
    wanted_themes = set(theme_ids)
    candidates: dict[int, list] = {}
    for row in session.execute(
        select(
            theme_submission.c.theme_id,
            Submission.id,
            Submission.kind,
            Submission.neighbourhood_id,
            Submission.channel,
            Submission.language,
            func.length(Submission.text).label("length"),
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
        if row.theme_id in wanted_themes:
            candidates.setdefault(row.theme_id, []).append(row)
    chosen = {theme_id: _diverse(rows) for theme_id, rows in candidates.items()}
    wanted = {row.id for rows in chosen.values() for row in rows}
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
                id=row.id,
                text=texts[row.id][0],
                kind=row.kind,
                height=texts[row.id][1],
                language=row.language,
                channel=row.channel,
                neighbourhood=wijken.get(row.neighbourhood_id),
            )
            for row in rows
        ]
        for theme_id, rows in chosen.items()
    }


def _diverse(rows: list) -> list:
    """Pick QUOTES rows greedily: each next one adds the most kinds, wijken, channels and
    languages not yet among the chosen; ties go to a readable length, then a fixed order."""
    low, high = QUOTE_LENGTH
    pool = sorted(rows, key=lambda row: (not low <= row.length <= high, _order(row.id)))
    chosen: list = []
    seen: list[set] = [set(), set(), set(), set()]
    for _ in range(min(QUOTES, len(pool))):
        best, best_score = None, -1
        for row in pool:
            traits = (row.kind, row.neighbourhood_id, row.channel, row.language)
            score = sum(trait not in seen[i] for i, trait in enumerate(traits))
            if score > best_score:
                best, best_score = row, score
                if score == len(traits):
                    break
        pool.remove(best)
        chosen.append(best)
        for i, trait in enumerate((best.kind, best.neighbourhood_id, best.channel, best.language)):
            seen[i].add(trait)
    return chosen
