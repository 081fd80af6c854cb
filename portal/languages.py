"""The languages the portal offers: the one place that knows their names and direction."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    direction: str = "ltr"


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("nl", "Nederlands"),
        Language("en", "English"),
        Language("ar", "العربية", "rtl"),
        Language("tr", "Türkçe"),
        Language("pl", "Polski"),
        Language("uk", "Українська"),
    )
}
DEFAULT_LANGUAGE = "nl"


def offered(code: str | None) -> Language | None:
    """The offered language for a code such as 'ar' or 'AR', or None for anything else."""
    if not code:
        return None
    return LANGUAGES.get(code.strip().lower()[:8])


def direction(code: str) -> str:
    return LANGUAGES.get(code, LANGUAGES[DEFAULT_LANGUAGE]).direction
