"""Assisted entry: staff write down what a resident tells them, and hand over a slip."""

from flask import Response, abort, current_app, flash, redirect, render_template, url_for

from portal import printing
from portal.db import get_session
from portal.domain import assisted, places, receipts, submissions
from portal.domain.submissions import Answers
from portal.i18n import gettext
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.assisted_forms import ASSISTED_ERRORS, AssistedEntryForm


def _entry_form(db, **kwargs) -> AssistedEntryForm:
    return AssistedEntryForm(
        life_domains=places.life_domain_choices(db),
        neighbourhoods=places.neighbourhood_choices(db),
        **kwargs,
    )


def _render_entry(form: AssistedEntryForm, status: int = 200):
    return render_template(
        "staff/assisted.html", form=form, retention_date=_retained_until()
    ), status


@bp.route("/namens-bewoner", methods=["GET", "POST"])
@allow("paper")
def assisted_entry():
    db = get_session()
    form = _entry_form(db)
    if not form.validate_on_submit():
        return _render_entry(form, 400 if form.is_submitted() else 200)
    consented = form.contact_consent.data
    answers = Answers(
        kind=form.kind.data,
        text=form.text.data,
        language=form.language.data,
        life_domain_id=form.life_domain.data,
        neighbourhood_id=form.neighbourhood.data,
        height=form.height.data,
        email=(form.email.data or None) if consented else None,
        postal_address=(form.postal_address.data or None) if consented else None,
    )
    try:
        submission = assisted.enter(
            db,
            acting_user(),
            answers,
            channel=form.channel.data,
            resident_agreed=form.resident_consent.data,
            retain_contact_until=_retained_until(),
        )
    except assisted.AssistedError as error:
        field, message = ASSISTED_ERRORS[error.code]
        form[field].errors = [*form[field].errors, message]
        return _render_entry(form, 400)
    db.commit()
    flash(gettext("De inbreng is opgeslagen. Geef de bewoner de volgcode."), "success")
    return redirect(url_for(".assisted_slip", code=submission.receipt_code))


def _retained_until():
    return submissions.contact_retained_until(current_app.config["CONTACT_RETENTION_DAYS"])


def _slip_submission(code: str):
    return assisted.slip_submission(get_session(), code) or abort(404)


def _language(submission):
    return LANGUAGES.get(submission.language, LANGUAGES[DEFAULT_LANGUAGE])


def _slip_words(submission) -> dict[str, str]:
    return printing.slip_wording(
        _language(submission).code,
        submission.created_at,
        url_for("residents.lookup", _external=True),
    )


@bp.get("/namens-bewoner/<code>/bon")
@allow("paper")
def assisted_slip(code: str):
    submission = _slip_submission(code)
    return render_template(
        "staff/assisted_slip.html",
        submission=submission,
        code=receipts.display(submission.receipt_code),
        words=_slip_words(submission),
        language=_language(submission),
    )


@bp.get("/namens-bewoner/<code>/bon.pdf")
@allow("paper")
def assisted_slip_pdf(code: str):
    submission = _slip_submission(code)
    pdf = printing.render_slip(
        submission.language, submission.receipt_code, _slip_words(submission)
    )
    response = Response(pdf, mimetype="application/pdf")
    # Opened in the browser's viewer, to print at once; the code is not kept in caches.
    response.headers["Content-Disposition"] = (
        f'inline; filename="bon-{receipts.display(submission.receipt_code)}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
