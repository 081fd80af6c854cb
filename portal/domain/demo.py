"""Demo content: the made-up gemeente Rijnwaarde, its wijken and a few submissions."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import submissions
from portal.domain.submissions import Answers
from portal.models import LifeDomain, Neighbourhood, Submission

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


def load(session: Session) -> dict[str, int]:
    """Add whatever of the demo content is missing; running it again adds nothing."""
    added = {"neighbourhoods": 0, "submissions": 0}
    existing = set(session.scalars(select(Neighbourhood.name)))
    for position, name in enumerate(NEIGHBOURHOODS, start=1):
        if name not in existing:
            session.add(Neighbourhood(name=name, position=position))
            added["neighbourhoods"] += 1
    session.flush()

    if session.scalar(select(func.count()).select_from(Submission)):
        return added
    domains = {d.slug: d.id for d in session.scalars(select(LifeDomain))}
    wijken = {n.name: n.id for n in session.scalars(select(Neighbourhood))}
    for kind, domain, wijk, height, language, text in SUBMISSIONS:
        submissions.submit(
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
        added["submissions"] += 1
    return added
