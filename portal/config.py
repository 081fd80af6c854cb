"""Settings from the environment, with safe defaults for development.

Every setting the portal reads is named here, so an operator finds them in one place
(the README lists them too).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigurationError(RuntimeError):
    """The portal refuses to start with settings that would make it unsafe or broken."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _choice(env, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _development_secret() -> str:
    """A random secret kept in instance/, so sessions survive a restart of `make run`."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(environ: os._Environ | dict | None = None) -> dict:
    """Read the portal's settings; fail early and loudly where they are unsafe."""
    env = os.environ if environ is None else environ
    portal_env = env.get("PORTAL_ENV", "development")
    if portal_env not in ENVIRONMENTS:
        raise ConfigurationError(
            f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {portal_env!r}"
        )
    production = portal_env == "production"

    secret_key = env.get("SECRET_KEY", "")
    if production and len(secret_key) < 32:
        raise ConfigurationError("SECRET_KEY must be set to at least 32 random characters")
    if not secret_key:
        secret_key = _development_secret()

    smtp_host = env.get("SMTP_HOST", "localhost")
    smtp_security = _choice(env, "SMTP_SECURITY", ("none", "starttls", "tls"), "none")
    if production and smtp_security == "none" and smtp_host not in LOCAL_HOSTS:
        # Email to residents carries their receipt code and feedback: not in the clear
        # over a network. A relay on the machine itself may take it unencrypted.
        raise ConfigurationError(
            "SMTP_SECURITY must be starttls or tls for a mail server on another machine"
        )

    secure_cookie = _bool(env.get("SESSION_COOKIE_SECURE"), production)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'meedoen.db'}"

    return {
        "PORTAL_ENV": portal_env,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "MUNICIPALITY_NAME": env.get("MUNICIPALITY_NAME", "Rijnwaarde"),
        "SECURITY_CONTACT": env.get("SECURITY_CONTACT", "mailto:security@rijnwaarde.example"),
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL", "meedoen@rijnwaarde.example"),
        "PRIVACY_CONTACT": env.get("PRIVACY_CONTACT", "privacy@rijnwaarde.example"),
        "CONTACT_RETENTION_DAYS": int(env.get("CONTACT_RETENTION_DAYS", "365")),
        # Contact details go this many days after the feedback was sent, or after the
        # input was closed (`flask retention run`), whichever of the dates comes first.
        "CONTACT_DAYS_AFTER_FEEDBACK": int(env.get("CONTACT_DAYS_AFTER_FEEDBACK", "90")),
        # Handwriting cut from scanned forms goes this many days after the form was keyed.
        "SCAN_CROP_DAYS": int(env.get("SCAN_CROP_DAYS", "30")),
        # Where residents reach the portal: links in email and letters are built on it.
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        # The outbox (`flask outbox send`) hands email to this SMTP server.
        "MAIL_FROM": env.get("MAIL_FROM", "meedoen@rijnwaarde.example"),
        "SMTP_HOST": smtp_host,
        "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
        "SMTP_SECURITY": smtp_security,
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "20")),
        # Connections the sender uses side by side, each with its own share of the mail.
        "OUTBOX_CONNECTIONS": int(env.get("OUTBOX_CONNECTIONS", "4")),
        # Rate limits: memory:// is per process; use redis://… when several processes serve.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_SUBMIT": env.get("RATELIMIT_SUBMIT", "30 per hour;5 per minute"),
        "RATELIMIT_LOOKUP": env.get("RATELIMIT_LOOKUP", "30 per hour;10 per minute"),
        # Staff login attempts per client; per account name the portal locks after 5 failures.
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "100 per hour;10 per minute"),
        # "This happens to me too" on a theme, per client.
        "RATELIMIT_EXPERIENCE": env.get("RATELIMIT_EXPERIENCE", "60 per hour;10 per minute"),
        # A blank paper form downloaded from the website issues a code: per client.
        "RATELIMIT_PAPER_FORM": env.get("RATELIMIT_PAPER_FORM", "20 per hour;5 per minute"),
        # Reading the open-data API (/api/), per client, over all its operations together.
        "RATELIMIT_API": env.get("RATELIMIT_API", "600 per hour;60 per minute"),
        # Flask-Limiter's own setting: a limit on every route, none unless asked for.
        **({"RATELIMIT_DEFAULT": env["RATELIMIT_DEFAULT"]} if env.get("RATELIMIT_DEFAULT") else {}),
        "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on a 429 tells clients when to retry
        # How many proxies in front of the portal set X-Forwarded-For (0: none).
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        # The resident form is small: anything larger is not a person typing.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(64 * 1024))),
        "MAX_FORM_MEMORY_SIZE": int(env.get("MAX_CONTENT_LENGTH", str(64 * 1024))),
        # Scanned paper forms are the one upload: staff may send this much (a PDF of about
        # 300 pages), and only to the scan page (portal/staff/scans.py).
        "SCAN_MAX_BYTES": int(env.get("SCAN_MAX_BYTES", str(50 * 1024 * 1024))),
        # Browsers only keep a __Host- cookie that is Secure, so the prefix follows the flag.
        "SESSION_COOKIE_NAME": "__Host-meedoen" if secure_cookie else "meedoen",
        "SESSION_COOKIE_SECURE": secure_cookie,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # The forms carry their own translated messages; loading WTForms' catalog on every
        # request costs half a millisecond for messages the portal never shows.
        "WTF_I18N_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_SSL_STRICT": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "HSTS": production,
        # Staff sign-in: a second factor (TOTP) is always required in production.
        "STAFF_REQUIRE_SECOND_FACTOR": production
        or _bool(env.get("STAFF_REQUIRE_SECOND_FACTOR"), False),
        "STAFF_IDLE_MINUTES": int(env.get("STAFF_IDLE_MINUTES", "30")),
        "STAFF_SESSION_HOURS": int(env.get("STAFF_SESSION_HOURS", "12")),
        # Render batch PDFs inside the process that asks (tests, the CLI) instead of in a
        # separate process, which keeps web workers free while a large batch renders.
        "PAPER_PRINT_IN_PROCESS": _bool(env.get("PAPER_PRINT_IN_PROCESS"), False),
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Europe/Amsterdam"),
    }
