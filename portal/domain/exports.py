"""Exports for policy officers: published input and themes as CSV or JSON, written as a
stream so that 100,000 rows never sit in memory at once.

Who gets which fields
---------------------
`SUBMISSION_FIELDS` is the one place that says which columns a permission gets; the view
looks up the strongest permission the staff member has and asks for that list.

* ``read`` (policy officers, and everyone above them) gets what the website could show
  anyway: the number, the day it came in, kind, the text as published (after a moderator
  took personal data out), language, life domain, wijk, height, channel and the titles of
  its themes.
* ``moderate`` (moderators and administrators) gets, besides, when a moderator last
  changed the submission and the theme numbers, which they need to work on in the portal.
* Nobody gets, in any export, what could lead back to a person or into their account:
  the receipt code, contact details (e-mail, postal address), who typed it in, the draft
  token or the consent moment. `NEVER_EXPORTED` names them, and a test holds every field
  list against it.

Only published input is exported: new (unmoderated) and hidden input never, and a
contributor's reaction on what was done (kind "evaluation") only when it is asked for.

CSV for Excel NL
----------------
The delimiter is the semicolon. Excel in a Dutch Windows reads the list separator from
the regional settings, which in the Netherlands is ";" (the comma is the decimal
separator there): a comma file opens as one column. LibreOffice and pandas ask or take a
`sep` argument, so ";" costs them nothing. We do not write Excel's "sep=;" first line:
other tools then read it as data. The file starts with a UTF-8 byte order mark, without
which Excel reads UTF-8 as Windows-1252 and Arabic or Ukrainian text becomes garbage.

Every text cell that a spreadsheet could run as a formula gets a leading apostrophe
(OWASP "CSV Injection", ASVS 5.0 1.2.10): a cell that starts with = + - @, a tab, a
carriage return or a NUL, also after leading spaces (Excel skips them), and their
full-width forms. The apostrophe is shown in the cell, which is the point: the text is
text. Quotes and delimiters inside cells are quoted as RFC 4180 says, by the csv module.
"""

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from operator import itemgetter

from sqlalchemy import exists, func, select, tuple_
from sqlalchemy.orm import Session

from portal.domain import evaluations, places
from portal.domain.moderation import NO_THEME
from portal.models import (
    EVALUATION_ANSWERS,
    STAGES,
    Experience,
    LifeDomain,
    Neighbourhood,
    Submission,
    Theme,
    ThemeAction,
    theme_submission,
)

SUBMISSION_FIELDS: dict[str, tuple[str, ...]] = {
    "read": (
        "id",
        "created",
        "kind",
        "text",
        "language",
        "life_domain",
        "neighbourhood",
        "height",
        "channel",
        "themes",
    ),
}
SUBMISSION_FIELDS["moderate"] = (*SUBMISSION_FIELDS["read"], "moderated_at", "theme_ids")

THEME_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "summary",
    "stage",
    "stage_since",
    "published",
    "inputs",
    "obstacles",
    "ideas",
    *(f"height_{height}" for height in range(1, 6)),
    "actions",
    *(f"evaluation_{answer}" for answer in EVALUATION_ANSWERS),
)

# Never in an export, whatever the role: they lead back to a person or into their account.
NEVER_EXPORTED = frozenset(
    {
        "receipt_code",
        "contact",
        "email",
        "postal_address",
        "entered_by",
        "draft_token",
        "resident_consent_at",
    }
)

EXPORT_KINDS = ("obstacle", "idea")  # what "every kind" means: reactions only when asked
CSV_DELIMITER = ";"
BOM = "\ufeff"
CHUNK = 2000  # rows fetched, and written out, at a time
# What makes a spreadsheet treat a cell as a formula (OWASP, ASVS 1.2.10), and the
# full-width forms some spreadsheets fold to them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def fields_for(permission: str) -> tuple[str, ...]:
    return SUBMISSION_FIELDS[permission]


