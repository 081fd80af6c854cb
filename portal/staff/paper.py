"""Paper forms for the wijkteam: batches to print, and keying returned forms back in."""

from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from sqlalchemy import select

from portal import paper_jobs, printing
from portal.db import get_session
from portal.domain import paper, places, receipts, scanning, submissions
from portal.domain.paper import BatchRequest, PaperAnswers, PaperError
from portal.http import pdf_download
from portal.i18n import gettext
from portal.models import BATCH_MAX_FORMS, PaperBatch, PaperForm, StaffUser
from portal.residents.forms import HEIGHT_LABELS
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.labels import KIND_LABELS
from portal.staff.moderation_forms import ActionForm
from portal.staff.paper_forms import (
    BATCH_ERRORS,
    FIELD_LABELS,
    KEYING_ERRORS,
    NOT_FILLED,
    BatchForm,
    FindForm,
    KeyingForm,
    resolve_form,
)

OVERVIEW_LIMIT = 200


# --- batches -------------------------------------------------------------------------------


@bp.get("/papier")
@allow("paper")
def paper_batches():
    db = get_session()
    batches = list(
        db.scalars(
            select(PaperBatch)
            .where(PaperBatch.source == "wijkteam")
            .order_by(PaperBatch.id.desc())
            .limit(OVERVIEW_LIMIT)
        )
    )
    progress = paper.progress_by_batch(db, [b.id for b in batches])
    downloaded = paper.progress_of_downloads(db)
    return render_template(
        "staff/paper_batches.html",
        batches=batches,
        progress=progress,
        downloaded=downloaded,
        by_neighbourhood=paper.progress_by_neighbourhood(db),
    )


def _batch_form(formdata=None) -> BatchForm:
    db = get_session()
    return BatchForm(formdata=formdata, neighbourhoods=places.neighbourhood_choices(db))


@bp.get("/papier/nieuw")
@allow("paper")
def new_batch(form=None, status=200):
    form = form or BatchForm(
        formdata=None,
        neighbourhoods=places.neighbourhood_choices(get_session()),
        handout_date=date.today().isoformat(),
    )
    return render_template("staff/paper_new.html", form=form, maximum=BATCH_MAX_FORMS), status


@bp.post("/papier/nieuw")
@allow("paper")
def create_batch():
    db = get_session()
    form = _batch_form(request.form)
    if not form.validate():
        return new_batch(form, 400)
    batch_request = BatchRequest(
        language=form.language.data,
        variant=form.variant.data,
        forms=int(form.forms.data),
        place=form.place.data,
        handout_date=date.fromisoformat(form.handout_date.data.strip()),
        neighbourhood_id=int(form.neighbourhood.data) if form.neighbourhood.data else None,
        double_keying=form.double_keying.data,
    )
    try:
        printed = printing.printed_for(
            db, batch_request.language, batch_request.variant, batch_request.place
        )
        batch = paper.create_batch(db, acting_user(), batch_request, printed)
    except PaperError as error:
        target = form.place if error.code == "place" else form.forms
        target.errors = [*target.errors, BATCH_ERRORS[error.code] % error.details]
        return new_batch(form, 400)
    paper_jobs.queue(db, batch)
    db.commit()
    paper_jobs.start(current_app._get_current_object(), batch.id)
    flash(
        gettext("Stapel %(number)d is gemaakt. De PDF wordt nu klaargezet.", number=batch.id),
        "success",
    )
    return redirect(url_for(".paper_batch", batch_id=batch.id))


def _batch(db, batch_id: int) -> PaperBatch:
    return db.get(PaperBatch, batch_id) or abort(404)


@bp.get("/papier/<int:batch_id>")
@allow("paper")
def paper_batch(batch_id: int):
    db = get_session()
    batch = _batch(db, batch_id)
    job = paper_jobs.status(db, batch.id)
    stale = job is not None and paper_jobs.is_stale(job)
    forms = db.execute(
        select(PaperForm, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == PaperForm.keyed_by)
        .where(PaperForm.batch_id == batch.id)
        .order_by(PaperForm.number)
    ).all()
    waiting = paper.keyed_once(db, batch) if batch.double_keying else set()
    return render_template(
        "staff/paper_batch.html",
        batch=batch,
        job=job,
        stale=stale,
        forms=forms,
        waiting=waiting,
        progress=paper.progress_by_batch(db, [batch.id]).get(batch.id),
        action_form=ActionForm(),
        display=receipts.display,
    )


