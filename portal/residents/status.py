"""Looking up what happened with a submission, by receipt code, without an account."""

from flask import current_app, redirect, render_template, session, url_for

from portal.db import get_session
from portal.domain import paper, receipts, submissions
from portal.extensions import form_checks_csrf, limiter
from portal.i18n import lazy_gettext as _l
from portal.residents import bp
from portal.residents.forms import LookupForm

LOOKUP_KEY = "lookup"
STATUS_TEXT = {
    "received": (
        _l("Ontvangen"),
        _l("We hebben uw inbreng ontvangen. Een medewerker van de gemeente leest het binnenkort."),
    ),
    "published": (
        _l("Gelezen en op de website gezet"),
        _l("Een medewerker heeft uw inbreng gelezen. Het staat zonder uw naam op deze website."),
    ),
    "hidden": (
        _l("Gelezen"),
        _l(
            "Een medewerker heeft uw inbreng gelezen. We zetten het niet op de website, "
            "bijvoorbeeld omdat er persoonlijke gegevens in staan. We gebruiken het wel."
        ),
    ),
}


@bp.route("/volgen", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"], methods=["POST"])
@form_checks_csrf
def lookup():
    form = LookupForm()
    if not form.validate_on_submit():
        return render_template("residents/lookup.html", form=form), 400 if form.errors else 200
    try:
        code = receipts.normalise(form.code.data)
    except receipts.InvalidCode:
        form.code.errors.append(
            _l(
                "Deze volgcode klopt niet. Een volgcode heeft 12 tekens, zoals 7KQM-3XRD-9HWP. "
                "Kijk of u hem goed hebt overgenomen."
            )
        )
        return render_template("residents/lookup.html", form=form), 400
    if submissions.find_by_code(get_session(), code) is None:
        if paper.is_waiting_to_be_keyed(get_session(), code):
            form.code.errors.append(
                _l(
                    "Dit is de code van een papieren formulier dat we nog niet hebben "
                    "verwerkt. Heeft u het al ingeleverd? Kijk dan over een paar weken nog eens."
                )
            )
            return render_template("residents/lookup.html", form=form), 400
        form.code.errors.append(
            _l(
                "We kunnen geen inbreng vinden met deze volgcode. "
                "Kijk of u hem goed hebt overgenomen."
            )
        )
        return render_template("residents/lookup.html", form=form), 400
    session[LOOKUP_KEY] = code
    return redirect(url_for(".status"))


@bp.get("/volgen/inbreng")
def status():
    code = session.get(LOOKUP_KEY)
    submission = submissions.find_by_code(get_session(), code) if code else None
    if submission is None:
        return redirect(url_for(".lookup"))
    label, explanation = STATUS_TEXT[submission.status]
    return render_template(
        "residents/status.html",
        submission=submission,
        code=receipts.display(code),
        status={"label": label, "explanation": explanation},
    )
