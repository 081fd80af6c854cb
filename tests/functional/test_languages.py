"""Every page in every language: lang and dir right, the choice sticks, bad codes fall back."""

import pytest

from portal.languages import LANGUAGES
from tests.conftest import describe, page

PAGES = (
    "/",
    "/meedoen/obstakel",
    "/meedoen/idee",
    "/volgen",
    "/toegankelijkheid",
    "/privacy",
    "/privacy/verwerkingsregister",
)


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_page_has_the_right_lang_and_dir(client, code):
    client.get(f"/taal/{code}")
    for path in PAGES:
        html = page(client.get(path)).html
        assert html["lang"] == code, path
        assert html["dir"] == ("rtl" if code == "ar" else "ltr"), path


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "nl"])
def test_pages_are_translated(client, code):
    dutch = page(client.get("/")).h1.get_text()
    client.get(f"/taal/{code}")
    assert page(client.get("/")).h1.get_text() != dutch


def test_the_language_choice_sticks_across_pages_and_returns_to_the_page(client):
    response = client.get("/taal/ar", query_string={"next": "/volgen"})
    assert response.headers["Location"] == "/volgen"
    assert client.get_cookie("meedoen").expires is not None, "a lasting cookie, not per tab"
    for path in PAGES:
        assert page(client.get(path)).html["lang"] == "ar"


def test_the_browser_language_is_used_until_the_resident_chooses(client):
    headers = {"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}
    assert page(client.get("/", headers=headers)).html["lang"] == "uk"
    client.get("/taal/pl")
    assert page(client.get("/", headers=headers)).html["lang"] == "pl"


@pytest.mark.parametrize("code", ["xx", "de", "AR-EG", "../../etc", "%00", "a" * 300])
def test_unknown_language_codes_fall_back_to_dutch(client, code):
    response = client.get(f"/taal/{code}")
    assert response.status_code in (302, 404)
    assert page(client.get("/", headers={"Accept-Language": "fr"})).html["lang"] == "nl"
    assert page(client.get("/", query_string={"lang": code})).html["lang"] == "nl"


def test_the_switcher_names_each_language_in_itself_and_marks_the_current_one(client):
    client.get("/taal/tr")
    links = page(client.get("/volgen")).select("nav.languages a")
    assert {a["lang"]: a.get_text() for a in links} == {
        c: lang.native_name for c, lang in LANGUAGES.items()
    }
    assert [a["lang"] for a in links if a.get("aria-current") == "true"] == ["tr"]
    assert all(a["href"].endswith("next=/volgen") for a in links)


def test_resident_text_is_shown_with_dir_auto(client):
    describe(client, text="الدرج عالٍ جدًا")
    soup = page(client.get("/meedoen/controleren"))
    shown = soup.find(string=lambda s: s and "الدرج" in s).parent
    assert shown["dir"] == "auto"
    form = page(client.get("/meedoen/obstakel"))
    assert form.find("textarea", id="text")["dir"] == "auto"


def test_the_language_a_submission_was_written_in_is_the_page_language(client, db):
    from sqlalchemy import select

    from portal.models import Submission
    from tests.conftest import send

    client.get("/taal/uk")
    describe(client, text="Немає пандуса біля входу.")
    send(client)
    assert db.scalar(select(Submission.language)) == "uk"


def test_pages_rendered_once_are_kept_per_language_page_and_app(app, database_url):
    """The start page and the statements are rendered once per language and served again."""
    from portal import create_app
    from tests.conftest import TEST_SETTINGS

    client = app.test_client()
    for _ in range(2):  # the second round is served from the cache
        for code in ("nl", "ar", "nl"):
            for path in ("/", "/privacy", "/toegankelijkheid"):
                shown = page(client.get(path, query_string={"lang": code}))
                assert shown.html["lang"] == code, (path, code)
                links = shown.select("nav.languages a")
                assert all(a["href"].endswith(f"next={path}") for a in links), path

    other = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": database_url, "MUNICIPALITY_NAME": "Ooststad"}
    )
    assert "Ooststad" in other.test_client().get("/").text
    assert "Ooststad" not in client.get("/").text
