"""Feedback letters on paper: how many are ready, per language, and the PDF to print."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from wtforms import StringField

from portal import printing
from portal.db import get_session
from portal.domain import letters as letter_rules
from portal.domain.letters import LETTER_CHANNELS, LetterFilter
from portal.forms import BaseForm, OfferedSelectField, optional_iso_date, options
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.models import LetterRun, utcnow
from portal.staff import bp
from portal.staff.access import acting_user, allow
from portal.staff.labels import CHANNEL_LABELS


class _LetterChoice(BaseForm):
    channel = OfferedSelectField(
        _l("Kanaal"),
        choices=options(
            [("", _l("Alle kanalen")), *((c, CHANNEL_LABELS[c]) for c in LETTER_CHANNELS)]
        ),
        default="",
        invalid_message=_l("Kies een kanaal uit de lijst."),
    )
    since = StringField(
        _l("Inbreng ontvangen vanaf"),
        validators=[
            optional_iso_date(
                _l("Vul een datum in zoals 2026-12-01 (jaar-maand-dag), of laat het veld leeg.")
            )
        ],
    )

    def filters(self) -> LetterFilter:
        return LetterFilter(
            channel=self.channel.data or None,
            since=date.fromisoformat(self.since.data) if self.since.data else None,
        )


class LetterFilterForm(_LetterChoice):
    """Read from the query string: a filtered count is a link one can share."""

    class Meta:
        csrf = False


class LettersPrintForm(_LetterChoice):
    """The same choice, sent with a CSRF token to make the PDF."""


def _query_args(filters: LetterFilter) -> dict:
    args = {
        "channel": filters.channel,
        "since": filters.since.isoformat() if filters.since else None,
    }
    return {name: value for name, value in args.items() if value}


@bp.get("/brieven")
@allow("paper")
def letters():
    db = get_session()
    form = LetterFilterForm(request.args)
    runs = {
        "waiting": letter_rules.waiting_feedback_letters(db),
        "runs": letter_rules.recent_runs(db),
    }
    if not form.validate():
        return render_template("staff/letters.html", form=form, filters=None, **runs), 400
    filters = form.filters()
    counts = letter_rules.counts(db, filters)
    return render_template(
        "staff/letters.html",
        form=form,
        filters=filters,
        counts=counts,
        handovers=letter_rules.handovers(db, filters),
        handover_limit=letter_rules.HANDOVER_LIST_LIMIT,
        totals={
            "by_post": sum(row.by_post for row in counts),
            "by_wijkteam": sum(row.by_wijkteam for row in counts),
            "total": sum(row.total for row in counts),
        },
        print_form=LettersPrintForm(formdata=None),
        query=_query_args(filters),
        **runs,
    )


@bp.post("/brieven/pdf")
@allow("paper")
def letters_pdf():
    db = get_session()
    form = LettersPrintForm()
    if not form.validate_on_submit():
        flash(
            gettext("Dit konden we niet verwerken. Kies opnieuw en probeer het nog eens."), "error"
        )
        return redirect(url_for(".letters"))
    filters = form.filters()
    ready = letter_rules.letters(db, filters)
    if not ready:
        flash(gettext("Er zijn geen brieven die bij deze keuze passen."), "error")
        return redirect(url_for(".letters", **_query_args(filters)))
    # Laying out many letters takes a while: not while holding the database's write lock.
    db.commit()
    pdf = printing.render_letters(ready)
    letter_rules.record_printed(db, acting_user(), filters, ready)
    db.commit()
    return _pdf(pdf, f"brieven-{utcnow().date().isoformat()}.pdf")


def _pdf(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/brieven/terugkoppeling")
@allow("paper")
def feedback_letters():
    """Take every waiting letter about published feedback into a run, then print it."""
    db = get_session()
    run = letter_rules.start_run(db, acting_user())
    db.commit()  # also when nothing was taken: letters that can no longer go are cancelled
    if run is None:
        flash(gettext("Er wachten geen brieven over terugkoppeling."), "error")
        return redirect(url_for(".letters"))
    return redirect(url_for(".letter_run_pdf", run_id=run.id), 303)


@bp.get("/brieven/ronde/<int:run_id>.pdf")
@allow("paper")
def letter_run_pdf(run_id: int):
    db = get_session()
    run = db.get(LetterRun, run_id) or abort(404)
    ready = letter_rules.run_letters(db, run.id)
    if not ready:
        abort(404)
    return _pdf(printing.render_letters(ready), f"brieven-terugkoppeling-{run.id}.pdf")
