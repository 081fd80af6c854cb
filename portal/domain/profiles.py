"""The optional questions residents may answer about themselves after sending their input
("over mij"), the gemeente's own questions among them, and the counts staff may see.

Unlinkable by design (see portal.models.profiles): `record` stores the answers with a random
key and the month only; nothing ties them to the submission, the receipt code, the wijk,
the channel or the language. Whether someone already answered is kept in their own browser
session by the page, never in the database.

`report` is the only way out for the answers: it returns counts per answer with the small
groups suppressed (portal.domain.disclosure). Screens, exports, the API and charts all call
it; none counts the answers itself.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session, selectinload

from portal.domain import audit, disclosure, text
from portal.domain.disclosure import Breakdown
from portal.i18n import lazy_gettext as _l
from portal.models import (
    AGE_BANDS,
    OPTION_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Profile,
    ProfileAnswer,
    ProfileOption,
    ProfileQuestion,
)

MIN_OPTIONS = 2
MAX_OPTIONS = 12
MAX_QUESTIONS = 10
# The key of "did not answer this question" in a breakdown.
NO_ANSWER = None
NO_ANSWER_LABEL = _l("Niet beantwoord")

# The one question every gemeente asks, with fixed bands so that figures compare.
AGE_QUESTION = _l("Hoe oud bent u?")
AGE_BAND_LABELS = {
    "under_18": _l("Jonger dan 18 jaar"),
    "18_26": _l("18 tot en met 26 jaar"),
    "27_40": _l("27 tot en met 40 jaar"),
    "41_65": _l("41 tot en met 65 jaar"),
    "66_80": _l("66 tot en met 80 jaar"),
    "over_80": _l("Ouder dan 80 jaar"),
    "prefer_not": _l("Zeg ik liever niet"),
}


def localized(dutch: str, translations: Mapping[str, str] | None, language: str) -> str:
    """The text in `language` where staff wrote one, else the Dutch text."""
    return (translations or {}).get(language) or dutch


def questions(session: Session) -> list[ProfileQuestion]:
    """The gemeente's own questions in their order, each with its options."""
    return list(
        session.scalars(
            select(ProfileQuestion)
            .options(selectinload(ProfileQuestion.options))
            .order_by(ProfileQuestion.position, ProfileQuestion.id)
        )
    )


