"""The paper bench: a 500-form batch as PDF, and the keying screen's response time.

    .venv/bin/python -m tests.bench.paper        (part of: make bench)

* A batch of 500 standard forms in Dutch, rendered as the background job renders it:
  seconds and the peak memory of the process (ru_maxrss), and the PDF's size.
* The keying screen through the app (Flask test client: server time, no network) as a
  signed-in wijkteam member: 200 times opening a form to key, and 200 forms keyed in:
  p50 and p95 of each.

Targets (issue 5): the 500-form PDF <= 30 s, the keying screen p95 <= 100 ms.
Prints a table and then one JSON object; exit 1 when a target is missed.
"""

import json
import os
import resource
import sys
import time
from datetime import date

os.environ.pop("TEST_DATABASE_URL", None)  # always its own SQLite file

from portal import create_app, printing  # noqa: E402
from portal.db import session_for  # noqa: E402
from portal.domain import accounts, paper  # noqa: E402
from portal.domain.paper import BatchRequest  # noqa: E402
from tests.bench.staff import percentile  # noqa: E402
from tests.conftest import STAFF_PASSWORD, csrf_token, log_in  # noqa: E402
from tests.databases import migrate, test_database_url  # noqa: E402

FORMS = int(os.environ.get("BENCH_PAPER_FORMS", "500"))
KEYINGS = 200
TARGETS = {"batch_pdf_s": 30, "keying_screen_p95_ms": 100, "keying_save_p95_ms": 100}


def make_batch(app, forms: int):
    with app.test_request_context(), session_for(app) as session:
        printed = printing.printed_for(session, "nl", "standard", "Buurthuis De Meent")
        request = BatchRequest("nl", "standard", forms, "Buurthuis De Meent", date(2026, 12, 1))
        batch = paper.create_batch(session, None, request, printed)
        session.commit()
        return batch.id, printed, [code for _, code in paper.batch_codes(session, batch)]


def main() -> int:
    url = test_database_url("paper-bench")
    migrate(url)
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "RATELIMIT_DEFAULT": "1000000 per minute"}
    )
    _, printed, codes = make_batch(app, FORMS)
    started = time.perf_counter()
    with app.test_request_context():
        pdf = printing.render_forms("nl", "standard", printed, "Buurthuis De Meent", codes)
    batch_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with session_for(app) as session:
        accounts.add_user(session, "bench@rijnwaarde.example", "wijkteam", STAFF_PASSWORD)
        session.commit()
    client = app.test_client()
    log_in(client, "bench@rijnwaarde.example")
    token = csrf_token(client, "/medewerkers/papier/invoeren")
    _, _, keyed = make_batch(app, KEYINGS)
    opened, saved = [], []
    for code in keyed:
        started = time.perf_counter()
        assert client.get(f"/medewerkers/papier/invoeren/{code}").status_code == 200
        opened.append((time.perf_counter() - started) * 1000)
        answers = {
            "csrf_token": token, "kind": "obstacle", "height": "3", "life_domain": "",
            "neighbourhood": "", "contact": "", "text": f"De stoep bij nummer {code} is te smal.",
        }  # fmt: skip
        started = time.perf_counter()
        assert client.post(f"/medewerkers/papier/invoeren/{code}", data=answers).status_code == 302
        saved.append((time.perf_counter() - started) * 1000)

    result = {
        "forms": FORMS,
        "batch_pdf_s": round(batch_seconds, 1),
        "batch_pdf_mb": round(len(pdf) / 1e6, 1),
        "peak_rss_mb": round(peak_mb),
        "keying_screen_p50_ms": round(percentile(opened, 0.5), 1),
        "keying_screen_p95_ms": round(percentile(opened, 0.95), 1),
        "keying_save_p50_ms": round(percentile(saved, 0.5), 1),
        "keying_save_p95_ms": round(percentile(saved, 0.95), 1),
    }
    missed = [name for name, target in TARGETS.items() if result[name] > target]
    for name, value in result.items():
        target = TARGETS.get(name)
        print(f"{name:24} {value:>10}" + (f"   (target <= {target})" if target else ""))
    print(json.dumps({**result, "missed": missed}))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