@dataclass(frozen=True)
class ExportFilter:
    """The inbox's filters (without status: only published input is exported) and a
    range of days the input came in, both days included, in the gemeente's time zone."""

    kind: str | None = None  # None: obstacles and ideas; "evaluation" only when asked
    channel: str | None = None
    language: str | None = None
    neighbourhood_id: int | None = None
    life_domain_id: int | None = None
    theme_id: int | None = None  # NO_THEME: only input without a theme
    since: date | None = None
    until: date | None = None

    def describe(self) -> dict:
        """The filter as plain values, for the audit trail."""
        values = asdict(self)
        for name in ("since", "until"):
            values[name] = values[name].isoformat() if values[name] else None
        return {name: value for name, value in values.items() if value is not None}


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first moment of `day` in `zone`, in UTC, for comparing with stored times."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _conditions(filters: ExportFilter, zone: tzinfo) -> list:
    conditions = [Submission.status == "published"]
    if filters.kind is None:
        conditions.append(Submission.kind.in_(EXPORT_KINDS))
    else:
        conditions.append(Submission.kind == filters.kind)
    for column in ("channel", "language", "neighbourhood_id", "life_domain_id"):
        value = getattr(filters, column)
        if value is not None:
            conditions.append(getattr(Submission, column) == value)
    if filters.theme_id is not None:
        in_a_theme = exists().where(theme_submission.c.submission_id == Submission.id)
        if filters.theme_id == NO_THEME:
            conditions.append(~in_a_theme)
        else:
            conditions.append(in_a_theme.where(theme_submission.c.theme_id == filters.theme_id))
    if filters.since is not None:
        conditions.append(Submission.created_at >= day_start(filters.since, zone))
    if filters.until is not None:
        conditions.append(Submission.created_at < day_start(filters.until + timedelta(1), zone))
    return conditions


