"""Demo content for the whole cycle: a year of input from every channel, language and
wijk (unevenly, so that reach has something to say), and one theme taken to the end:
feedback published, contributors told, and a first evaluation."""

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import actions, evaluations, feedback, receipts, themes
from portal.domain.actions import ActionRequest
from portal.models import ContactDetails, Neighbourhood, Submission, utcnow

SEED = 7
SPREAD = 160  # submissions over the last year
# How the demo's input is divided: the web leads, phone input is rare.
CHANNEL_WEIGHTS = {"web": 60, "paper": 25, "assisted": 10, "phone": 5}
LANGUAGE_WEIGHTS = {"nl": 62, "ar": 10, "tr": 10, "pl": 8, "uk": 6, "en": 4}
# Some wijken are heard far more than others; Havenkwartier hardly at all.
WIJK_WEIGHTS = {
    "Centrum": 16,
    "Havenkwartier": 1,
    "De Meent": 14,
    "Molenwijk": 9,
    "Rijnoever": 8,
    "Schildersbuurt": 10,
    "Veldhoven-Noord": 4,
    "Zuiderpark": 12,
}
# (about the bus?, text) per language: short, as people write them.
PHRASES = {
    "nl": [
        (True, "De bus naar het ziekenhuis rijdt 's avonds niet meer."),
        (True, "Bij de bushalte is geen bankje, ik kan niet lang staan."),
        (False, "De stoep bij de school is te smal voor een rolstoel."),
        (False, "Ik begrijp de brief over de toeslag niet."),
        (False, "Het buurthuis heeft geen lift naar de eerste verdieping."),
        (False, "Sporten is te duur voor ons gezin."),
    ],
    "ar": [
        (True, "الحافلة إلى المستشفى لا تأتي في المساء."),
        (False, "لا أفهم الرسائل من البلدية."),
    ],
    "tr": [
        (True, "Hastaneye giden otobüs akşamları çalışmıyor."),
        (False, "Belediyenin mektuplarını anlamıyorum."),
    ],
    "pl": [
        (True, "Autobus do szpitala nie jeździ wieczorem."),
        (False, "Nie rozumiem listów z gminy."),
    ],
    "uk": [
        (True, "Автобус до лікарні не їздить увечері."),
        (False, "Я не розумію листів від муніципалітету."),
    ],
    "en": [
        (True, "There is no evening bus to the hospital."),
        (False, "The community centre has no step-free entrance."),
    ],
}
BUS_THEME = (
    "Geen bus naar het ziekenhuis in de avond",
    "Inwoners uit verschillende wijken komen 's avonds niet bij het ziekenhuis: de bus rijdt "
    "dan niet, en bij de halte is geen plek om te zitten.",
)
BUS_FEEDBACK = {
    "nl": "U vertelde dat u 's avonds niet met de bus bij het ziekenhuis komt. Daarom rijdt "
    "lijn 4 vanaf 1 maart tot 23.00 uur. De halte bij het ziekenhuis kreeg een bankje.",
    "en": "You told us there is no evening bus to the hospital. From 1 March, line 4 runs "
    "until 11 pm. The hospital stop now has a bench.",
    "ar": "أخبرتمونا أنه لا توجد حافلة إلى المستشفى في المساء. ابتداءً من 1 مارس، يعمل الخط 4 "
    "حتى الساعة 11 ليلًا. وفي موقف المستشفى يوجد الآن مقعد.",
}
BUS_ACTIONS = (
    ActionRequest(
        "Lijn 4 rijdt 's avonds tot 23.00 uur.", "Afdeling Verkeer", date(2026, 2, 10), "done"
    ),  # noqa: E501
    ActionRequest(
        "Een bankje bij de halte Ziekenhuis.", "Beheer Openbare Ruimte", date(2026, 2, 10), "done"
    ),  # noqa: E501
)


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def load(session: Session) -> int:
    """Add the year of input and the reported theme; the caller checks it is not there yet
    and commits. Returns how many submissions were added."""
    rng = random.Random(SEED)  # noqa: S311  (the same demo every time, not a secret)
    wijken = {n.name: n.id for n in session.scalars(select(Neighbourhood))}
    now = utcnow()
    bus = []
    for number in range(SPREAD):
        language = _pick(rng, LANGUAGE_WEIGHTS)
        about_bus, text = rng.choice(PHRASES[language])
        channel = _pick(rng, CHANNEL_WEIGHTS)
        kind = "obstacle" if rng.random() < 0.8 else "idea"
        row = Submission(
            receipt_code=receipts.new_code(),
            kind=kind,
            text=text,
            language=language,
            neighbourhood_id=wijken.get(_pick(rng, WIJK_WEIGHTS)) if rng.random() < 0.85 else None,
            height=rng.choice((2, 3, 3, 4, 4, 5)) if kind == "obstacle" else None,
            channel=channel,
            status="published" if rng.random() < 0.7 else "received",
            created_at=now - timedelta(days=rng.randint(0, 364), minutes=number),
            resident_consent_at=now if channel in ("assisted", "phone") else None,
        )
        session.add(row)
        if about_bus:
            bus.append(row)
    session.flush()
    _report_bus_theme(session, bus)
    return SPREAD


def _report_bus_theme(session: Session, members: list[Submission]) -> None:
    """The bus theme, taken through all four steps, as a moderator would."""
    title, summary = BUS_THEME
    theme = themes.create(session, None, title, summary, members)
    themes.update(session, None, theme, title=title, summary=summary, published=True)
    for request in BUS_ACTIONS:
        actions.add(session, None, theme, request)
    feedback.save(session, None, theme, BUS_FEEDBACK)
    # A few contributors asked to hear back: by email from the web, by letter on paper.
    retain = utcnow().date() + timedelta(days=365)
    for index, member in enumerate(members[:6]):
        if member.channel == "web":
            member.contact = ContactDetails(
                email=f"bewoner{index}@example.org", retain_until=retain
            )
        elif member.channel == "paper":
            member.contact = ContactDetails(
                postal_address=f"Dorpsstraat {index + 1}\n1234 AB Rijnwaarde",
                retain_until=retain,
            )
    session.flush()
    for stage in ("translated", "acting", "reported"):
        themes.move(session, None, theme, stage)
    evaluations.record(
        session,
        theme,
        members[0],
        "helps_a_little",
        "Fijn dat de bus later rijdt. Op zondag rijdt hij nog steeds niet.",
        members[0].language,
    )