# --- a resident's answers ------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileAnswers:
    """What one resident chose: an age band, and per question id the id of an option."""

    age_band: str | None = None
    options: Mapping[int, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.age_band is None and not self.options


class ProfileError(ValueError):
    def __init__(self, code: str, language: str | None = None):
        super().__init__(code)
        self.code = code
        self.language = language


def period_of(day: date) -> str:
    """The month a day falls in, "2026-11": all the time the answers are stored with."""
    return f"{day.year:04d}-{day.month:02d}"


def record(session: Session, answers: ProfileAnswers, today: date) -> Profile | None:
    """Store one resident's answers apart from anything else; nothing when all are empty.

    Refuses (ProfileError "unknown_answer") an age band or an option that is not offered, for
    example an option of a question that was removed while the page was open.
    """
    if answers.empty:
        return None
    if answers.age_band is not None and answers.age_band not in AGE_BANDS:
        raise ProfileError("unknown_answer")
    pairs = [(question_id, option_id) for question_id, option_id in answers.options.items()]
    if pairs:
        # Not a row-value IN (question_id, id): SQLite 3.40 misses rows with it on this index.
        offered = session.execute(
            select(ProfileOption.question_id, ProfileOption.id).where(
                ProfileOption.id.in_([option_id for _, option_id in pairs])
            )
        ).all()
        if not set(pairs) <= {tuple(row) for row in offered}:
            raise ProfileError("unknown_answer")
    profile = Profile(period=period_of(today), age_band=answers.age_band)
    session.add(profile)
    session.flush()
    session.add_all(
        ProfileAnswer(profile_id=profile.id, question_id=question_id, option_id=option_id)
        for question_id, option_id in pairs
    )
    session.flush()
    return profile


# --- the counts staff may see ----------------------------------------------------------------


@dataclass(frozen=True)
class QuestionReport:
    """The suppressed counts of one question: `question` is None for the age question.

    The breakdown's keys are the age bands or the option ids, and NO_ANSWER for the people
    who filled in "over mij" but skipped this question; its total is everyone who filled in
    "over mij", the same number for every question. `breakdown` is None when no figure of
    this question can be shown without giving a small group away.
    """

    question: ProfileQuestion | None
    breakdown: Breakdown | None
    options: Mapping[int, ProfileOption] = field(default_factory=dict)


@dataclass(frozen=True)
class ProfileReport:
    """`people`: how many filled in "over mij". While that is under the minimum group size,
    nothing is shown (`withheld`): every figure would be about a small group."""

    people: disclosure.Cell
    age: QuestionReport
    questions: tuple[QuestionReport, ...]

    @property
    def withheld(self) -> bool:
        return self.people.hidden


def report(session: Session, minimum: int = disclosure.MINIMUM_GROUP) -> ProfileReport:
    """The answers to "over mij", counted per answer, with every small group suppressed.

    Each question is one breakdown over everyone who filled in "over mij": its answers plus
    "no answer", so every breakdown has the same total, shown once for all. A breakdown that
    could only be protected by hiding that total is left out as a whole (breakdown None),
    because the total is shown with the others. With fewer people than `minimum` in all,
    nothing is shown.
    """
    people = session.scalar(select(func.count()).select_from(Profile)) or 0
    people_cell = disclosure.Cell(
        None,
        disclosure.suppress_count(people, minimum),
        disclosure.SMALL if disclosure.is_small(people, minimum) else None,
        minimum,
    )
    ages = dict(
        session.execute(
            select(Profile.age_band, func.count())
            .where(Profile.age_band.is_not(None))
            .group_by(Profile.age_band)
        ).all()
    )
    answered: dict[int, dict[int, int]] = {}
    for question_id, option_id, count in session.execute(
        select(ProfileAnswer.question_id, ProfileAnswer.option_id, func.count()).group_by(
            ProfileAnswer.question_id, ProfileAnswer.option_id
        )
    ):
        answered.setdefault(question_id, {})[option_id] = count

    def breakdown(counts: dict) -> Breakdown | None:
        if people_cell.hidden:
            return None
        full = {**counts, NO_ANSWER: people - sum(counts.values())}
        suppressed = disclosure.suppress(full, minimum=minimum)
        return None if suppressed.total.hidden else suppressed

    age = QuestionReport(None, breakdown({band: ages.get(band, 0) for band in AGE_BANDS}))
    reports = []
    for question in questions(session):
        given = answered.get(question.id, {})
        counts = {option.id: given.get(option.id, 0) for option in question.options}
        reports.append(
            QuestionReport(
                question,
                breakdown(counts),
                {option.id: option for option in question.options},
            )
        )
    return ProfileReport(people=people_cell, age=age, questions=tuple(reports))


# --- the gemeente's own questions, kept by administrators ------------------------------------


@dataclass(frozen=True)
class QuestionText:
    """A question as the administrator typed it: Dutch, and per other language.

    `options` are the Dutch answers in order; `option_translations` has, per language code,
    the answers in that language in the same order (or nothing for that language).
    """

    text: str
    translations: Mapping[str, str] = field(default_factory=dict)
    options: Sequence[str] = ()
    option_translations: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _clean(value: str | None, limit: int, too_long: str, language: str | None = None) -> str:
    value = text.clean(value or "")
    if len(value) > limit:
        raise ProfileError(too_long, language)
    return value


def _checked(question: QuestionText) -> tuple[str, dict, list[str], dict[str, list[str]]]:
    dutch = _clean(question.text, QUESTION_MAX_LENGTH, "text_too_long")
    if not dutch:
        raise ProfileError("empty_text")
    translations = {
        code: _clean(value, QUESTION_MAX_LENGTH, "text_too_long", code)
        for code, value in question.translations.items()
    }
    translations = {code: value for code, value in translations.items() if value}

    options = [_clean(o, OPTION_MAX_LENGTH, "option_too_long") for o in question.options]
    options = [option for option in options if option]
    if len(options) < MIN_OPTIONS:
        raise ProfileError("too_few_options")
    if len(options) > MAX_OPTIONS:
        raise ProfileError("too_many_options")
    if len({option.casefold() for option in options}) != len(options):
        raise ProfileError("repeated_option")
    option_translations = {}
    for code, lines in question.option_translations.items():
        lines = [_clean(line, OPTION_MAX_LENGTH, "option_too_long", code) for line in lines]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if len(lines) != len(options):
            raise ProfileError("translation_count", code)
        option_translations[code] = lines
    return dutch, translations, options, option_translations


def _option_translations(option_translations: dict[str, list[str]], index: int) -> dict:
    return {code: lines[index] for code, lines in option_translations.items()}


def _as_audited(question: ProfileQuestion) -> dict:
    """The question as the audit trail keeps it: every text, the answers joined by "|"."""
    kept = {"text": question.text}
    kept.update({f"text_{code}": value for code, value in (question.translations or {}).items()})
    kept["options"] = " | ".join(option.label for option in question.options)
    codes = sorted({code for option in question.options for code in (option.translations or {})})
    for code in codes:
        kept[f"options_{code}"] = " | ".join(
            (option.translations or {}).get(code, "") for option in question.options
        )
    return kept


def add_question(session: Session, actor, question: QuestionText) -> ProfileQuestion:
    """A new question with its answers, asked after the ones there are."""
    dutch, translations, options, option_translations = _checked(question)
    if session.scalar(select(func.count()).select_from(ProfileQuestion)) >= MAX_QUESTIONS:
        raise ProfileError("too_many_questions")
    position = (session.scalar(select(func.max(ProfileQuestion.position))) or 0) + 1
    row = ProfileQuestion(text=dutch, translations=translations, position=position)
    row.options = [
        ProfileOption(
            label=label,
            translations=_option_translations(option_translations, index),
            position=index,
        )
        for index, label in enumerate(options)
    ]
    session.add(row)
    session.flush()
    audit.record(session, actor, "profile_question.add", row, None, _as_audited(row))
    return row


def update_question(session: Session, actor, row: ProfileQuestion, question: QuestionText) -> None:
    """Write a question and its answers differently; the number of answers stays the same.

    The answers residents gave point at an option by its place in the list: adding or
    removing one would change what they said. For that, remove the question and add a new one.
    """
    dutch, translations, options, option_translations = _checked(question)
    if len(options) != len(row.options):
        raise ProfileError("options_changed")
    before = _as_audited(row)
    row.text, row.translations = dutch, translations
    for index, option in enumerate(row.options):
        option.label = options[index]
        option.translations = _option_translations(option_translations, index)
    after = _as_audited(row)
    if after != before:
        audit.record(session, actor, "profile_question.update", row, before, after)


def move_question(session: Session, actor, row: ProfileQuestion, step: int) -> bool:
    """Move a question one place up (step -1) or down (+1); False when it is at that end."""
    ordered = questions(session)
    index = next(i for i, question in enumerate(ordered) if question.id == row.id)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, question in enumerate(ordered, start=1):
        question.position = position
    audit.record(
        session,
        actor,
        "profile_question.move",
        row,
        {"position": index + 1},
        {"position": other + 1},
    )
    return True


def remove_question(session: Session, actor, row: ProfileQuestion) -> None:
    """Remove a question with its options and what residents answered to it.

    Whoever then has no answer left at all is removed too: nothing is kept without a use.
    """
    audit.record(session, actor, "profile_question.remove", row, _as_audited(row), None)
    session.delete(row)
    session.flush()
    session.execute(
        delete(Profile).where(
            Profile.age_band.is_(None),
            ~exists().where(ProfileAnswer.profile_id == Profile.id),
        )
    )
