"""The resident journey: describe, check, send, receipt."""

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import format_date, get_locale

from portal.caching import shared_form_page
from portal.db import get_session
from portal.domain import drafts, places, receipts, submissions
from portal.domain.submissions import Answers
from portal.extensions import form_checks_csrf, limiter
from portal.i18n import current_language
from portal.i18n import lazy_gettext as _l
from portal.residents import bp
from portal.residents.forms import HEIGHT_LABELS, QUESTIONS, SendForm, SubmissionForm

# The kinds as they appear in Dutch URLs.
KIND_SLUGS = {"obstakel": "obstacle", "idee": "idea"}
SLUG_FOR_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
DRAFT_KEY = "draft"
RECEIPT_KEY = "receipt"
# The receipt code of the submission that "over mij" was last given for (portal.residents.about_me).
ABOUT_ME_KEY = "about_me"


def _draft_token(create: bool = False) -> str | None:
    token = session.get(DRAFT_KEY)
    if token is None and create:
        token = session[DRAFT_KEY] = drafts.new_token()
    return token


def _submission_form(db, **kwargs) -> SubmissionForm:
    return SubmissionForm(
        life_domains=places.life_domain_choices(db),
        neighbourhoods=places.neighbourhood_choices(db),
        **kwargs,
    )


def render_submission_form(form: SubmissionForm, kind: str, status: int = 200):
    form.text.label.text = QUESTIONS[kind]
    return (
        render_template(
            "residents/describe.html",
            form=form,
            kind=kind,
            retention_date=format_date(_contact_retained_until(), "long"),
        ),
        status,
    )


@bp.route("/meedoen/<slug>", methods=["GET", "POST"])
@form_checks_csrf
def describe(slug: str):
    kind = KIND_SLUGS.get(slug) or abort(404)
    db = get_session()
    if request.method == "GET":
        token = _draft_token()
        draft = drafts.load(db, token) if token else None
        if not draft:
            # Every resident who starts gets the same empty form: render it once per language
            # and per list of wijken and life domains (so an administrator's change shows).
            life_domains = places.life_domain_choices(db)
            neighbourhoods = places.neighbourhood_choices(db)
            key = (
                request.endpoint,
                str(get_locale()),
                slug,
                str(_contact_retained_until()),
                tuple(life_domains),
                tuple(neighbourhoods),
            )
            return shared_form_page(
                key,
                lambda: render_submission_form(
                    SubmissionForm(life_domains=life_domains, neighbourhoods=neighbourhoods), kind
                )[0],
            )
        return render_submission_form(_submission_form(db, data=_form_data(draft)), kind)

    form = _submission_form(db)
    if not form.validate():
        return render_submission_form(form, kind, 400)
    drafts.save(db, _draft_token(create=True), _draft_data(form, kind))
    db.commit()
    return redirect(url_for(".check"))


@bp.get("/meedoen/controleren")
def check():
    db = get_session()
    draft = drafts.load(db, _draft_token())
    if not draft:
        return redirect(url_for(".start"))
    return render_check(SendForm(), draft)


def render_check(form: SendForm, draft: dict, status: int = 200):
    kind = draft["kind"]
    other_kind = "idea" if kind == "obstacle" else "obstacle"
    return (
        render_template(
            "residents/check.html",
            form=form,
            answers=_readable_answers(get_session(), draft),
            kind=kind,
            slug=SLUG_FOR_KIND[kind],
            other_slug=SLUG_FOR_KIND[other_kind],
        ),
        status,
    )


@bp.post("/meedoen/versturen")
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
@form_checks_csrf
def send():
    db = get_session()
    token = _draft_token()
    draft = drafts.load(db, token)
    form = SendForm()
    if not form.validate():
        return render_check(form, draft, 400) if draft else redirect(url_for(".start"))
    if draft is None:
        # A second click, a resent form or a second tab: show the receipt of the first send.
        if token is None:
            return redirect(url_for(".receipt" if session.get(RECEIPT_KEY) else ".start"))
        sent = submissions.sent_from_draft(db, token)
        return _show_receipt(sent.receipt_code) if sent else redirect(url_for(".start"))
    submission = submissions.submit(
        db,
        _answers(draft),
        draft_token=token,
        retain_contact_until=_contact_retained_until(),
    )
    db.commit()
    return _show_receipt(submission.receipt_code)


def _show_receipt(code: str):
    session.pop(DRAFT_KEY, None)
    session[RECEIPT_KEY] = code
    return redirect(url_for(".receipt"))


@bp.get("/meedoen/ontvangen")
def receipt():
    code = session.get(RECEIPT_KEY)
    if not code:
        return redirect(url_for(".start"))
    submission = submissions.find_by_code(get_session(), code)
    if submission is None:
        session.pop(RECEIPT_KEY, None)
        return redirect(url_for(".start"))
    return render_template(
        "residents/receipt.html",
        code=receipts.display(code),
        submission=submission,
        has_contact=submission.contact is not None,
        about_me_open=session.get(ABOUT_ME_KEY) != code,
    )


def _contact_retained_until():
    return submissions.contact_retained_until(current_app.config["CONTACT_RETENTION_DAYS"])


def _draft_data(form: SubmissionForm, kind: str) -> dict:
    return {
        "kind": kind,
        "text": form.text.data,
        "life_domain": form.life_domain.data,
        "neighbourhood": form.neighbourhood.data,
        "height": form.height.data if kind == "obstacle" else None,
        "email": form.email.data or None,
        "contact_consent": bool(form.email.data and form.contact_consent.data),
        "language": current_language().code,
    }


def _form_data(draft: dict) -> dict:
    return {
        "text": draft.get("text", ""),
        "life_domain": draft.get("life_domain"),
        "neighbourhood": draft.get("neighbourhood"),
        "height": "" if draft.get("height") is None else str(draft["height"]),
        "email": draft.get("email") or "",
        "contact_consent": draft.get("contact_consent", False),
    }


def _answers(draft: dict) -> Answers:
    return Answers(
        kind=draft["kind"],
        text=draft["text"],
        language=draft["language"],
        life_domain_id=draft.get("life_domain"),
        neighbourhood_id=draft.get("neighbourhood"),
        height=draft.get("height"),
        email=draft.get("email") if draft.get("contact_consent") else None,
    )


def _readable_answers(db, draft: dict) -> list[dict]:
    """The draft as rows of the check page: question, answer, where to change it."""
    life_domains = dict(places.life_domain_choices(db))
    neighbourhoods = dict(places.neighbourhood_choices(db))
    not_given = _l("Niet ingevuld")
    kind = draft["kind"]
    rows = [
        {"field": "text", "question": QUESTIONS[kind], "answer": draft["text"], "user": True},
        {
            "field": "life_domain",
            "question": QUESTIONS["life_domain"],
            "answer": life_domains.get(str(draft.get("life_domain")), not_given),
        },
        {
            "field": "neighbourhood",
            "question": QUESTIONS["neighbourhood"],
            "answer": neighbourhoods.get(str(draft.get("neighbourhood")), not_given),
        },
    ]
    if kind == "obstacle":
        rows.append(
            {
                "field": "height",
                "question": QUESTIONS["height"],
                "answer": HEIGHT_LABELS.get(draft.get("height"), not_given),
            }
        )
    rows.append(
        {
            "field": "email",
            "question": _l("Bericht over uw inbreng"),
            "answer": draft.get("email") or _l("Nee, ik wil geen bericht"),
            "user": bool(draft.get("email")),
        }
    )
    return rows
