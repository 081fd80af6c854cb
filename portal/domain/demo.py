"""Demo content: the made-up gemeente Rijnwaarde, its wijken, a few submissions and themes,
and (outside production) staff accounts to try the staff pages with."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import (
    accounts,
    actions,
    demo_cycle,
    moderation,
    profiles,
    submissions,
    themes,
)
from portal.domain.actions import ActionRequest
from portal.domain.submissions import Answers
from portal.models import STAGES, LifeDomain, Neighbourhood, StaffUser, Submission, Theme

# One account per role, for trying the staff pages; never created in production.
STAFF = (
    ("beheer@rijnwaarde.example", "admin"),
    ("moderator@rijnwaarde.example", "moderator"),
    ("wijkteam@rijnwaarde.example", "wijkteam"),
    ("beleid@rijnwaarde.example", "policy"),
)
# (title, summary, stage, indexes into SUBMISSIONS)
THEMES = (
    (
        "Gebouwen waar je niet in kunt",
        "Inwoners met een rolstoel of rollator kunnen sommige gebouwen niet in, zoals het "
        "wijkcentrum in het Centrum. Ze missen daardoor activiteiten in hun eigen buurt.",
        "acting",
        (0,),
    ),
    (
        "Brieven die moeilijk te begrijpen zijn",
        "Brieven van de gemeente hebben moeilijke woorden. Inwoners weten dan niet wat ze moeten "
        "doen of wie ze kunnen bellen.",
        "translated",
        (1,),
    ),
)

NEIGHBOURHOODS = (
    "Centrum",
    "Havenkwartier",
    "De Meent",
    "Molenwijk",
    "Rijnoever",
    "Schildersbuurt",
    "Veldhoven-Noord",
    "Zuiderpark",
)
# How many people live in each wijk (a gemeente of about 62,000), for reach per 1,000.
INHABITANTS = {
    "Centrum": 9850,
    "Havenkwartier": 4320,
    "De Meent": 11240,
    "Molenwijk": 7615,
    "Rijnoever": 6080,
    "Schildersbuurt": 8930,
    "Veldhoven-Noord": 5470,
    "Zuiderpark": 9125,
}

# (kind, life domain slug, wijk, height, language, text)
SUBMISSIONS = (
    (
        "obstacle",
        "public_space",
        "Centrum",
        5,
        "nl",
        "Het wijkcentrum heeft alleen een trap bij de ingang. Met mijn rolstoel kom ik er niet in, "
        "dus ik kan niet naar de koffieochtend.",
    ),
    (
        "obstacle",
        "language",
        "Molenwijk",
        4,
        "nl",
        "De brieven van de gemeente over de toeslag begrijp ik niet. Er staan veel moeilijke "
        "woorden in en ik weet niet wie ik kan bellen.",
    ),
    (
        "idea",
        "sport",
        "Zuiderpark",
        None,
        "nl",
        "Maak de sporthal op zondagochtend open voor vrij bewegen, zonder lidmaatschap. Dan kunnen "
        "ook mensen zonder geld voor een club meedoen.",
    ),
    (
        "obstacle",
        "transport",
        "Rijnoever",
        3,
        "en",
        "The bus to the hospital only runs once an hour and the stop has no bench. Waiting is hard "
        "for older people.",
    ),
    (
        "obstacle",
        "money",
        "De Meent",
        4,
        "ar",
        "لا أستطيع دفع اشتراك النادي الرياضي لأطفالي، لذلك لا يلعبون كرة القدم مع أصدقائهم.",
    ),
    (
        "idea",
        "digital",
        "Havenkwartier",
        None,
        "tr",
        "Kütüphanede yaşlılar için haftada bir bilgisayar yardımı olsun. Birçok komşum DigiD "
        "kullanamıyor.",
    ),
    (
        "obstacle",
        "work",
        "Schildersbuurt",
        3,
        "pl",
        "Ogłoszenia o pracy w gminie są tylko po niderlandzku. "
        "Znam język słabo, ale chcę pracować.",
    ),
    (
        "idea",
        "social",
        "Veldhoven-Noord",
        None,
        "uk",
        "Було б добре мати місце для зустрічей сусідів увечері, де можна поговорити та випити чаю.",
    ),
)


def load(session: Session, staff_password: str | None = None) -> dict[str, int]:
    """Add whatever of the demo content is missing; running it again adds nothing.

    With `staff_password`, also one staff account per role with that password.
    """
    added = {"neighbourhoods": 0, "submissions": 0, "themes": 0, "staff": 0}
    if staff_password:
        added["staff"] = _load_staff(session, staff_password)
    existing = set(session.scalars(select(Neighbourhood.name)))
    for position, name in enumerate(NEIGHBOURHOODS, start=1):
        if name not in existing:
            session.add(
                Neighbourhood(name=name, position=position, inhabitants=INHABITANTS.get(name))
            )
            added["neighbourhoods"] += 1
    session.flush()
    added["profile_questions"] = _load_profile_questions(session)

    if session.scalar(select(func.count()).select_from(Submission)):
        return added
    added["submissions"], rows = _load_submissions(session)
    if not session.scalar(select(func.count()).select_from(Theme)):
        added["themes"] = _load_themes(session, rows)
        # A year of input, and one theme taken through the whole cycle.
        added["submissions"] += demo_cycle.load(session)
        added["themes"] += 1
    return added


def _load_submissions(session: Session) -> tuple[int, list[Submission]]:
    domains = {d.slug: d.id for d in session.scalars(select(LifeDomain))}
    wijken = {n.name: n.id for n in session.scalars(select(Neighbourhood))}
    rows = []
    for kind, domain, wijk, height, language, text in SUBMISSIONS:
        row = submissions.submit(
            session,
            Answers(
                kind=kind,
                text=text,
                language=language,
                life_domain_id=domains.get(domain),
                neighbourhood_id=wijken.get(wijk),
                height=height,
            ),
        )
        rows.append(row)
    return len(rows), rows


def _load_themes(session: Session, rows: list[Submission]) -> int:
    for title, summary, stage, members in THEMES:
        theme = themes.create(session, None, title, summary, [rows[i] for i in members])
        themes.update(session, None, theme, title=title, summary=summary, published=True)
        advance(session, theme, stage)
        for i in members:
            moderation.publish(session, None, rows[i])
    return len(THEMES)


DEMO_ACTION = ActionRequest(
    description="De gemeente bespreekt wat inwoners vertellen met de organisaties die erover gaan.",
    owner="Team Meedoen",
    decided_on=date(2026, 11, 2),
    status="under_way",
)


def advance(session: Session, theme, stage: str) -> None:
    """Take a theme step by step to `stage`, with the action the third step needs."""
    while STAGES.index(theme.stage) < STAGES.index(stage):
        following = STAGES[STAGES.index(theme.stage) + 1]
        if following == "acting" and not actions.for_theme(session, theme.id):
            actions.add(session, None, theme, DEMO_ACTION)
        themes.move(session, None, theme, following)


def _load_staff(session: Session, password: str) -> int:
    existing = set(session.scalars(select(StaffUser.email)))
    added = 0
    for email, role in STAFF:
        if email not in existing:
            accounts.add_user(session, email, role, password)
            added += 1
    return added


# Two questions of "over mij" as a gemeente might ask them: (Dutch question, translations,
# Dutch answers, answers per language).
PROFILE_QUESTIONS = (
    (
        "Heeft u een beperking of chronische ziekte?",
        {"en": "Do you have a disability or a chronic illness?"},
        ("Ja", "Nee", "Zeg ik liever niet"),
        {"en": ("Yes", "No", "I prefer not to say")},
    ),
    (
        "Welke taal spreekt u thuis het meest?",
        {"en": "Which language do you speak most at home?"},
        (
            "Nederlands",
            "Arabisch",
            "Turks",
            "Pools",
            "Oekraïens",
            "Een andere taal",
            "Zeg ik liever niet",
        ),
        {
            "en": (
                "Dutch",
                "Arabic",
                "Turkish",
                "Polish",
                "Ukrainian",
                "Another language",
                "I prefer not to say",
            )
        },
    ),
)


def _load_profile_questions(session: Session) -> int:
    """The demo's own "over mij" questions, when the gemeente has none yet."""
    if profiles.questions(session):
        return 0
    for text, translations, options, option_translations in PROFILE_QUESTIONS:
        profiles.add_question(
            session,
            None,
            profiles.QuestionText(text, translations, options, option_translations),
        )
    return len(PROFILE_QUESTIONS)
