"""The public pages for residents: no account, no JavaScript needed."""

from flask import Blueprint

bp = Blueprint("residents", __name__)

from portal.residents import about_me, feedback, pages, paper_form, status, submit, themes  # noqa: E402,F401  (routes register on bp)
