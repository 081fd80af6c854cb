"""A blank paper form to download and print at home, with a code of its own."""

from datetime import date

from flask import current_app, render_template

from portal import printing
from portal.db import get_session
from portal.domain import paper
from portal.domain.paper import BatchRequest
from portal.extensions import form_checks_csrf, limiter
from portal.http import pdf_download
from portal.i18n import current_language
from portal.residents import bp
from portal.residents.forms import PaperFormRequest

# The batch's place is never printed for a download: the form says to hand it in at the
# wijkteam or the town hall.
DOWNLOAD_PLACE = "website"


@bp.route("/formulier", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PAPER_FORM"], methods=["POST"])
@form_checks_csrf
def paper_form():
    form = PaperFormRequest(language=current_language().code)
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("residents/paper_form.html", form=form), status
    db = get_session()
    language, variant = form.language.data, form.variant.data
    printed = printing.printed_for(db, language, variant, None)
    batch = paper.create_batch(
        db,
        None,
        BatchRequest(language, variant, 1, DOWNLOAD_PLACE, date.today()),
        printed,
        source="download",
    )
    code = paper.batch_codes(db, batch)[0][1]
    pdf = printing.render_forms(language, variant, printed, None, [code])
    db.commit()
    return pdf_download(pdf, f"meedoen-formulier-{language}.pdf")
