"""Paper forms as PDF: Jinja templates rendered by WeasyPrint, wording from the catalogs.

A form is a template like any page, so its wording comes from the same gettext catalogs
and its fonts from the system (Noto covers Latin, Cyrillic and Arabic; DejaVu is the
fallback). WeasyPrint embeds the subset of each font a document uses and writes text as
text, so a PDF is searchable, reads aloud and prints sharp in black and white.
"""

import unicodedata
from collections.abc import Callable, Iterable
from itertools import groupby

import segno
from flask import current_app, render_template, url_for
from flask_babel import force_locale, format_date

from portal import pdf_assembly
from portal.collector import rare_collections
from portal.domain import paper_layout, places, receipts
from portal.domain.paper_layout import Layout, Wording
from portal.i18n import gettext as _
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import utcnow
from portal.residents.feedback import ACTION_WORDS
from portal.residents.forms import HEIGHT_LABELS
from portal.residents.status import STATUS_TEXT
from portal.residents.themes import STAGE_TEXT

CHUNK = 40  # forms laid out per WeasyPrint document: progress steps, bounded memory


def wording(language: str, printed: dict, place: str | None) -> Wording:
    """The printed texts in `language`. `printed` holds the batch's option labels, which
    are already in that language: they were fixed when the batch was made."""
    with force_locale(language):
        retention = current_app.config["CONTACT_RETENTION_DAYS"]
        if place:
            where = _(
                "Geef het formulier terug bij %(place)s, of aan iemand van het wijkteam.",
                place=place,
            )
        else:
            where = _("Geef het formulier af bij het wijkteam of bij het gemeentehuis.")
        return Wording(
            blocks={
                "intro": _(
                    "Zit er iets in de weg om mee te doen? Of heeft u een idee? Vertel het de "
                    "gemeente op dit formulier. U hoeft uw naam niet te geven. U mag schrijven "
                    "in uw eigen taal."
                ),
                "question.kind": _("Wat wilt u vertellen? Zet een kruisje in één hokje."),
                "question.text": _("Schrijf het hier op, in uw eigen woorden."),
                "question.height": _(
                    "Alleen bij een obstakel: hoe erg zit het u in de weg? Kies één hokje."
                ),
                "question.life_domain": _("Waar gaat het over? Kies één hokje als u wilt."),
                "question.neighbourhood": _("In welke wijk is het? Kies één hokje als u wilt."),
                "question.contact": _("Wilt u bericht krijgen over uw inbreng? Dat hoeft niet."),
                "contact.hint": _("Schrijf hieronder uw e-mailadres of uw postadres."),
                "heading.privacy": _("Wat doen we met uw gegevens?"),
                "privacy": _(
                    "Medewerkers van de gemeente lezen wat u schrijft en gebruiken het om beleid "
                    "beter te maken. Uw tekst kan later op de website komen, zonder naam en "
                    "zonder persoonlijke gegevens. Uw e-mailadres of postadres gebruiken we "
                    "alleen om u bericht te sturen. We verwijderen het na %(days)d dagen.",
                    days=retention,
                ),
                "heading.return": _("Waar levert u het in?"),
                "return": where
                + " "
                + _(
                    "Bewaar de code bovenaan dit formulier. Daarmee kunt u op de website zien "
                    "wat er met uw inbreng gebeurt."
                ),
            },
            kinds=[
                ("obstacle", _("Er zit mij iets in de weg (een obstakel)")),
                ("idea", _("Ik heb een idee")),
            ],
            heights=[(str(level), str(label)) for level, label in HEIGHT_LABELS.items()],
            life_domains=[tuple(option) for option in printed.get("life_domain", [])],
            neighbourhoods=[tuple(option) for option in printed.get("neighbourhood", [])],
            consent=_("Ja, ik wil bericht krijgen over mijn inbreng."),
        )


