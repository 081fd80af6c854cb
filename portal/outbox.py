"""Sending the outbox: each message written in the contributor's language and handed to
the mail server over SMTP. The rules (what is due, retries, at most once) are in
portal.domain.notify; this module knows email and the mail server.

Runs from the command line (`flask --app portal outbox send`), never inside a web request.
"""

import contextlib
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid

from flask import Flask, render_template, url_for
from flask_babel import force_locale, format_date
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.db import session_for
from portal.domain import notify, receipts
from portal.i18n import gettext
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import Notification, Submission, Theme, utcnow
from portal.residents.feedback import report_back

SECURITY_MODES = ("none", "starttls", "tls")
SMTP_LINES = compat32.clone(linesep="\r\n")  # SMTP wants CRLF; sendmail sends bytes as they are


@dataclass(frozen=True)
class Outgoing:
    """One message as the mail server gets it: the envelope and the bytes."""

    sender: str
    recipient: str
    data: bytes


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

    def send(self, message: Outgoing) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            refused = self._hand_over(message)
        except smtplib.SMTPServerDisconnected:
            # The server closed an idle connection: one new connection, one more try.
            self.connection = self._connect()
            try:
                refused = self._hand_over(message)
            except (smtplib.SMTPException, OSError) as error:
                self._raise_classified(error)
        except (smtplib.SMTPException, OSError) as error:
            self._raise_classified(error)
        if refused:
            self._raise_refused(refused)

    def _hand_over(self, message: Outgoing) -> dict:
        return self.connection.sendmail(message.sender, [message.recipient], message.data)

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
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


# Stand-ins for what differs per contributor: a theme's message is written once per
# language and filled in per message. Private-use characters: no template or escaping
# touches them.
CODE_MARK, DATE_MARK = "\ue000code\ue000", "\ue000date\ue000"


class Composer:
    """Writes the email about one notification. A theme's message is rendered once per
    run and language, and only the receipt code and the date are filled in per message."""

    def __init__(self, app: Flask, session):
        self.app, self.session = app, session
        self.written: dict[tuple[int, str], dict] = {}
        self.loaded: list = []
        self.dates: dict[tuple[str, object], str] = {}
        self.sender = app.config["MAIL_FROM"]
        self.domain = self.sender.rpartition("@")[2] or "localhost"

    def _written(self, theme_id: int, language: str) -> dict:
        key = (theme_id, language)
        if key not in self.written:
            theme = self.session.get(Theme, theme_id)
            with force_locale(language):
                context = {
                    **report_back(self.session, theme, language),
                    "feedback_url": url_for(
                        "residents.theme_feedback", theme_id=theme_id, lang=language, _external=True
                    ),
                    "status_url": url_for("residents.lookup", lang=language, _external=True),
                    "municipality": self.app.config["MUNICIPALITY_NAME"],
                    "language": LANGUAGES[language],
                    "code": CODE_MARK,
                    "retain_until": DATE_MARK,
                }
                self.written[key] = {
                    "subject": gettext(
                        "Wat de gemeente deed met uw inbreng: %(title)s", title=theme.title
                    ),
                    "from": formataddr(
                        (
                            gettext("Meedoen in %(gemeente)s", gemeente=context["municipality"]),
                            self.sender,
                        ),
                        charset="utf-8",
                    ),  # fmt: skip
                    "plain": render_template("email/feedback.txt", **context),
                    "html": render_template("email/feedback.html", **context),
                }
        return self.written[key]

    def _date(self, language: str, day) -> str:
        if (language, day) not in self.dates:
            with force_locale(language):
                self.dates[language, day] = format_date(day, "long")
        return self.dates[language, day]

    def prefetch(self, notification_ids: list[int]) -> None:
        """Load the notifications, their submissions and contact details in two queries,
        instead of three per message. Kept referenced until the next batch: the session
        only holds loaded rows weakly."""
        submissions = select(Notification.submission_id).where(
            Notification.id.in_(notification_ids)
        )
        self.loaded = [
            *self.session.scalars(
                select(Submission)
                .options(selectinload(Submission.contact))
                .where(Submission.id.in_(submissions))
            ),
            *self.session.scalars(
                select(Notification).where(Notification.id.in_(notification_ids))
            ),
        ]

    def compose(self, notification: Notification) -> Outgoing:
        submission = self.session.get(Submission, notification.submission_id)
        contact = submission.contact if submission is not None else None
        if contact is None or not contact.email or contact.retain_until < utcnow().date():
            raise notify.NoRecipient()
        language = notification.language if notification.language in LANGUAGES else "nl"
        written = self._written(notification.theme_id, language)
        code = receipts.display(submission.receipt_code)
        day = self._date(language, contact.retain_until)

        def filled(text: str, escape=str) -> str:
            return text.replace(CODE_MARK, escape(code)).replace(DATE_MARK, escape(day))

        # The classic email API (compat32): a third of the time of EmailMessage's header
        # handling, which matters at thousands of messages a run.
        message = MIMEMultipart("alternative")
        message["Subject"] = Header(written["subject"], "utf-8")
        message["From"] = written["from"]
        message["To"] = contact.email
        message["Date"] = format_datetime(utcnow())
        message["Message-ID"] = make_msgid(f"meedoen.{notification.id}", domain=self.domain)
        message["Content-Language"] = language
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        # UTF-8 in base64: any language and any line length.
        message.attach(MIMEText(filled(written["plain"]), "plain", "utf-8"))
        message.attach(MIMEText(filled(written["html"], escape), "html", "utf-8"))
        return Outgoing(self.sender, contact.email, message.as_bytes(policy=SMTP_LINES))


def send_outbox(app: Flask, limit: int | None = None) -> notify.SendReport:
    """Send what is due now over OUTBOX_CONNECTIONS connections side by side (each with
    its own share of the messages); the report says what happened."""
    app = getattr(app, "_get_current_object", lambda: app)()  # threads need the app itself
    count = max(1, app.config["OUTBOX_CONNECTIONS"])
    if count == 1:
        return _send_share(app, limit, None)
    share = None if limit is None else -(-limit // count)
    reports: list[notify.SendReport] = []

    def send(index: int) -> None:
        try:
            reports.append(_send_share(app, share, (index, count)))
        except Exception as error:  # a database gone: say so, like a mail server gone
            reports.append(notify.SendReport(stopped=f"sender {index} failed: {error!r}"))

    senders = [threading.Thread(target=send, args=(k,)) for k in range(count)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    return notify.combined(reports)


def _send_share(app: Flask, limit: int | None, shard) -> notify.SendReport:
    transport = SmtpTransport(app.config)
    try:
        with (
            app.test_request_context("/", base_url=app.config["PUBLIC_URL"]),
            force_locale(DEFAULT_LANGUAGE),
            session_for(app) as session,
        ):
            composer = Composer(app, session)

            def deliver(notification: Notification) -> None:
                transport.send(composer.compose(notification))

            return notify.send_due(
                session, deliver, limit=limit, prefetch=composer.prefetch, shard=shard
            )
    finally:
        transport.close()
