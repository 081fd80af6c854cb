"""Whatever a resident (or anyone else) sends: a clear answer, nothing lost, never a 500."""

import pytest
from sqlalchemy import delete, func, select

from portal.models import Neighbourhood, Submission
from tests.conftest import csrf_token, describe, page, send

POST_ROUTES = ("/meedoen/obstakel", "/meedoen/idee", "/meedoen/versturen", "/volgen")


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(Submission))


def test_an_oversized_body_gets_a_friendly_413_page(client):
    response = client.post("/meedoen/obstakel", data={"text": "x" * 200_000})
    assert response.status_code == 413
    soup = page(response)
    assert "te veel tekst" in soup.h1.get_text()


def test_an_over_long_text_is_refused_with_its_length_and_kept(client, db):
    text = "ب" * 5001
    soup = page(describe(client, text=text))
    assert "maximaal 5000 tekens" in soup.select_one(".error-summary").get_text()
    assert "5001" in soup.select_one(".error-summary").get_text()
    assert soup.find("textarea", id="text").get_text() == text
    assert count(db) == 0


def test_an_over_long_email_address_is_refused(client):
    soup = page(describe(client, email="a" * 250 + "@example.org", contact_consent="y"))
    assert [a["href"] for a in soup.select(".error-summary a")] == ["#email"]


