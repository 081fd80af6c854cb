"""No lost data: many residents at once against a real server process, every receipt kept."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from portal.models import Submission
from tests.servers import running_server

CLIENTS = 20
SUBMISSIONS_PER_CLIENT = 15  # 300 submissions, about 1,600 requests
DEADLINE_SECONDS = 240
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RECEIPT = re.compile(r'class="receipt-code"[^>]*>([0-9A-Z-]+)<')

pytestmark = pytest.mark.load


class Resident:
    """One browser: its own cookies, recording every status the server answered."""

    def __init__(self, base_url: str, statuses: list):
        self.base_url = base_url
        self.http = requests.Session()
        self.statuses = statuses

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(
            method, self.base_url + path, timeout=30, allow_redirects=False, **kwargs
        )
        self.statuses.append(response.status_code)
        return response

    def token(self, path: str) -> str:
        return CSRF.search(self.request("GET", path).text).group(1)

    def submit(self, number: int, double_click: bool) -> str:
        self.request(
            "POST",
            "/meedoen/obstakel",
            data={
                "csrf_token": self.token("/meedoen/obstakel"),
                "website": "",
                "text": f"Drempel nummer {number}: de ingang is te smal.",
                "height": "3",
            },
        )
        data = {"csrf_token": self.token("/meedoen/controleren"), "website": ""}
        if double_click:
            cookies = self.http.cookies.copy()
            with ThreadPoolExecutor(2) as pool:
                answers = list(
                    pool.map(
                        lambda _: requests.post(
                            self.base_url + "/meedoen/versturen",
                            data=data,
                            cookies=cookies,
                            timeout=30,
                            allow_redirects=False,
                        ),
                        range(2),
                    )
                )
            self.statuses.extend(a.status_code for a in answers)
            assert all(a.headers.get("Location") == "/meedoen/ontvangen" for a in answers)
            self.http.cookies.update(answers[0].cookies)
        else:
            sent = self.request("POST", "/meedoen/versturen", data=data)
            assert sent.headers.get("Location") == "/meedoen/ontvangen", sent.status_code
        receipt = self.request("GET", "/meedoen/ontvangen")
        return RECEIPT.search(receipt.text).group(1).replace("-", "")


def test_every_acknowledged_receipt_is_stored_under_concurrent_load(database_url, db):
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "l" * 40,
        "RATELIMIT_SUBMIT": "100000 per minute",
        "RATELIMIT_DEFAULT": "100000 per minute",
    }
    statuses: list[int] = []
    started = time.monotonic()

    def one_client(index: int) -> list[str]:
        resident = Resident(base_url, statuses)
        codes = []
        for n in range(SUBMISSIONS_PER_CLIENT):
            if time.monotonic() - started > DEADLINE_SECONDS:
                break
            codes.append(resident.submit(index * 1000 + n, double_click=n % 5 == 0))
        return codes

    with (
        running_server(env=env, workers=2, threads=8) as base_url,
        ThreadPoolExecutor(CLIENTS) as pool,
    ):
        acknowledged = [code for codes in pool.map(one_client, range(CLIENTS)) for code in codes]

    assert not [s for s in statuses if s >= 500], "the server answered 5xx"
    assert len(acknowledged) == CLIENTS * SUBMISSIONS_PER_CLIENT, "the run hit its deadline"
    assert len(set(acknowledged)) == len(acknowledged), "two residents got the same code"
    stored = set(db.scalars(select(Submission.receipt_code)))
    assert set(acknowledged) <= stored, (
        f"{len(set(acknowledged) - stored)} acknowledged codes are lost"
    )
    assert db.scalar(select(func.count()).select_from(Submission)) == len(acknowledged), (
        "a double click made a second submission"
    )
