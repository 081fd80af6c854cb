"""Exports for policy officers: published input and the themes, as CSV or JSON.

The files are streamed: rows go out a chunk at a time while the next chunk is read, so a
large export neither waits for the whole file nor holds it in memory. Each export is in
the audit trail with its filter and how many rows went out.

The stream needs nothing from the request: what depends on it (the staff member, their
language, the names of wijken and life domains) is looked up before the first byte, and
the rows come through a read-only database session of the stream's own, closed when the
stream ends or is closed. Holding the request context across yields instead
(stream_with_context) pops contexts out of order when a response is dropped rather than
closed, as a test client does with a response it does not read.
"""

from zoneinfo import ZoneInfo

from flask import Response, current_app, render_template, request
from flask_login import current_user

from portal.db import get_session, session_for
from portal.domain import audit, exports, places, themes
from portal.i18n import lazy_gettext as _l
from portal.models import utcnow
from portal.staff import bp
from portal.staff.access import acting_user, allow, may
from portal.staff.report_forms import ExportFilterForm, ThemeExportForm

# The CSV's column names, in the staff member's language; JSON keeps the field codes.
SUBMISSION_COLUMNS = {
    "id": (_l("Nummer"), _l("Het nummer van de inbreng in de portal.")),
    "created": (_l("Ontvangen op"), _l("De dag waarop de inbreng binnenkwam.")),
    "kind": (_l("Soort"), _l("obstacle (obstakel), idea (idee) of evaluation (reactie).")),
    "text": (_l("Tekst"), _l("De tekst zoals die op de website staat.")),
    "language": (_l("Taal"), _l("De taal van de tekst, als code: nl, en, ar, tr, pl of uk.")),
    "life_domain": (_l("Leefgebied"), _l("Het leefgebied dat de bewoner koos.")),
    "neighbourhood": (_l("Wijk"), _l("De wijk die de bewoner koos.")),
    "height": (_l("Hoogte"), _l("Bij een obstakel: hoe erg het in de weg zit, van 1 tot 5.")),
    "channel": (_l("Kanaal"), _l("web, paper (papier), assisted (met hulp) of phone.")),
    "themes": (_l("Thema's"), _l("De thema's waar de inbreng bij hoort.")),
    "moderated_at": (
        _l("Gemodereerd op"),
        _l("Wanneer een moderator de inbreng voor het laatst veranderde."),
    ),
    "theme_ids": (_l("Themanummers"), _l("De nummers van die thema's in de portal.")),
}
THEME_COLUMNS = {
    "id": _l("Nummer"),
    "title": _l("Titel"),
    "summary": _l("Samenvatting"),
    "stage": _l("Stap in de cyclus"),
    "stage_since": _l("In deze stap sinds"),
    "published": _l("Op de website"),
    "inputs": _l("Inbreng"),
    "obstacles": _l("Obstakels"),
    "ideas": _l("Ideeën"),
    **{f"height_{height}": _l("Hoogte %(height)s", height=height) for height in range(1, 6)},
    "actions": _l("Acties"),
    "evaluation_helps": _l("Evaluatie: helpt"),
    "evaluation_helps_a_little": _l("Evaluatie: helpt een beetje"),
    "evaluation_does_not_help": _l("Evaluatie: helpt niet"),
    "evaluation_not_noticed": _l("Evaluatie: nog niets van gemerkt"),
}


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _permission() -> str:
    """The strongest export permission this staff member has."""
    return "moderate" if may(current_user, "moderate") else "read"


def export_form(db, formdata) -> ExportFilterForm:
    theme_choices = [(str(theme.id), theme.title) for theme in themes.active_themes(db)]
    return ExportFilterForm(
        formdata,
        neighbourhoods=places.neighbourhood_choices(db, include_inactive=True),
        life_domains=places.life_domain_choices(db, include_inactive=True),
        themes=theme_choices,
    )


def _page(db, form=None, themes_form=None, status: int = 200):
    form = form or export_form(db, None)
    themes_form = themes_form or ThemeExportForm(formdata=None)
    columns = [SUBMISSION_COLUMNS[name] for name in exports.fields_for(_permission())]
    return (
        render_template(
            "staff/export.html",
            form=form,
            themes_form=themes_form,
            error_forms=[form, themes_form],
            columns=columns,
        ),
        status,
    )


@bp.get("/export")
@allow("read")
def export_page():
    return _page(get_session())


@bp.get("/export/inbreng")
@allow("read")
def export_submissions():
    db = get_session()
    form = export_form(db, request.args)
    if not form.validate():
        return _page(db, form=form, status=400)
    filters = form.filters()
    fields = exports.fields_for(_permission())
    chunks = _rows(current_app._get_current_object(), filters, fields, exports.names(db))
    header = [str(SUBMISSION_COLUMNS[name][0]) for name in fields]
    details = {"filter": filters.describe(), "fields": list(fields)}
    return _download(
        fields, chunks, header, form.formaat.data, "inbreng", "export.submissions", details
    )


@bp.get("/export/themas")
@allow("read")
def export_themes():
    db = get_session()
    form = ThemeExportForm(request.args)
    if not form.validate():
        return _page(db, themes_form=form, status=400)
    rows = exports.theme_rows(db, _zone())
    header = [str(THEME_COLUMNS[name]) for name in exports.THEME_FIELDS]
    return _download(
        exports.THEME_FIELDS, iter([rows]), header, form.formaat.data, "themas", "export.themes", {}
    )


def _rows(app, filters, fields, shown):
    zone = _zone()

    def rows():
        with session_for(app, write=False) as session:
            yield from exports.submission_rows(session, filters, fields, zone, shown)

    return rows()


def _download(fields, chunks, header, file_format: str, name: str, action: str, details: dict):
    counted = [0]
    if file_format == "json":
        body, mimetype = exports.json_stream(fields, chunks, counted), "application/json"
    else:
        body, mimetype = exports.csv_stream(fields, header, chunks, counted), "text/csv"
    audited = _audited(
        body,
        counted,
        current_app._get_current_object(),
        acting_user(),
        action,
        {**details, "format": file_format},
    )
    response = Response(audited, mimetype=mimetype)
    day = utcnow().astimezone(_zone()).date().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{day}.{file_format}"'
    # The file may hold residents' words: no shared cache keeps a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _audited(parts, counted, app, actor, action: str, details: dict):
    """The file's parts, and then its audit event: with the rows that went out, and whether
    the download finished (a closed browser tab stops it half way)."""
    complete = False
    try:
        yield from parts
        complete = True
    finally:
        # The request's session only reads; a short transaction of its own records the event.
        with session_for(app) as writer:
            audit.record_event(
                writer,
                actor,
                action,
                "export",
                None,
                None,
                {**details, "rows": counted[0], "complete": complete},
            )
            writer.commit()
