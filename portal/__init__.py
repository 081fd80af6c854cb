"""Meedoen: the participation portal. `create_app` builds the Flask application."""

from pathlib import Path

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import api, caching, cli, db, errors, i18n, security
from portal.config import from_environment
from portal.extensions import babel, csrf, init_limiter
from portal.http import Request
from portal.i18n import gettext

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.request_class = Request
    app.config.update(from_environment())
    app.config.update(test_config or {})
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    caching.init_app(app)
    db.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    init_limiter(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from portal.residents import bp as residents
    from portal.staff import access
    from portal.staff import bp as staff

    app.register_blueprint(residents)
    app.register_blueprint(staff)
    api.init_app(app)
    access.init_app(app)
    app.context_processor(_site_context)
    return app


def _site_context() -> dict:
    name = current_app.config["MUNICIPALITY_NAME"]
    return {
        "municipality_name": name,
        "portal_name": gettext("Meedoen in %(gemeente)s", gemeente=name),
    }
