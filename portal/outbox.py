"""Sending the outbox: each message written in the contributor's language and handed to
the mail server over SMTP. The rules (what is due, retries, at most once) are in
portal.domain.notify; this module knows email and the mail server.

Runs from the command line (`flask --app portal outbox send`), never inside a web request.
"""

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formataddr, format_datetime, make_msgid

from flask import Flask, render_template, url_for
from flask_babel import force_locale

from portal.db import session_for
from portal.domain import actions, feedback, notify, receipts
from portal.i18n import gettext
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import Notification, Submission, Theme, utcnow
from portal.residents.feedback import ACTION_WORDS

SECURITY_MODES = ("none", "starttls", "tls")


class SmtpTransport:
    """One connection to the mail server, opened when the first message goes out and
    kept for the rest of the run. Turns smtplib's errors into the outbox's terms."""

    def __init__(self, config: dict):
        self.host = config["SMTP_HOST"]
        self.port = config["SMTP_PORT"]
        self.security = config["SMTP_SECURITY"]
        self.username = config["SMTP_USERNAME"]
        self.password = config["SMTP_PASSWORD"]
        self.timeout = config["SMTP_TIMEOUT"]
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.security == "tls":
                connection = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password)
        except smtplib.SMTPAuthenticationError as error:
            raise notify.ServerUnavailable(f"the mail server refused the login: {error}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise notify.ServerUnavailable(
                f"no mail server at {self.host}:{self.port}: {error}"
            ) from None
        return connection

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            refused = self.connection.send_message(message)
        except smtplib.SMTPServerDisconnected:
            # The server closed an idle connection: one new connection, one more try.
            self.connection = self._connect()
            refused = self._send_classified(message)
        except (smtplib.SMTPException, OSError) as error:
            self._raise_classified(error)
        else:
            if refused:
                self._raise_refused(refused)

    def _send_classified(self, message: EmailMessage) -> dict:
        try:
            return self.connection.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            self._raise_classified(error)

    def _raise_classified(self, error: Exception):
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            self._raise_refused(error.recipients)
        if isinstance(error, smtplib.SMTPResponseException):
            said = f"{error.smtp_code} {error.smtp_error!r}"
            if error.smtp_code >= 500:
                raise notify.PermanentFailure(said) from None
            raise notify.TemporaryFailure(said) from None
        self.connection = None
        if isinstance(error, (smtplib.SMTPServerDisconnected, socket.timeout, OSError)):
            raise notify.TemporaryFailure(f"connection lost: {error}") from None
        raise notify.TemporaryFailure(str(error)) from None

    @staticmethod
    def _raise_refused(refused: dict):
        code, said = next(iter(refused.values()))
        if code >= 500:
            raise notify.PermanentFailure(f"{code} {said!r}")
        raise notify.TemporaryFailure(f"{code} {said!r}")

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None


class Composer:
    """Writes the email about one notification. A theme's feedback and actions are read
    once per run and language, not once per message."""

    def __init__(self, app: Flask, session):
        self.app, self.session = app, session
        self.themes: dict[tuple[int, str], dict] = {}
        self.sender = app.config["MAIL_FROM"]
        self.domain = self.sender.rpartition("@")[2] or "localhost"

    def _theme(self, theme_id: int, language: str) -> dict:
        key = (theme_id, language)
        if key not in self.themes:
            theme = self.session.get(Theme, theme_id)
            self.themes[key] = {
                "theme": theme,
                "feedback": feedback.shown(self.session, theme, language),
                "actions": actions.for_theme(self.session, theme_id),
                "action_words": ACTION_WORDS,
                "feedback_url": url_for(
                    "residents.theme_feedback", theme_id=theme_id, lang=language, _external=True
                ),
            }
        return self.themes[key]

    def compose(self, notification: Notification) -> EmailMessage:
        submission = self.session.get(Submission, notification.submission_id)
        contact = submission.contact if submission is not None else None
        today = utcnow().date()
        if contact is None or not contact.email or contact.retain_until < today:
            raise notify.NoRecipient()
        language = notification.language if notification.language in LANGUAGES else "nl"
        with force_locale(language):
            context = {
                **self._theme(notification.theme_id, language),
                "code": receipts.display(submission.receipt_code),
                "status_url": url_for("residents.lookup", lang=language, _external=True),
                "retain_until": contact.retain_until,
                "municipality": self.app.config["MUNICIPALITY_NAME"],
                "language": LANGUAGES[language],
            }
            message = EmailMessage()
            message["Subject"] = gettext(
                "Wat de gemeente deed met uw inbreng: %(title)s", title=context["theme"].title
            )
            message["From"] = formataddr(
                (gettext("Meedoen in %(gemeente)s", gemeente=context["municipality"]), self.sender)
            )
            message["To"] = contact.email
            message["Date"] = format_datetime(utcnow())
            message["Message-ID"] = make_msgid(f"meedoen.{notification.id}", domain=self.domain)
            message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
            message.set_content(render_template("email/feedback.txt", **context))
            message.add_alternative(render_template("email/feedback.html", **context), "html")
            # After the parts: making the alternative moves every Content-* header into them.
            message["Content-Language"] = language
        return message


def send_outbox(app: Flask, limit: int | None = None) -> notify.SendReport:
    """Send what is due now; the report says what happened."""
    transport = SmtpTransport(app.config)
    try:
        with app.test_request_context("/", base_url=app.config["PUBLIC_URL"]):
            with force_locale(DEFAULT_LANGUAGE), session_for(app) as session:
                composer = Composer(app, session)

                def deliver(notification: Notification) -> None:
                    transport.send(composer.compose(notification))

                return notify.send_due(session, deliver, limit=limit)
    finally:
        transport.close()
