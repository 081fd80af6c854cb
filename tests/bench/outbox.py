"""The outbox bench: 5,000 feedback emails handed to a local SMTP server process.

    .venv/bin/python -m tests.bench.outbox        (part of: make bench)

Publishing one theme with 5,000 contributors who left an email address queues 5,000
messages; `flask outbox send` (portal.outbox.send_outbox) delivers them over one SMTP
connection to an aiosmtpd process on 127.0.0.1 (tests/smtp_sink.py) that writes each to a
Maildir. Measured: seconds to queue on publishing, and messages per second sent, with a
claim and a record committed per message (what makes "at most once" hold).

Target (issue 6): >= 100 messages per second. Prints a table and then one JSON object;
exit 1 when the target is missed or a message is missing or sent twice.
"""

import json
import mailbox
import os
import sys
import time
from datetime import date, timedelta
from email import message_from_bytes, policy

os.environ.pop("TEST_DATABASE_URL", None)  # always its own SQLite file

from sqlalchemy import insert, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.db import session_for  # noqa: E402
from portal.domain import receipts  # noqa: E402
from portal.models import ContactDetails, Submission, utcnow  # noqa: E402
from portal.outbox import send_outbox  # noqa: E402
from tests.cycle import reported_theme  # noqa: E402
from tests.databases import migrate, test_database_url  # noqa: E402
from tests.smtp_sink import running_sink  # noqa: E402

MESSAGES = int(os.environ.get("BENCH_OUTBOX_MESSAGES", "5000"))
TARGET_PER_SECOND = 100
LANGUAGES = ("nl", "ar", "tr", "pl", "uk", "en")


def contributors(app, count: int) -> list[Submission]:
    now = utcnow()
    with session_for(app) as session:
        session.execute(
            insert(Submission),
            [
                {
                    "receipt_code": receipts.new_code(),
                    "kind": "obstacle",
                    "text": f"De bus naar het ziekenhuis rijdt te weinig ({i}).",
                    "language": LANGUAGES[i % len(LANGUAGES)],
                    "channel": "web",
                    "status": "published",
                    "created_at": now,
                }
                for i in range(count)
            ],
        )
        ids = list(session.scalars(select(Submission.id).order_by(Submission.id)))
        session.execute(
            insert(ContactDetails),
            [
                {
                    "submission_id": submission_id,
                    "email": f"bewoner{submission_id}@example.org",
                    "consent_at": now,
                    "retain_until": date.today() + timedelta(days=365),
                }
                for submission_id in ids
            ],
        )
        session.commit()
        return list(session.scalars(select(Submission)))


def main() -> int:
    url = test_database_url("outbox-bench")
    migrate(url)
    with running_sink() as (port, maildir):
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "b" * 40,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": port,
            }
        )
        members = contributors(app, MESSAGES)
        started = time.perf_counter()
        reported_theme(app, members)
        queue_seconds = time.perf_counter() - started

        started, cpu = time.perf_counter(), time.process_time()
        report = send_outbox(app)
        send_seconds = time.perf_counter() - started
        cpu_ms = (time.process_time() - cpu) * 1000 / max(report.sent, 1)
        per_second = report.sent / send_seconds
        time.sleep(0.5)  # the sink writes the last message
        addresses = [
            message_from_bytes(bytes(m), policy=policy.default)["To"]
            for m in mailbox.Maildir(maildir)
        ]

    once_each = len(addresses) == len(set(addresses)) == MESSAGES
    figures = {
        "messages": MESSAGES,
        "queue_on_publish_s": round(queue_seconds, 2),
        "send_s": round(send_seconds, 2),
        "messages_per_second": round(per_second, 1),
        "sender_cpu_ms_per_message": round(cpu_ms, 2),
        "received_once_each": once_each,
    }
    print(f"{'queued on publishing':32} {queue_seconds:8.2f} s")
    print(f"{'sent':32} {report.sent:8d} in {send_seconds:.2f} s")
    print(f"{'messages per second':32} {per_second:8.1f}  (target >= {TARGET_PER_SECOND})")
    print(f"{'sender CPU per message':32} {cpu_ms:8.2f} ms  (the rest is the SMTP server)")
    print(f"{'each received exactly once':32} {once_each!s:>8}")
    print(json.dumps(figures))
    return 0 if per_second >= TARGET_PER_SECOND and once_each and report.sent == MESSAGES else 1


if __name__ == "__main__":
    sys.exit(main())