def test_invalid_utf8_is_an_error_never_a_blank_submission(client, db):
    token = csrf_token(client, "/meedoen/obstakel")
    body = b"csrf_token=" + token.encode() + b"&text=caf%E9+%FF%FE+de+stoep&website="
    response = client.post(
        "/meedoen/obstakel", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    soup = page(response)
    assert "niet kunnen lezen" in soup.select_one(".error-summary").get_text()
    assert "de stoep" in soup.find("textarea", id="text").get_text(), "the readable part stays"
    assert client.get("/meedoen/controleren").status_code == 302, "no draft was made"
    assert count(db) == 0


def test_nul_and_control_characters_are_removed_not_stored(client, db):
    describe(client, text="De\x00 lift\x07 is\x1b kapot.\r\nAl weken.")
    send(client)
    assert db.scalar(select(Submission.text)) == "De lift is kapot.\nAl weken."


def test_a_text_of_only_nul_bytes_counts_as_empty(client, db):
    soup = page(describe(client, text="\x00\x00\x00"))
    assert [a["href"] for a in soup.select(".error-summary a")] == ["#text"]
    assert count(db) == 0


def test_bidirectional_override_characters_are_removed(client, db):
    describe(client, text="Bus \u202eenil 5\u202c rijdt \u2066niet\u2069 meer.")
    send(client)
    assert db.scalar(select(Submission.text)) == "Bus enil 5 rijdt niet meer."


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&'


def test_markup_is_stored_as_text_and_escaped_on_every_page(client, db):
    describe(client, text=HOSTILE, email="a@example.org", contact_consent="y")
    check = client.get("/meedoen/controleren").get_data(as_text=True)
    send(client)
    assert db.scalar(select(Submission.text)) == HOSTILE
    code = db.scalar(select(Submission.receipt_code))
    client.post("/volgen", data={"csrf_token": csrf_token(client, "/volgen"), "code": code})
    status = client.get("/volgen/inbreng").get_data(as_text=True)
    for html in (check, status):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize("field", ["text", "email", "neighbourhood", "life_domain", "height"])
def test_markup_in_any_field_is_escaped_when_the_form_comes_back(client, field):
    html = describe(client, **{field: HOSTILE}).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html


@pytest.mark.parametrize(
    "field, value",
    [
        ("neighbourhood", "999999"),
        ("neighbourhood", "abc"),
        ("life_domain", "-1"),
        ("height", "9"),
        ("height", "x"),
        ("life_domain", "1.5"),
    ],
)
def test_choices_that_are_not_offered_get_a_plain_message(client, field, value):
    soup = page(describe(client, **{field: value}))
    summary = soup.select_one(".error-summary")
    assert "Kies opnieuw" in summary.get_text()
    assert [a["href"] for a in summary.select("a")] == [
        f"#{field}" + ("-0" if field == "height" else "")
    ]


def test_a_wijk_removed_while_the_form_was_open_asks_to_choose_again(client, db, wijken):
    token = csrf_token(client, "/meedoen/obstakel")
    db.execute(delete(Neighbourhood).where(Neighbourhood.id == wijken["Oost"]))
    response = client.post(
        "/meedoen/obstakel",
        data={
            "csrf_token": token,
            "text": "Mijn tekst blijft staan.",
            "neighbourhood": str(wijken["Oost"]),
        },
    )
    soup = page(response)
    assert "Kies opnieuw" in soup.select_one(".error-summary").get_text()
    assert soup.find("textarea", id="text").get_text() == "Mijn tekst blijft staan."


def test_a_checkbox_with_an_odd_value_still_counts_as_ticked(client):
    assert describe(client, email="a@example.org", contact_consent="maybe").status_code == 302


def test_a_post_without_csrf_token_keeps_the_answers_and_stores_nothing(client, db):
    response = client.post("/meedoen/obstakel", data={"text": "Zonder token.", "height": "2"})
    assert response.status_code == 400
    soup = page(response)
    assert "Uw antwoorden staan er nog" in soup.select_one(".error-summary").get_text()
    assert soup.find("textarea", id="text").get_text() == "Zonder token."
    assert soup.find("input", id="height-1").has_attr("checked")
    assert client.get("/meedoen/controleren").status_code == 302
    assert count(db) == 0


def test_sending_without_csrf_token_sends_nothing(client, db):
    describe(client)
    response = client.post("/meedoen/versturen", data={})
    assert response.status_code == 400
    assert "Uw antwoorden staan er nog" in page(response).get_text()
    assert count(db) == 0


@pytest.mark.parametrize("path", POST_ROUTES)
def test_a_forged_csrf_token_is_refused(client, db, path):
    describe(client)
    response = client.post(path, data={"csrf_token": "forged", "text": "x", "code": "x"})
    assert response.status_code == 400
    assert count(db) == 0


def test_a_double_submit_makes_one_submission(client, db):
    describe(client)
    token = csrf_token(client, "/meedoen/controleren")
    first = client.post("/meedoen/versturen", data={"csrf_token": token})
    second = client.post("/meedoen/versturen", data={"csrf_token": token})
    assert first.headers["Location"] == second.headers["Location"] == "/meedoen/ontvangen"
    assert count(db) == 1


def test_a_second_click_with_the_old_cookie_still_shows_the_receipt(app, db):
    """A double click sends the second request with the cookie from before the first answer."""
    first_tab = app.test_client()
    describe(first_tab)
    token = csrf_token(first_tab, "/meedoen/controleren")
    cookie = first_tab.get_cookie("meedoen").value
    first_tab.post("/meedoen/versturen", data={"csrf_token": token})

    second_click = app.test_client()
    second_click.set_cookie("meedoen", cookie)
    response = second_click.post("/meedoen/versturen", data={"csrf_token": token})
    assert response.headers["Location"] == "/meedoen/ontvangen"
    shown = page(second_click.get("/meedoen/ontvangen")).select_one(".receipt-code").get_text()
    assert shown.replace("-", "") == db.scalar(select(Submission.receipt_code))
    assert count(db) == 1


def test_a_filled_honeypot_is_refused_without_losing_the_answers(client, db):
    soup = page(describe(client, website="http://spam.example", text="Koop nu!"))
    assert soup.select_one(".error-summary")
    assert soup.find("textarea", id="text").get_text() == "Koop nu!"
    assert count(db) == 0


@pytest.mark.parametrize("path", ["/meedoen/onbekend", "/volgen/inbreng/x", "/%00", "/taal/"])
def test_unknown_paths_get_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "bestaat niet" in page(response).h1.get_text()


def test_a_wrong_method_gets_a_friendly_405(client):
    response = client.delete("/volgen")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    page(response)


@pytest.mark.parametrize("path", POST_ROUTES)
@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"\xff\xfe\x00\x00garbage", "application/x-www-form-urlencoded"),
        (b"text=%%%%&&&==", "application/x-www-form-urlencoded"),
        (b"--x\r\nbroken multipart", "multipart/form-data; boundary=x"),
        (b'{"text": "json"}', "application/json"),
        (
            b"text=" + "é".encode("latin-1") * 10,
            "application/x-www-form-urlencoded; charset=latin-1",
        ),
    ],
)
def test_malformed_bodies_never_cause_a_server_error(client, path, body, content_type):
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code < 500
