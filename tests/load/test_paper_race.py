"""Paper forms against a real server: racing clerks key a form once, and a large batch
renders in its own process while the server keeps answering."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from sqlalchemy import func, select

from portal import create_app
from portal.db import session_for
from portal.domain import accounts, paper
from portal.domain.paper import BatchRequest
from portal.models import PaperForm, PaperKeying, Submission
from tests.conftest import STAFF_PASSWORD, TEST_SETTINGS
from tests.servers import running_server

CLERKS = 6
FORMS = 8
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ANSWERS = {"kind": "idea", "text": "Een bankje bij de bushalte.", "height": "", "contact": ""}

pytestmark = pytest.mark.load


@pytest.fixture(scope="module")
def server(database_url):
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "p" * 40,
        "RATELIMIT_LOGIN": "100000 per minute",
        "RATELIMIT_DEFAULT": "100000 per minute",
    }
    with running_server(env=env, workers=2, threads=8) as base_url:
        yield base_url


class Clerk:
    def __init__(self, base_url: str, email: str):
        self.base_url, self.http = base_url, requests.Session()
        token = self.token("/medewerkers/inloggen")
        answer = self.post(
            "/medewerkers/inloggen",
            {"csrf_token": token, "email": email, "password": STAFF_PASSWORD},
        )
        assert answer.status_code == 302, answer.text
        self.csrf = self.token("/medewerkers/papier/invoeren")

    def token(self, path: str) -> str:
        return CSRF.search(self.get(path).text).group(1)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base_url + path, timeout=60, allow_redirects=False)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(self.base_url + path, data=data, timeout=60, allow_redirects=False)

    def key(self, code: str) -> requests.Response:
        return self.post(
            f"/medewerkers/papier/invoeren/{code}", {"csrf_token": self.csrf, **ANSWERS}
        )


def make_clerks(app, base_url: str) -> list[Clerk]:
    with session_for(app) as session:
        for n in range(CLERKS):
            accounts.add_user(session, f"clerk{n}@rijnwaarde.example", "wijkteam", STAFF_PASSWORD)
        session.commit()
    return [Clerk(base_url, f"clerk{n}@rijnwaarde.example") for n in range(CLERKS)]


def make_batch(app, double_keying: bool) -> list[str]:
    request = BatchRequest(
        "nl", "standard", FORMS, "Bibliotheek", date(2026, 12, 1), None, double_keying
    )
    with session_for(app) as session:
        batch = paper.create_batch(session, None, request, {"life_domain": [], "neighbourhood": []})
        session.commit()
        return [code for _, code in paper.batch_codes(session, batch)]


def race(clerks: list[Clerk], code: str) -> list[requests.Response]:
    start = threading.Barrier(len(clerks))

    def one(clerk):
        start.wait()
        return clerk.key(code)

    with ThreadPoolExecutor(len(clerks)) as pool:
        return list(pool.map(one, clerks))


def test_racing_clerks_key_each_form_once_and_double_keying_keeps_one_second_round(
    server, database_url, db
):
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url})
    clerks = make_clerks(app, server)

    for code in make_batch(app, double_keying=False):
        answers = race(clerks, code)
        assert not [a for a in answers if a.status_code >= 500]
        assert sum(a.status_code == 302 for a in answers) == 1
        refused = [a for a in answers if a.status_code == 409]
        assert len(refused) == CLERKS - 1
        assert all("al ingevoerd door clerk" in a.text for a in refused)
        assert (
            db.scalar(
                select(func.count()).select_from(Submission).where(Submission.receipt_code == code)
            )
            == 1
        )
        assert db.scalar(select(PaperForm.submission_id).where(PaperForm.code == code)) is not None

    for code in make_batch(app, double_keying=True)[:3]:
        first = clerks[0].key(code)
        assert first.status_code == 302
        answers = race(clerks[1:], code)
        assert not [a for a in answers if a.status_code >= 500]
        rounds = db.scalar(
            select(func.count()).select_from(PaperKeying).where(PaperKeying.form_code == code)
        )
        # the second round went to one clerk; the same answers made the submission
        assert rounds == 2
        assert (
            db.scalar(
                select(func.count()).select_from(Submission).where(Submission.receipt_code == code)
            )
            == 1
        )


def test_a_large_batch_renders_outside_the_web_workers(server, database_url, db):
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url})
    with session_for(app) as session:
        accounts.add_user(session, "printer@rijnwaarde.example", "wijkteam", STAFF_PASSWORD)
        session.commit()
    clerk = Clerk(server, "printer@rijnwaarde.example")
    made = clerk.post(
        "/medewerkers/papier/nieuw",
        {
            "csrf_token": clerk.csrf, "language": "uk", "variant": "standard", "forms": "41",
            "place": "Bibliotheek", "neighbourhood": "", "handout_date": "2026-12-01",
        },
    )  # fmt: skip
    assert made.status_code == 302
    batch_page = made.headers["Location"].removeprefix(server)
    seen_progress, slowest, deadline = set(), 0.0, time.monotonic() + 240
    while time.monotonic() < deadline:
        started = time.monotonic()
        other = clerk.get("/medewerkers/papier")  # other work goes on meanwhile
        slowest = max(slowest, time.monotonic() - started)
        assert other.status_code == 200
        page = clerk.get(batch_page).text
        seen_progress |= set(re.findall(r"(\d+) van 41 formulieren klaar", page))
        if "PDF downloaden" in page:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the batch did not finish rendering within four minutes")
    assert seen_progress, "the page never showed how far the PDF was"
    assert slowest < 5, f"another page took {slowest:.1f} s while the batch rendered"
    pdf = clerk.get(batch_page + ".pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
