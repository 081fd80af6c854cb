"""The gemeente's wijken and the life domains (leefgebieden) residents can choose from."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import LifeDomain, Neighbourhood

# The built-in life domains, in the order the form shows them. Their names are translated
# through the catalogs; a domain a gemeente adds itself shows its own label.
BUILTIN_LIFE_DOMAINS = {
    "work": _l("Werk en dagbesteding"),
    "care": _l("Zorg en ondersteuning"),
    "housing": _l("Wonen"),
    "transport": _l("Vervoer en bereikbaarheid"),
    "sport": _l("Sport en bewegen"),
    "education": _l("Onderwijs en leren"),
    "money": _l("Geld en inkomen"),
    "safety": _l("Veiligheid"),
    "digital": _l("Digitaal en internet"),
    "language": _l("Taal en informatie"),
    "social": _l("Elkaar ontmoeten en vrije tijd"),
    "public_space": _l("Openbare ruimte en gebouwen"),
}


def life_domain_label(domain: LifeDomain) -> str:
    builtin = BUILTIN_LIFE_DOMAINS.get(domain.slug)
    return str(builtin) if builtin is not None else (domain.label or domain.slug)


def active_life_domains(session: Session) -> list[LifeDomain]:
    query = select(LifeDomain).where(LifeDomain.active).order_by(LifeDomain.position)
    return list(session.scalars(query))


def active_neighbourhoods(session: Session) -> list[Neighbourhood]:
    query = select(Neighbourhood).where(Neighbourhood.active)
    return list(session.scalars(query.order_by(Neighbourhood.position, Neighbourhood.name)))


def life_domain_choices(session: Session) -> list[tuple[str, str]]:
    return [(str(d.id), life_domain_label(d)) for d in active_life_domains(session)]


def neighbourhood_choices(session: Session) -> list[tuple[str, str]]:
    return [(str(n.id), n.name) for n in active_neighbourhoods(session)]
