"""The gemeente's wijken and the life domains (leefgebieden) residents can choose from."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.i18n import lazy_gettext as _l
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


def life_domain_label(slug: str, label: str | None = None) -> str:
    builtin = BUILTIN_LIFE_DOMAINS.get(slug)
    return str(builtin) if builtin is not None else (label or slug)


# Plain column queries: the form is shown on every visit, and these lists need no objects.
def life_domain_choices(session: Session) -> list[tuple[str, str]]:
    query = (
        select(LifeDomain.id, LifeDomain.slug, LifeDomain.label)
        .where(LifeDomain.active)
        .order_by(LifeDomain.position)
    )
    return [
        (str(id_), life_domain_label(slug, label)) for id_, slug, label in session.execute(query)
    ]


def neighbourhood_choices(session: Session) -> list[tuple[str, str]]:
    query = (
        select(Neighbourhood.id, Neighbourhood.name)
        .where(Neighbourhood.active)
        .order_by(Neighbourhood.position, Neighbourhood.name)
    )
    return [(str(id_), name) for id_, name in session.execute(query)]
