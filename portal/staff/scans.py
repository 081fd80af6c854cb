"""Scan assist: the wijkteam uploads a scanned stack of returned forms and sees, page by
page, which form it found and what to do next. Reading happens in the request (about ten
pages a second); the keying screen then proposes what was ticked."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from portal import errors
from portal.db import get_session
from portal.domain import receipts, scanning
from portal.domain.paper_layout import qr_prefix
from portal.forms import BaseForm
from portal.i18n import lazy_gettext as _l
from portal.i18n import ngettext
from portal.models import PaperForm, ScanPage, ScanUpload, StaffUser
from portal.staff import bp
from portal.staff.access import acting_user, allow, may
from portal.staff.paper_forms import FIELD_LABELS

RECENT_UPLOADS = 20
# Room for the rest of the form (the CSRF token, the multipart boundaries) beside the file.
FORM_OVERHEAD = 64 * 1024
PARSER_MEMORY = 1024 * 1024
ACCEPTED = ".pdf,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,image/png,image/jpeg,image/tiff"

SCAN_ERRORS = {
    "empty": _l("Het bestand is leeg. Kies het bestand met de scans."),
    "encrypted": _l(
        "Het bestand heeft een wachtwoord. Sla de scans op zonder wachtwoord en probeer het "
        "opnieuw."
    ),
    "corrupt": _l(
        "We kunnen dit bestand niet openen. Misschien is het kapot of niet helemaal "
        "opgeslagen. Scan de formulieren opnieuw."
    ),
    "too_many_pages": _l(
        "Het bestand heeft %(pages)d bladzijden. Er mogen hoogstens %(maximum)d bladzijden in "
        "één bestand. Verdeel de stapel over meer bestanden."
    ),
    "too_large": _l(
        "Een bladzijde in dit bestand is te groot om te lezen. Scan met 150 tot 300 dpi."
    ),
    "not_supported": _l(
        "Dit soort bestand kunnen we niet lezen. Stuur een PDF, PNG, JPEG of TIFF."
    ),
    "too_big": _l(
        "Het bestand is groter dan %(megabytes)s MB. Verdeel de stapel over meer bestanden."
    ),
}
OUTCOME_LABELS = {
    "read": _l("Gelezen."),
    "unaligned": _l("Formulier gevonden, maar de hokjes konden we niet lezen. Vul alles zelf in."),
    "duplicate": _l("Dit blad was al gescand. We houden de eerste scan."),
    "keyed": _l("Dit formulier is al ingevoerd."),
    "no_code": _l(
        "Geen formuliercode gevonden. Is dit een formulier? Voer het dan in met de code."
    ),
    "foreign": _l("Dit is een formulier van een andere gemeente."),
    "unknown": _l("Deze code hoort niet bij een formulier van ons."),
}


class ScanForm(BaseForm):
    scan = FileField(
        _l("Bestand met scans"),
        validators=[FileRequired(_l("Kies het bestand met de scans."))],
    )


def _limit() -> int:
    return current_app.config["SCAN_MAX_BYTES"]


def _megabytes() -> str:
    return format_decimal(_limit() / (1024 * 1024), "#,##0.#")


@bp.url_value_preprocessor
def _allow_scan_uploads(endpoint, _values):
    """Let staff who may upload scans send a file larger than any other form.

    This runs before the CSRF check, which is the first to read the request body (and
    would refuse anything over MAX_CONTENT_LENGTH); everyone else keeps the small limit.
    """
    if endpoint == "staff.upload_scans" and may(current_user, "paper"):
        request.max_content_length = _limit() + FORM_OVERHEAD
        # Werkzeug's multipart parser holds up to one read chunk (64 KiB) of a file in
        # memory, and counts that against this limit too.
        request.max_form_memory_size = PARSER_MEMORY


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    if request.endpoint == "staff.upload_scans" and may(current_user, "paper"):
        return _upload_refused(ScanForm(formdata=None), "too_big", 413)
    return errors.render_error(413, *errors.MESSAGES[413])


def _upload_refused(form: ScanForm, code: str, status: int, **details):
    details.setdefault("megabytes", _megabytes())
    form.scan.errors = [*form.scan.errors, str(SCAN_ERRORS[code]) % details]
    return scans(form, status)


@bp.get("/papier/scans")
@allow("paper")
def scans(form=None, status=200):
    db = get_session()
    uploads = db.execute(
        select(ScanUpload, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == ScanUpload.uploaded_by)
        .order_by(ScanUpload.id.desc())
        .limit(RECENT_UPLOADS)
    ).all()
    return (
        render_template(
            "staff/scans.html",
            form=form or ScanForm(formdata=None),
            uploads=uploads,
            megabytes=_megabytes(),
            maximum_pages=scanning.MAX_PAGES,
            accepted=ACCEPTED,
        ),
        status,
    )


@bp.post("/papier/scans")
@allow("paper")
def upload_scans():
    db = get_session()
    form = ScanForm()
    if not form.validate():
        return scans(form, 400)
    data = form.scan.data.read(_limit() + 1)
    if len(data) > _limit():
        return _upload_refused(form, "too_big", 413)
    prefix = qr_prefix(current_app.config["MUNICIPALITY_NAME"])
    try:
        upload = scanning.import_scan(db, acting_user(), data, form.scan.data.filename, prefix)
    except scanning.ScanError as error:
        db.rollback()
        return _upload_refused(form, error.code, 400, **error.details)
    db.commit()
    read = ngettext(
        "Het bestand is gelezen: %(num)d bladzijde.",
        "Het bestand is gelezen: %(num)d bladzijden.",
        upload.pages,
    )
    flash(read % {"num": upload.pages}, "success")
    return redirect(url_for(".scan_upload", upload_id=upload.id))


@bp.get("/papier/scans/<int:upload_id>")
@allow("paper")
def scan_upload(upload_id: int):
    db = get_session()
    upload = db.get(ScanUpload, upload_id) or abort(404)
    pages = list(
        db.scalars(
            select(ScanPage).where(ScanPage.upload_id == upload.id).order_by(ScanPage.position)
        )
    )
    codes = {page.form_code for page in pages if page.form_code}
    keyed = set(
        db.scalars(
            select(PaperForm.code).where(
                PaperForm.code.in_(codes), PaperForm.submission_id.is_not(None)
            )
        )
    )
    counts = dict(
        db.execute(
            select(ScanPage.outcome, func.count())
            .where(ScanPage.upload_id == upload.id)
            .group_by(ScanPage.outcome)
        ).all()
    )
    # Questions where the reader had doubts (an unclear mark, or two in one question).
    flags = {
        page.id: [
            str(FIELD_LABELS.get(name, name))
            for name, reading in (page.readings or {}).items()
            if reading.get("flag")
        ]
        for page in pages
    }
    uploader = db.get(StaffUser, upload.uploaded_by) if upload.uploaded_by else None
    return render_template(
        "staff/scan_upload.html",
        upload=upload,
        uploader=uploader,
        pages=pages,
        keyed=keyed,
        counts=counts,
        outcome_labels=OUTCOME_LABELS,
        flags=flags,
        display=receipts.display,
    )


@bp.get("/papier/scans/uitsnede/<int:crop_id>.png")
@allow("paper")
def scan_crop(crop_id: int):
    png = scanning.crop_png(get_session(), crop_id)
    if png is None:
        abort(404)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
