"""The gemeente's wijken and the life domains (leefgebieden) residents can choose from."""

import secrets

from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import audit, text
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


def life_domain_label(slug: str, label: str | None = None, translations: dict | None = None) -> str:
    """The name in the page's language: built-ins from the catalogs, a gemeente's own from
    what staff wrote for that language, else its Dutch label."""
    builtin = BUILTIN_LIFE_DOMAINS.get(slug)
    if builtin is not None:
        return str(builtin)
    if translations:
        own = translations.get(str(get_locale()))
        if own:
            return own
    return label or slug


# Plain column queries: the form is shown on every visit, and these lists need no objects.
def life_domain_choices(session: Session, include_inactive: bool = False) -> list[tuple[str, str]]:
    query = select(
        LifeDomain.id, LifeDomain.slug, LifeDomain.label, LifeDomain.translations
    ).order_by(LifeDomain.position, LifeDomain.id)
    if not include_inactive:
        query = query.where(LifeDomain.active)
    return [
        (str(id_), life_domain_label(slug, label, translations))
        for id_, slug, label, translations in session.execute(query)
    ]


def neighbourhood_choices(
    session: Session, include_inactive: bool = False
) -> list[tuple[str, str]]:
    query = select(Neighbourhood.id, Neighbourhood.name).order_by(
        Neighbourhood.position, Neighbourhood.name
    )
    if not include_inactive:
        query = query.where(Neighbourhood.active)
    return [(str(id_), name) for id_, name in session.execute(query)]


# --- managed by administrators ------------------------------------------------------------


class PlaceError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _name(value: str) -> str:
    value = text.clean(value or "")
    if not value:
        raise PlaceError("empty_name")
    if len(value) > 120:
        raise PlaceError("name_too_long")
    return value


def _name_taken(session: Session, name: str, but: int | None = None) -> bool:
    """ "Noord" and "noord" are one wijk: residents would not know which to choose."""
    query = select(Neighbourhood.id).where(func.lower(Neighbourhood.name) == name.lower())
    if but is not None:
        query = query.where(Neighbourhood.id != but)
    return session.scalar(query) is not None


def add_neighbourhood(session: Session, actor, name: str) -> Neighbourhood:
    name = _name(name)
    if _name_taken(session, name):
        raise PlaceError("exists")
    position = (session.scalar(select(func.max(Neighbourhood.position))) or 0) + 1
    row = Neighbourhood(name=name, position=position, active=True)
    session.add(row)
    session.flush()
    audit.record(session, actor, "neighbourhood.add", row, None, {"name": name})
    return row


def update_neighbourhood(session: Session, actor, row: Neighbourhood, name: str, active: bool):
    name = _name(name)
    if _name_taken(session, name, but=row.id):
        raise PlaceError("exists")
    before = {"name": row.name, "active": row.active}
    row.name, row.active = name, active
    after = {"name": row.name, "active": row.active}
    if after != before:
        audit.record(session, actor, "neighbourhood.update", row, before, after)


def add_life_domain(session: Session, actor, label: str, translations: dict) -> LifeDomain:
    label = _name(label)
    translations = {code: _name(value) for code, value in translations.items() if value}
    slug = "custom-" + secrets.token_hex(4)  # never one of the built-in slugs
    position = (session.scalar(select(func.max(LifeDomain.position))) or 0) + 1
    row = LifeDomain(
        slug=slug, label=label, translations=translations, position=position, active=True
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "life_domain.add", row, None, {"label": label, **translations})
    return row


def update_life_domain(
    session: Session, actor, row: LifeDomain, active: bool, label=None, translations=None
):
    """Switch a life domain on or off; a gemeente's own can also be renamed per language."""
    before = {"active": row.active, "label": row.label, **(row.translations or {})}
    row.active = active
    if row.slug not in BUILTIN_LIFE_DOMAINS and label is not None:
        row.label = _name(label)
        row.translations = {
            code: _name(value) for code, value in (translations or {}).items() if value
        }
    after = {"active": row.active, "label": row.label, **(row.translations or {})}
    if after != before:
        audit.record(session, actor, "life_domain.update", row, before, after)
