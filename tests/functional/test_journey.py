"""The resident journey through the test client: describe, check, change, send, follow."""

from sqlalchemy import func, select

from portal.domain import receipts
from portal.models import ContactDetails, Submission
from tests.conftest import csrf_token, describe, page, send


def receipt_code(client) -> str:
    soup = page(client.get("/meedoen/ontvangen"))
    return soup.select_one(".receipt-code").get_text(strip=True)


def test_start_page_offers_obstacle_and_idea_with_equal_weight(client):
    soup = page(client.get("/"))
    choices = soup.select(".choices .choice")
    assert [c.h2.get_text(strip=True) for c in choices] == [
        "Er zit mij iets in de weg",
        "Ik heb een idee",
    ]
    # Same markup, same prominence: each choice is one section with one button-styled link.
    assert [c.select_one("a.button")["href"] for c in choices] == [
        "/meedoen/obstakel",
        "/meedoen/idee",
    ]


def test_a_resident_sends_an_obstacle_and_follows_it_with_the_receipt_code(client, db, wijken):
    response = describe(
        client,
        text="De bibliotheek heeft geen lift.",
        height="5",
        neighbourhood=str(wijken["Oost"]),
        email="ik@example.org",
        contact_consent="y",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/meedoen/controleren"

    check = page(client.get("/meedoen/controleren")).get_text(" ", strip=True)
    for answer in (
        "De bibliotheek heeft geen lift.",
        "Ik kan helemaal niet meedoen",
        "Oost",
        "ik@example.org",
    ):
        assert answer in check
    assert db.scalar(select(func.count()).select_from(Submission)) == 0, (
        "nothing is sent before Versturen"
    )

    assert send(client).headers["Location"] == "/meedoen/ontvangen"
    code = receipt_code(client)
    assert receipts.is_valid(code.replace("-", ""))

    stored = db.scalar(select(Submission))
    assert (stored.kind, stored.text, stored.height, stored.channel, stored.status) == (
        "obstacle",
        "De bibliotheek heeft geen lift.",
        5,
        "web",
        "received",
    )
    assert stored.receipt_code == code.replace("-", "")
    assert stored.neighbourhood_id == wijken["Oost"]
    assert db.scalar(select(ContactDetails.email)) == "ik@example.org"

    lookup = client.post(
        "/volgen", data={"csrf_token": csrf_token(client, "/volgen"), "code": code.lower()}
    )
    assert lookup.headers["Location"] == "/volgen/inbreng"
    status = page(client.get("/volgen/inbreng")).get_text(" ", strip=True)
    assert "Ontvangen" in status and "De bibliotheek heeft geen lift." in status
    assert "ik@example.org" not in status, (
        "the status page shows that an address was left, not the address"
    )


def test_an_idea_has_no_height_question(client, db):
    soup = page(client.get("/meedoen/idee"))
    assert soup.find(attrs={"name": "height"}) is None
    describe(client, "idee", text="Een bankje bij de bushalte.", height="4")
    send(client)
    assert db.scalar(select(Submission.height)) is None


def test_check_page_links_back_to_each_answer_and_keeps_them(client, wijken):
    describe(client, text="Te weinig bankjes.", height="2", neighbourhood=str(wijken["Zuid"]))
    soup = page(client.get("/meedoen/controleren"))
    change_links = [a["href"] for a in soup.select(".summary__action a")]
    assert "/meedoen/obstakel#text" in change_links
    assert "/meedoen/obstakel#height" in change_links

    form = page(client.get("/meedoen/obstakel"))
    assert form.find("textarea", id="text").get_text() == "Te weinig bankjes."
    assert form.find("input", id="height-1").has_attr("checked")
    assert form.find("select", id="neighbourhood").find("option", selected=True)["value"] == str(
        wijken["Zuid"]
    )


def test_changing_an_answer_replaces_it(client, db):
    describe(client, text="Eerste versie.")
    describe(client, text="Tweede versie, beter verwoord.")
    send(client)
    assert db.scalars(select(Submission.text)).all() == ["Tweede versie, beter verwoord."]


def test_an_obstacle_can_become_an_idea_from_the_check_page(client, db):
    describe(client, text="Meer licht in het park.", height="3")
    soup = page(client.get("/meedoen/controleren"))
    assert soup.find("a", href="/meedoen/idee") is not None
    describe(client, "idee", text="Meer licht in het park.")
    send(client)
    stored = db.scalar(select(Submission))
    assert (stored.kind, stored.height) == ("idea", None)


def test_an_empty_form_shows_every_error_and_keeps_every_answer(client, wijken):
    response = describe(
        client,
        text="   ",
        height="4",
        neighbourhood=str(wijken["Noord"]),
        email="niet-goed",
        contact_consent="",
    )
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout:")
    summary_links = [a["href"] for a in soup.select(".error-summary a")]
    assert summary_links == ["#text", "#email", "#contact_consent"]
    assert soup.find("textarea", id="text")["aria-invalid"] == "true"
    assert "text-error" in soup.find("textarea", id="text")["aria-describedby"]
    assert soup.find("input", id="height-3").has_attr("checked")
    assert soup.find("input", id="email")["value"] == "niet-goed"
    assert soup.find("select", id="neighbourhood").find("option", selected=True)["value"] == str(
        wijken["Noord"]
    )


def test_consent_without_an_email_address_asks_for_the_address(client):
    soup = page(describe(client, contact_consent="y", email=""))
    assert [a["href"] for a in soup.select(".error-summary a")] == ["#email"]


def test_optional_fields_say_so_and_forms_skip_browser_validation(client):
    soup = page(client.get("/meedoen/obstakel"))
    form = soup.find("form", method="post")
    assert form.has_attr("novalidate")
    labels = {
        lab.get("for") or "legend": lab.get_text(" ", strip=True)
        for lab in soup.select("label.label")
    }
    assert "(optioneel)" in labels["life_domain"] and "(optioneel)" in labels["neighbourhood"]
    assert "(optioneel)" not in labels["text"]
    assert not soup.select("[required], [maxlength], [pattern]"), "no HTML5 validation popups"


def test_receipt_page_needs_a_sent_submission(client):
    assert client.get("/meedoen/ontvangen").headers["Location"] == "/"
    assert client.get("/meedoen/controleren").headers["Location"] == "/"
    assert client.get("/volgen/inbreng").headers["Location"] == "/volgen"


def test_lookup_tells_a_typo_from_an_unknown_code(client):
    code = receipts.new_code()
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    token = csrf_token(client, "/volgen")
    wrong = page(client.post("/volgen", data={"csrf_token": token, "code": typo}))
    assert "klopt niet" in wrong.select_one(".error-summary").get_text()
    assert wrong.find("input", id="code")["value"] == typo
    unknown = page(client.post("/volgen", data={"csrf_token": token, "code": code}))
    assert "geen inbreng vinden" in unknown.select_one(".error-summary").get_text()


def test_the_empty_form_rendered_once_still_gives_each_visitor_their_own_token(app):
    """The blank form is cached per language; the CSRF token in it is each visitor's own."""
    first, second = app.test_client(), app.test_client()
    tokens = [csrf_token(client, "/meedoen/obstakel") for client in (first, second)]
    assert tokens[0] != tokens[1]
    for client, token in zip((first, second), tokens, strict=True):
        response = client.post(
            "/meedoen/obstakel",
            data={"csrf_token": token, "website": "", "text": "De drempel is te hoog."},
        )
        assert response.status_code == 302, "each token works for its own visitor"
    # And a token from one visitor is no good for the other.
    third = app.test_client()
    third.get("/meedoen/obstakel")
    refused = third.post("/meedoen/obstakel", data={"csrf_token": tokens[0], "text": "x"})
    assert refused.status_code == 400
    # Arabic visitors get the Arabic form, not the cached Dutch one.
    assert page(app.test_client().get("/meedoen/obstakel?lang=ar")).html["lang"] == "ar"