@bp.get("/papier/<int:batch_id>.pdf")
@allow("paper")
def paper_batch_pdf(batch_id: int):
    db = get_session()
    batch = _batch(db, batch_id)
    pdf = paper_jobs.pdf(db, batch.id)
    if pdf is None:
        abort(404)
    return pdf_download(pdf, f"formulieren-stapel-{batch.id}-{batch.language}.pdf")


@bp.post("/papier/<int:batch_id>/opnieuw")
@allow("paper")
def reprint_batch(batch_id: int):
    db = get_session()
    batch = _batch(db, batch_id)
    if not ActionForm().validate():
        abort(400)
    job = paper_jobs.status(db, batch.id)
    if job is not None and job.state in ("queued", "running") and not paper_jobs.is_stale(job):
        flash(gettext("De PDF wordt al gemaakt."), "info")
    else:
        paper_jobs.queue(db, batch)
        db.commit()
        paper_jobs.start(current_app._get_current_object(), batch.id)
        flash(gettext("De PDF wordt opnieuw gemaakt."), "success")
    return redirect(url_for(".paper_batch", batch_id=batch.id))


# --- keying forms back in ------------------------------------------------------------------


def _keying_error(error: PaperError) -> str:
    details = dict(error.details)
    if "at" in details and details["at"] is not None:
        details["at"] = format_datetime(details["at"], "short")
    return str(KEYING_ERRORS[error.code]) % details


@bp.get("/papier/invoeren")
@allow("paper")
def find_form(form=None, status=200):
    return render_template("staff/paper_find.html", form=form or FindForm(formdata=None)), status


@bp.post("/papier/invoeren")
@allow("paper")
def open_form():
    db = get_session()
    form = FindForm()
    if not form.validate():
        return find_form(form, 400)
    try:
        found = paper.form_for_keying(db, form.code.data)
    except PaperError as error:
        form.code.errors = [*form.code.errors, _keying_error(error)]
        return find_form(form, 400)
    return redirect(url_for(".key_form", code=found.code))


def _form_to_key(db, code: str) -> PaperForm:
    """The form behind a URL; a code that is not one is a page that does not exist."""
    try:
        canonical = receipts.normalise(code)
    except receipts.InvalidCode:
        abort(404)
    return db.get(PaperForm, canonical) or abort(404)


def _answers(form: KeyingForm) -> PaperAnswers:
    return PaperAnswers(
        kind=form.kind.data or None,
        text=form.text.data,
        height=form.height.data or None,
        life_domain=form.life_domain.data or None,
        neighbourhood=form.neighbourhood.data or None,
        consent=bool(form.consent.data),
        contact=form.contact.data or None,
    )


def _render_keying(db, paper_form: PaperForm, form: KeyingForm, status=200, error=None):
    batch = paper_form.batch
    rounds = paper.keying_rounds(db, paper_form.code) if batch.double_keying else {}
    return (
        render_template(
            "staff/paper_key.html",
            paper_form=paper_form,
            batch=batch,
            form=form,
            rounds=rounds,
            error=error,
            reading=scanning.latest_reading(db, paper_form.code),
            display=receipts.display,
        ),
        status,
    )


@bp.get("/papier/invoeren/<code>")
@allow("paper")
def key_form(code: str):
    db = get_session()
    paper_form = _form_to_key(db, code)
    if paper_form.submission_id is not None:
        return _already_keyed(db, paper_form)
    if paper_form.batch.double_keying and len(paper.keying_rounds(db, paper_form.code)) == 2:
        return redirect(url_for(".resolve_keying", code=paper_form.code))
    form = KeyingForm(
        formdata=None, printed=paper_form.batch.printed, **_read_from_scan(db, paper_form)
    )
    return _render_keying(db, paper_form, form)


def _read_from_scan(db, paper_form: PaperForm) -> dict:
    """The tick boxes a scan read, to confirm; what was not clear stays empty."""
    reading = scanning.latest_reading(db, paper_form.code)
    if reading is None:
        return {}
    values = {
        name: reading.values.get(name) or ""
        for name in ("kind", "height", "life_domain", "neighbourhood")
        if name not in reading.flagged
    }
    if "consent" not in reading.flagged:
        values["consent"] = reading.values.get("consent") == "yes"
    return values


