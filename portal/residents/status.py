"""Looking up what happened with a submission, by receipt code, without an account."""

from flask import abort, current_app, redirect, render_template, request, session, url_for

from portal.db import get_session
from portal.domain import evaluations, paper, places, receipts, retention, submissions
from portal.domain.subject_access import mask_email, mask_postal_address, stored_about
from portal.extensions import form_checks_csrf, limiter
from portal.i18n import current_language
from portal.i18n import lazy_gettext as _l
from portal.languages import LANGUAGES
from portal.residents import bp
from portal.residents.feedback import record_evaluation, report_back
from portal.residents.forms import (
    EVALUATION_CHOICES,
    HEIGHT_LABELS,
    EvaluationForm,
    LookupForm,
    RemoveContactForm,
)

LOOKUP_KEY = "lookup"
CHANNEL_WORDS = {
    "web": _l("Via de website"),
    "paper": _l("Op een papieren formulier"),
    "assisted": _l("Met hulp van een medewerker"),
    "phone": _l("Aan de telefoon"),
}
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


def _looked_up():
    code = session.get(LOOKUP_KEY)
    return submissions.find_by_code(get_session(), code) if code else None


def _code_again():
    """The session ended (a closed browser, or a day later): the code is needed again."""
    form = LookupForm(formdata=None)
    form.code.errors = [_l("Vul uw volgcode opnieuw in. Daarna kunt u verder.")]
    return render_template("residents/lookup.html", form=form), 400


def _evaluation_form(db, theme, submission, formdata=None) -> EvaluationForm:
    """The question "does it help?" for one theme; several can be on the status page."""
    prefix = f"theme-{theme.id}"
    if formdata is not None:
        return EvaluationForm(prefix=prefix)
    given = evaluations.answer_of(db, theme, submission)
    return EvaluationForm(formdata=None, prefix=prefix, answer=given.answer if given else None)


def _render_status(submission, refused=None, status: int = 200, remove_form=None):
    """The status page; `refused` is a (theme, form) whose evaluation was not accepted."""
    db = get_session()
    language = current_language().code
    reports = []
    for theme in evaluations.open_themes(db, submission):
        item = report_back(db, theme, language)
        if refused is not None and refused[0].id == theme.id:
            item["form"] = refused[1]
        else:
            item["form"] = _evaluation_form(db, theme, submission)
        item["answered"] = evaluations.answer_of(db, theme, submission)
        reports.append(item)
    label, explanation = STATUS_TEXT[submission.status]
    return (
        render_template(
            "residents/status.html",
            submission=submission,
            code=receipts.display(submission.receipt_code),
            status={"label": label, "explanation": explanation},
            reports=reports,
            thanked_theme=request.args.get("bedankt", type=int),
            stored=stored_about(db, submission),
            channel_words=CHANNEL_WORDS,
            mask_email=mask_email,
            mask_postal_address=mask_postal_address,
            languages=LANGUAGES,
            height_labels=HEIGHT_LABELS,
            evaluation_words=EVALUATION_CHOICES,
            remove_form=remove_form or RemoveContactForm(formdata=None),
            contact_removed=request.args.get("weggehaald") == "1",
            life_domain=(
                places.life_domain_label(
                    submission.life_domain.slug,
                    submission.life_domain.label,
                    submission.life_domain.translations,
                )
                if submission.life_domain
                else None
            ),
        ),
        status,
    )


@bp.get("/volgen/inbreng")
def status():
    submission = _looked_up()
    if submission is None:
        return redirect(url_for(".lookup"))
    return _render_status(submission)


@bp.post("/volgen/inbreng/thema/<int:theme_id>")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"])
@form_checks_csrf
def evaluate_from_status(theme_id: int):
    """Evaluation from the status page: the receipt code is the one looked up."""
    db = get_session()
    submission = _looked_up()
    if submission is None:
        return _code_again()
    theme = next((t for t in evaluations.open_themes(db, submission) if t.id == theme_id), None)
    if theme is None:
        abort(404)
    form = _evaluation_form(db, theme, submission, formdata=True)
    if not form.validate_on_submit() or not record_evaluation(db, form, theme, submission):
        return _render_status(submission, (theme, form), 400)
    return redirect(url_for(".status", bedankt=theme.id) + f"#thema-{theme.id}")


@bp.post("/volgen/inbreng/contactgegevens")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"])
@form_checks_csrf
def remove_contact():
    """The resident removes their own contact details, with the code they looked up."""
    db = get_session()
    submission = _looked_up()
    form = RemoveContactForm()
    if submission is None:
        return _code_again()
    if not form.validate_on_submit():
        return _render_status(submission, status=400, remove_form=form)
    retention.remove_contact(db, submission)
    db.commit()
    return redirect(url_for(".status", weggehaald=1) + "#bewaard")