def _local(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored time in the gemeente's zone (SQLite gives them back without one: UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def _timestamp(moment: datetime | None, zone: tzinfo) -> str | None:
    local = _local(moment, zone)
    return local.isoformat("T", "seconds") if local else None


@dataclass(frozen=True)
class Names:
    """What the rows show for the ids they hold: life domains in the reader's language
    and the wijken. Looked up once, before the rows are streamed."""

    life_domains: dict[int, str]
    neighbourhoods: dict[int, str]


def names(session: Session) -> Names:
    return Names(
        life_domains={
            id_: places.life_domain_label(slug, label, translations)
            for id_, slug, label, translations in session.execute(
                select(LifeDomain.id, LifeDomain.slug, LifeDomain.label, LifeDomain.translations)
            )
        },
        neighbourhoods=dict(session.execute(select(Neighbourhood.id, Neighbourhood.name)).all()),
    )


# Every field a submission row can have, in the order rows are built; a field list
# takes its columns out of this by position.
_ALL_FIELDS = (*SUBMISSION_FIELDS["moderate"],)


def submission_rows(
    session: Session,
    filters: ExportFilter,
    fields: tuple[str, ...],
    zone: tzinfo,
    shown: Names,
) -> Iterator[list[tuple]]:
    """The published input that `filters` match, oldest first, `CHUNK` rows at a time,
    each row a tuple of `fields`.

    Each chunk is a query of its own, continuing after the last row of the one before
    (keyset on the inbox index): nothing holds the whole result, and no database cursor
    stays open while a chunk travels to a slow client.
    """
    pick = itemgetter(*(_ALL_FIELDS.index(name) for name in fields))
    with_themes = bool(set(fields) & {"themes", "theme_ids"})
    with_moderation = "moderated_at" in fields
    domains, wijken = shown.life_domains, shown.neighbourhoods
    conditions = _conditions(filters, zone)
    columns = (
        Submission.id,
        Submission.created_at,
        Submission.kind,
        Submission.text,
        Submission.language,
        Submission.life_domain_id,
        Submission.neighbourhood_id,
        Submission.height,
        Submission.channel,
        Submission.moderated_at,
    )
    connection = session.connection()
    after: tuple[datetime, int] | None = None
    while True:
        query = select(*columns).where(*conditions)
        if after is not None:
            query = query.where(tuple_(Submission.created_at, Submission.id) > tuple_(*after))
        rows = connection.execute(
            query.order_by(Submission.created_at, Submission.id).limit(CHUNK)
        ).all()
        if not rows:
            return
        themes: dict[int, list[tuple[int, str]]] = {}
        if with_themes:
            links = connection.execute(
                select(theme_submission.c.submission_id, Theme.id, Theme.title)
                .join(Theme, Theme.id == theme_submission.c.theme_id)
                .where(theme_submission.c.submission_id.in_([row[0] for row in rows]))
                .order_by(theme_submission.c.submission_id, func.lower(Theme.title), Theme.id)
            )
            for submission_id, theme_id, title in links:
                themes.setdefault(submission_id, []).append((theme_id, title))
        chunk = []
        for id_, created, kind, text, language, domain, wijk, height, channel, moderated in rows:
            own = themes.get(id_, ())
            chunk.append(
                pick(
                    (
                        id_,
                        _local(created, zone).date().isoformat(),
                        kind,
                        text,
                        language,
                        domains.get(domain),
                        wijken.get(wijk),
                        height,
                        channel,
                        [title for _, title in own],
                        _timestamp(moderated, zone) if with_moderation else None,
                        [theme_id for theme_id, _ in own],
                    )
                )
            )
        yield chunk
        after = (rows[-1][1], rows[-1][0])


def theme_rows(session: Session, zone: tzinfo) -> list[tuple]:
    """Every active theme with its figures (a tuple of THEME_FIELDS), in the order of the
    cycle and then by title.

    The counts are those of the theme page (portal.domain.themes.figures): every linked
    submission and every "this happens to me too" counts one. One query per figure for
    all themes, whatever their number.
    """
    found = list(session.scalars(select(Theme).where(Theme.merged_into_id.is_(None))))
    kinds: dict[int, Counter] = {}
    for theme_id, kind, count in session.execute(
        select(theme_submission.c.theme_id, Submission.kind, func.count())
        .join(Submission, Submission.id == theme_submission.c.submission_id)
        .where(Submission.is_input)  # answers are in evaluation_*
        .group_by(theme_submission.c.theme_id, Submission.kind)
    ):
        kinds.setdefault(theme_id, Counter())[kind] = count
    heights: dict[int, Counter] = {}
    for theme_id, height, count in session.execute(
        select(theme_submission.c.theme_id, Submission.height, func.count())
        .join(Submission, Submission.id == theme_submission.c.submission_id)
        .where(Submission.height.is_not(None))
        .group_by(theme_submission.c.theme_id, Submission.height)
    ):
        heights.setdefault(theme_id, Counter())[height] = count
    experiences = dict(
        session.execute(
            select(Experience.theme_id, func.count()).group_by(Experience.theme_id)
        ).all()
    )
    actions = dict(
        session.execute(
            select(ThemeAction.theme_id, func.count()).group_by(ThemeAction.theme_id)
        ).all()
    )
    answers = evaluations.summary(session, [theme.id for theme in found])
    found.sort(key=lambda theme: (STAGES.index(theme.stage), theme.title.lower(), theme.id))
    rows = []
    for theme in found:
        counted = kinds.get(theme.id, Counter())
        high = heights.get(theme.id, Counter())
        answered = answers.get(theme.id, Counter())
        row = {
            "id": theme.id,
            "title": theme.title,
            "summary": theme.summary,
            "stage": theme.stage,
            "stage_since": _timestamp(theme.stage_since, zone),
            "published": theme.published,
            "inputs": sum(counted.values()) + experiences.get(theme.id, 0),
            "obstacles": counted["obstacle"],
            "ideas": counted["idea"],
            **{f"height_{height}": high[height] for height in range(1, 6)},
            "actions": actions.get(theme.id, 0),
            **{f"evaluation_{answer}": answered[answer] for answer in EVALUATION_ANSWERS},
        }
        rows.append(tuple(row[name] for name in THEME_FIELDS))
    return rows


# --- writing the files ---------------------------------------------------------------------


def neutralised(value: str | None) -> str | None:
    """A cell's text that no spreadsheet runs as a formula (see the module's docstring)."""
    if not value:
        return value
    first = value[0]
    if first in FORMULA_STARTS or (first.isspace() and value.lstrip()[:1] in FORMULA_STARTS):
        return "'" + value
    return value


def _listed(values: list) -> str:
    return neutralised(" | ".join(map(str, values)))


def _flag(value: bool) -> str:
    return "true" if value else "false"


# How a column is written in CSV, where the csv module's own way (None as empty, numbers
# as digits) is not enough: words anyone typed are neutralised, lists joined. Codes and
# numbers the portal made itself are safe as they are.
CSV_CELLS = {
    "text": neutralised,
    "life_domain": neutralised,
    "neighbourhood": neutralised,
    "themes": _listed,
    "theme_ids": _listed,
    "title": neutralised,
    "summary": neutralised,
    "published": _flag,
}


class _Line:
    """A file-like object that hands back what the csv writer writes, instead of storing it."""

    def write(self, text: str) -> str:
        return text


def csv_stream(
    fields: tuple[str, ...], header: list[str], chunks: Iterator[list[tuple]], counted: list[int]
):
    """The CSV file as UTF-8 bytes, a chunk of rows at a time; `counted[0]` keeps the
    number of rows written so far, for the audit trail."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    cells = [(index, CSV_CELLS[name]) for index, name in enumerate(fields) if name in CSV_CELLS]
    yield (BOM + writer.writerow([neutralised(name) for name in header])).encode()
    for chunk in chunks:
        lines = []
        for row in chunk:
            row = list(row)
            for index, cell in cells:
                row[index] = cell(row[index])
            lines.append(writer.writerow(row))
        counted[0] += len(chunk)
        yield "".join(lines).encode()


def json_stream(fields: tuple[str, ...], chunks: Iterator[list[tuple]], counted: list[int]):
    """A JSON array of objects, written piece by piece; `counted` as for csv_stream."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield b"["
    separator = "\n"
    for chunk in chunks:
        parts = []
        for row in chunk:
            parts.append(separator + encode(dict(zip(fields, row, strict=True))))
            separator = ",\n"
        counted[0] += len(chunk)
        yield "".join(parts).encode()
    yield b"\n]\n"
