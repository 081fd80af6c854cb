"""Published themes for residents, and "this happens to me too".

Themes are listed by recency or title, never by how many people reacted: nobody wins by
having the biggest network. The count of "me too" is not shown to residents for that reason.
"""

import secrets

from flask import abort, current_app, redirect, render_template, request, session, url_for

from portal.db import get_session
from portal.domain import themes
from portal.extensions import form_checks_csrf, limiter
from portal.i18n import current_language
from portal.i18n import lazy_gettext as _l
from portal.residents import bp
from portal.residents.forms import ExperienceForm

# Where a theme is in the cycle, in words for residents.
STAGE_TEXT = {
    "collecting": _l("We verzamelen nog ervaringen over dit onderwerp."),
    "translated": _l("We hebben de ervaringen samengevat en bespreken ze met de gemeente."),
    "acting": _l("De gemeente werkt aan veranderingen."),
    "reported": _l("De gemeente heeft laten weten wat er is veranderd."),
}
PERSON_KEY = "person"  # a random token: the same browser is the same person, nothing more
ORDER_WORDS = {"recent": "nieuw", "title": "titel"}
ORDERS = {word: order for order, word in ORDER_WORDS.items()}


def _person_key(create: bool) -> str | None:
    token = session.get(PERSON_KEY)
    if token is None:
        if not create:
            return None
        token = session[PERSON_KEY] = secrets.token_urlsafe(24)
        session.permanent = True
    return themes.person_key(current_app.config["SECRET_KEY"], token)


@bp.get("/themas")
def themes_list():
    order = ORDERS.get(request.args.get("volgorde", ""), "recent")
    return render_template(
        "residents/themes.html",
        themes=themes.published_themes(get_session(), order),
        order=order,
        order_words=ORDER_WORDS,
    )


def _render_theme(theme, form, recognised: bool, status: int = 200):
    return (
        render_template(
            "residents/theme.html",
            theme=theme,
            submissions=themes.public_submissions(get_session(), theme),
            form=form,
            recognised=recognised,
            stage_text=STAGE_TEXT[theme.stage],
            just_recognised=request.args.get("herkend") == "1",
        ),
        status,
    )


def _recognised(theme) -> bool:
    key = _person_key(create=False)
    if key is None:
        return False
    return themes.has_experience(get_session(), theme, key)


@bp.get("/themas/<int:theme_id>")
def theme(theme_id: int):
    item = themes.published_theme(get_session(), theme_id) or abort(404)
    return _render_theme(item, ExperienceForm(formdata=None), _recognised(item))


@bp.post("/themas/<int:theme_id>")
@limiter.limit(lambda: current_app.config["RATELIMIT_EXPERIENCE"])
@form_checks_csrf
def recognise(theme_id: int):
    db = get_session()
    item = themes.published_theme(db, theme_id) or abort(404)
    form = ExperienceForm()
    if not form.validate_on_submit():
        return _render_theme(item, form, _recognised(item), 400)
    added = themes.add_experience(db, item, _person_key(create=True), current_language().code)
    db.commit()
    # herkend=1 thanks for a new experience; without it the page says it was counted before.
    target = (
        url_for(".theme", theme_id=item.id, herkend=1)
        if added
        else url_for(".theme", theme_id=item.id)
    )
    return redirect(target + "#herkend")