def labels(words: Wording) -> dict[str, dict[str, str]]:
    """Every tick box's label, by field and value."""
    return {
        "kind": dict(words.kinds),
        "height": dict(words.heights),
        "life_domain": dict(words.life_domains),
        "neighbourhood": dict(words.neighbourhoods),
        "consent": {"yes": words.consent},
    }


def layout_for(language: str, variant: str, printed: dict, place: str | None) -> Layout:
    rtl = LANGUAGES[language].direction == "rtl"
    return paper_layout.build(variant, rtl, wording(language, printed, place))


def printed_for(session, language: str, variant: str, place: str | None) -> dict:
    """What a new batch prints, fixed for good: today's active options, labelled in the
    batch's language, and the layout they make."""
    with force_locale(language):
        options = {
            "life_domain": [list(o) for o in places.life_domain_choices(session)],
            "neighbourhood": [list(o) for o in places.neighbourhood_choices(session)],
        }
    layout = layout_for(language, variant, options, place)
    return {**options, "layout": layout.to_dict()}


@rare_collections()
def render_forms(
    language: str,
    variant: str,
    printed: dict,
    place: str | None,
    codes: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One PDF with a form for every code; `progress` hears how many forms are done.

    The form is laid out once; per form only its code and sheet numbers are laid out,
    `CHUNK` forms at a time, and its QR codes drawn (see portal.pdf_assembly).
    """
    from portal.pdf_engine import HTML  # imported on first use: it loads Pango

    layout = Layout.from_dict(printed["layout"]) if "layout" in printed else None
    layout = layout or layout_for(language, variant, printed, place)
    words = wording(language, printed, place)
    prefix = paper_layout.qr_prefix(current_app.config["MUNICIPALITY_NAME"])
    codes = list(codes)

    def html(part: str, forms: list[str]) -> str:
        with force_locale(language):
            return render_template(
                "paper/form.html",
                part=part,
                layout=layout,
                words=words,
                forms=forms,
                language=language,
                rtl=layout.rtl,
                marks=paper_layout.MARKS,
                labels=labels(words),
                lines_in=paper_layout.lines_in,
            )

    base = HTML(string=html("base", [""])).render().write_pdf()
    stamps = []
    for start in range(0, len(codes), CHUNK):
        chunk = [receipts.display(code) for code in codes[start : start + CHUNK]]
        stamps.append(HTML(string=html("stamp", chunk)).render())
        if progress is not None:
            progress(min(start + CHUNK, len(codes)))
    stamp_pdf = stamps[0].copy([page for d in stamps for page in d.pages]).write_pdf()
    drawings = [
        pdf_assembly.qr_drawing(
            qr_matrix(paper_layout.qr_payload(prefix, code, page.number)),
            layout.qr.x,
            layout.qr.y,
            layout.qr.w,
            page_height=paper_layout.PAGE_HEIGHT * pdf_assembly.MM,
        )
        for code in codes
        for page in layout.pages
    ]
    return pdf_assembly.assemble(base, stamp_pdf, drawings)


def qr_matrix(payload: str):
    """The QR code's modules. Mask 0 instead of the best of eight: any mask decodes, and
    choosing costs ten times the encoding, for every page of a batch."""
    return segno.make(payload, error="m", mask=0, micro=False).matrix


# --- slips and letters for residents who took part through staff or on paper -------------


def _offered(language: str) -> str:

    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def slip_wording(language: str, received_at, follow_url: str) -> dict[str, str]:
    """The texts of the receipt slip staff give a resident, in the resident's language."""

    with force_locale(_offered(language)):
        return {
            "thanks": _("Bedankt, we hebben uw inbreng ontvangen"),
            "received": _("Ontvangen op %(date)s", date=format_date(received_at, "long")),
            "code_intro": _("Uw volgcode is"),
            "keep": _(
                "Bewaar deze bon. Met de volgcode kunt u later zien wat er met uw inbreng "
                "is gedaan."
            ),
            "follow": _("Ga naar %(url)s en vul daar uw volgcode in.", url=ltr(follow_url)),
            "questions": _(
                "Vragen over uw inbreng? Neem contact op met de gemeente en noem uw volgcode."
            ),
        }


def render_slip(language: str, code: str, words: dict[str, str]) -> bytes:
    """The receipt slip as a small PDF (A6), with the code in large type."""
    from portal.pdf_engine import HTML  # imported on first use: it loads Pango

    language = _offered(language)
    with force_locale(language):
        html = render_template(
            "paper/slip.html",
            words=words,
            code=receipts.display(code),
            language=language,
            rtl=LANGUAGES[language].direction == "rtl",
        )
    return HTML(string=html).write_pdf()


@rare_collections()
def render_letters(letters: Iterable, progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF with a letter per resident (portal.domain.letters.Letter, sorted by language),
    each in the resident's language and starting on a new page; `progress` hears how many
    letters are done after each chunk."""

    from portal.pdf_engine import HTML

    follow_url = ltr(url_for("residents.lookup", _external=True))
    today = utcnow()
    documents = []
    done = 0
    for language, group in groupby(letters, key=lambda letter: _offered(letter.language)):
        group = list(group)
        # Who hands a letter over is for the wijkteam to read: that part is in Dutch.
        with force_locale(DEFAULT_LANGUAGE):
            handover = {letter.code: _handover_lines(letter) for letter in group}
        for start in range(0, len(group), CHUNK):
            with force_locale(language):
                items = [
                    {
                        "letter": letter,
                        "code": letter.display_code,
                        "handover": handover[letter.code],
                        "status": [str(text) for text in STATUS_TEXT[letter.submission.status]],
                        "text_dir": _text_direction(letter.excerpt),
                        "themes": [_theme_entry(letter, theme) for theme in letter.themes],
                    }
                    for letter in group[start : start + CHUNK]
                ]
                html = render_template(
                    "paper/letter.html",
                    items=items,
                    language=language,
                    rtl=LANGUAGES[language].direction == "rtl",
                    follow_url=follow_url,
                    today=today,
                )
            documents.append(HTML(string=html).render())
            done += len(items)
            if progress is not None:
                progress(done)
    if not documents:
        raise ValueError("no letters to print")
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def _theme_entry(letter, theme) -> dict:
    """What a letter says about one theme, with its feedback once that is published."""
    report = (letter.reports or {}).get(theme.id)
    entry = {
        "theme": theme,
        "dir": _text_direction(f"{theme.title} {theme.summary}"),
        "stage": str(STAGE_TEXT[theme.stage]),
        "url": ltr(url_for("residents.theme", theme_id=theme.id, _external=True)),
        "report": report,
    }
    if report is not None:
        entry["feedback_url"] = ltr(
            url_for("residents.theme_feedback", theme_id=theme.id, _external=True)
        )
        entry["action_words"] = {key: str(words) for key, words in ACTION_WORDS.items()}
        if report.feedback is not None:
            entry["feedback_dir"] = _text_direction(report.feedback.body)
    return entry


def ltr(text: str) -> str:
    """Text that runs left to right inside any paragraph, such as a web address in an
    Arabic sentence: wrapped in Unicode's left-to-right isolate, which Pango follows."""
    return f"\u2066{text}\u2069"


def _text_direction(text: str) -> str:
    """The direction of a text by its first strongly directed character, as dir="auto"
    does in a browser: WeasyPrint does not implement dir="auto"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def _handover_lines(letter) -> list[str] | None:
    if letter.postal_address:
        return None
    lines = [
        _("Via het wijkteam"),
        _("Voor de bewoner met volgcode %(code)s", code=letter.display_code),
    ]
    if letter.entered_by:
        lines.append(_("Ingevoerd door %(email)s", email=letter.entered_by))
    return lines