def _already_keyed(db, paper_form: PaperForm):
    try:
        paper.form_for_keying(db, paper_form.code)
    except PaperError as error:
        flash(_keying_error(error), "error")
    return redirect(url_for(".find_form"))


@bp.post("/papier/invoeren/<code>")
@allow("paper")
def save_keying(code: str):
    db = get_session()
    paper_form = _form_to_key(db, code)
    form = KeyingForm(printed=paper_form.batch.printed)
    if not form.validate():
        return _render_keying(db, paper_form, form, 400)
    retain = submissions.contact_retained_until(current_app.config["CONTACT_RETENTION_DAYS"])
    try:
        keyed = paper.key(db, acting_user(), paper_form.code, _answers(form), retain)
    except PaperError as error:
        db.rollback()
        if error.code == "kind":
            form.kind.errors = [*form.kind.errors, KEYING_ERRORS["kind"]]
            return _render_keying(db, paper_form, form, 400)
        return _render_keying(db, paper_form, form, 409, error=_keying_error(error))
    db.commit()
    if keyed.submission is not None:
        return _keyed(paper_form)
    if not keyed.waiting_for_second:  # the two keyings differ
        return redirect(url_for(".resolve_keying", code=paper_form.code))
    message = gettext(
        "Formulier %(code)s is voor de eerste keer ingevoerd. Nu voert iemand anders "
        "het nog een keer in.",
        code=receipts.display(paper_form.code),
    )
    flash(message, "success")
    return redirect(url_for(".find_form"))


def _value_label(batch: PaperBatch):
    """How a keyed value reads on the screen, with the labels the batch printed."""
    printed = {
        "life_domain": dict(batch.printed.get("life_domain", [])),
        "neighbourhood": dict(batch.printed.get("neighbourhood", [])),
        "kind": KIND_LABELS,
        "height": {str(k): v for k, v in HEIGHT_LABELS.items()},
    }

    def label(name: str, value) -> str:
        if value in (None, "", False):
            return str(NOT_FILLED)
        if value is True:
            return gettext("Ja")
        return str(printed.get(name, {}).get(value, value))

    return label


def _resolution(db, paper_form: PaperForm, formdata=None):
    rounds = paper.keying_rounds(db, paper_form.code)
    if set(rounds) != {1, 2}:
        return None, rounds, []
    differences = rounds[1].differences(rounds[2])
    form_class = resolve_form(differences, rounds, _value_label(paper_form.batch))
    return form_class(formdata=formdata), rounds, differences


@bp.get("/papier/invoeren/<code>/verschillen")
@allow("paper")
def resolve_keying(code: str, form=None, status=200):
    db = get_session()
    paper_form = _form_to_key(db, code)
    if paper_form.submission_id is not None:
        return _already_keyed(db, paper_form)
    new_form, rounds, differences = _resolution(db, paper_form)
    if new_form is None:
        return redirect(url_for(".key_form", code=paper_form.code))
    return (
        render_template(
            "staff/paper_resolve.html",
            paper_form=paper_form,
            form=form or new_form,
            rounds=rounds,
            differences=differences,
            fields=FIELD_LABELS,
            label=_value_label(paper_form.batch),
            display=receipts.display,
        ),
        status,
    )


@bp.post("/papier/invoeren/<code>/verschillen")
@allow("paper")
def save_resolution(code: str):
    db = get_session()
    paper_form = _form_to_key(db, code)
    form, rounds, differences = _resolution(db, paper_form, request.form)
    if form is None:
        return redirect(url_for(".key_form", code=paper_form.code))
    if not form.validate():
        return resolve_keying(code, form, 400)
    chosen = rounds[1].as_dict()
    for name in differences:
        chosen[name] = getattr(rounds[int(form[name].data)], name)
    retain = submissions.contact_retained_until(current_app.config["CONTACT_RETENTION_DAYS"])
    try:
        paper.resolve(db, acting_user(), paper_form.code, PaperAnswers.from_dict(chosen), retain)
    except PaperError as error:
        db.rollback()
        flash(_keying_error(error), "error")
        return redirect(url_for(".find_form"))
    db.commit()
    return _keyed(paper_form)


def _keyed(paper_form: PaperForm):
    message = gettext(
        "Formulier %(code)s is ingevoerd en staat in de inbox.",
        code=receipts.display(paper_form.code),
    )
    flash(message, "success")
    return redirect(url_for(".find_form"))
