"""Published themes for residents and "Dit overkomt mij ook".

Themes are listed by recency or title, never by how many people reacted; a theme page shows
what residents said without who they are; "me too" counts one per browser.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal import create_app
from portal.domain import themes
from portal.models import ContactDetails, Experience, Submission, Theme
from tests import conftest
from tests.conftest import START, TEST_SETTINGS, csrf_token, page


def add_submission(db, text: str, minutes: int = 0, **fields) -> Submission:
    """A published submission: these tests are about what residents see."""
    return conftest.add_submission(db, text, minutes, **{"status": "published", **fields})


def add_theme(db, title: str, *members, summary="Wat inwoners vertelden.", published=True, days=0):
    """A theme last changed `days` after START."""
    theme = Theme(title=title, summary=summary, stage="collecting", published=published)
    theme.submissions.extend(members)
    db.add(theme)
    db.commit()
    db.execute(
        update(Theme).where(Theme.id == theme.id).values(updated_at=START + timedelta(days=days))
    )
    return theme


def titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select(".theme-list h2 a")]


def experiences(db) -> list[Experience]:
    return list(db.scalars(select(Experience).order_by(Experience.id)))


def recognise(client, theme_id: int, **data):
    """Press "Dit overkomt mij ook" as a browser would, with the token from the page."""
    path = f"/themas/{theme_id}"
    form = {"csrf_token": csrf_token(client, path), "website": "", **data}
    return client.post(path, data=form)


def status_text(response) -> str:
    return page(response).select_one("#herkend").find_parent("section").get_text(" ", strip=True)


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_only_published_themes_that_were_not_merged(client, db):
    kept = add_theme(db, "Busvervoer", summary="De bus rijdt te weinig.", days=1)
    add_theme(db, "Nog niet af", published=False, days=5)
    merged = add_theme(db, "Bus Oost", days=4)
    merged.merged_into_id = kept.id
    db.commit()
    add_theme(db, "Stoepen", summary="Stoepen zijn te smal.", days=2)

    response = client.get("/themas")
    assert titles(response) == ["Stoepen", "Busvervoer"]
    summaries = [p.get_text(strip=True) for p in page(response).select(".theme-list li p")]
    assert summaries == ["Stoepen zijn te smal.", "De bus rijdt te weinig."]


def test_the_list_is_by_recency_or_title_and_never_by_reactions(app, db):
    busy = add_theme(db, "Markt", days=1)
    add_theme(db, "bibliotheek", days=2)
    add_theme(db, "Zwembad", days=3)
    for _ in range(5):
        assert recognise(app.test_client(), busy.id).status_code == 302
    assert len(experiences(db)) == 5

    client = app.test_client()
    assert titles(client.get("/themas")) == ["Zwembad", "bibliotheek", "Markt"]
    assert titles(client.get("/themas?volgorde=nieuw")) == ["Zwembad", "bibliotheek", "Markt"]
    by_title = client.get("/themas?volgorde=titel")
    assert titles(by_title) == ["bibliotheek", "Markt", "Zwembad"]
    assert page(by_title).select_one("a[aria-current=page]").get_text(strip=True) == "Op alfabet"
    assert titles(client.get("/themas?volgorde=populair")) == ["Zwembad", "bibliotheek", "Markt"]
    listed = page(client.get("/themas")).select(".theme-list li")[2].get_text(" ", strip=True)
    assert "5" not in listed, "residents do not see how many reacted"


# --- one theme -----------------------------------------------------------------------------


def test_a_theme_page_shows_the_summary_and_only_published_original_stories(client, db):
    shown = add_submission(db, "De bus naar Oost rijdt niet na acht uur.", 1)
    with_contact = add_submission(db, "Ik mis de avondbus.", 2)
    with_contact.contact = ContactDetails(email="bewoner@example.org", retain_until=START.date())
    new = add_submission(db, "Nog niet bekeken verhaal.", 3, status="received")
    hidden = add_submission(
        db, "Piet Jansen belt altijd te laat.", 4, status="hidden", hidden_reason="personal_data"
    )
    duplicate = add_submission(db, "Kopie van het verhaal.", 5, duplicate_of_id=shown.id)
    elsewhere = add_submission(db, "Over een ander thema.", 6)
    # An answer to "does it help?", published: the theme shows those in aggregate only.
    answer = add_submission(db, "Helpt nog niet, de bus is vaak vol.", 7, kind="evaluation")
    theme = add_theme(
        db, "Avondbus", shown, with_contact, new, hidden, duplicate, answer,
        summary="Er rijdt te weinig.",
    )  # fmt: skip
    add_theme(db, "Ander thema", elsewhere)

    response = client.get(f"/themas/{theme.id}")
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Avondbus"
    assert soup.select_one(".lead").get_text(strip=True) == "Er rijdt te weinig."
    assert "We verzamelen nog ervaringen" in soup.get_text()
    stories = [quote.get_text(strip=True) for quote in soup.select(".stories blockquote")]
    assert stories == ["Ik mis de avondbus.", "De bus naar Oost rijdt niet na acht uur."]
    assert all(quote["dir"] == "auto" for quote in soup.select(".stories blockquote"))
    html = response.get_data(as_text=True)
    for secret in (
        "bewoner@example.org", new.text, hidden.text, duplicate.text, elsewhere.text, answer.text
    ):  # fmt: skip
        assert secret not in html


@pytest.mark.parametrize("which", ["unpublished", "merged", "unknown"])
def test_themes_not_on_the_website_are_not_found(client, db, which):
    target = add_theme(db, "Zichtbaar")
    theme = add_theme(db, "Verborgen", published=which != "unpublished")
    if which == "merged":
        theme.merged_into_id = target.id
        db.commit()
    theme_id = 99999 if which == "unknown" else theme.id
    assert client.get(f"/themas/{theme_id}").status_code == 404
    token = csrf_token(client, f"/themas/{target.id}")
    response = client.post(f"/themas/{theme_id}", data={"csrf_token": token, "website": ""})
    assert response.status_code == 404
    assert experiences(db) == []


# --- "Dit overkomt mij ook" ------------------------------------------------------------------


def test_me_too_counts_once_per_browser_in_the_language_of_the_page(app, db):
    theme = add_theme(db, "Avondbus")
    resident = app.test_client()
    assert page(resident.get(f"/themas/{theme.id}")).find("button", string="Dit overkomt mij ook")
    token = csrf_token(resident, f"/themas/{theme.id}")

    response = resident.post(f"/themas/{theme.id}", data={"csrf_token": token, "website": ""})
    assert response.headers["Location"] == f"/themas/{theme.id}?herkend=1#herkend"
    [stored] = experiences(db)
    assert (stored.theme_id, stored.language, stored.channel) == (theme.id, "nl", "web")
    thanked = resident.get(response.headers["Location"])
    assert "We tellen uw ervaring mee" in status_text(thanked)
    assert page(thanked).find("button", string="Dit overkomt mij ook") is None

    # The same browser again (a second click, a resent form) adds nothing.
    again = resident.post(f"/themas/{theme.id}", data={"csrf_token": token, "website": ""})
    assert again.status_code == 302
    assert len(experiences(db)) == 1
    assert "U heeft al laten weten dat u dit herkent." in status_text(
        resident.get(f"/themas/{theme.id}")
    )

    other = app.test_client()
    other.get("/taal/ar")
    assert recognise(other, theme.id).status_code == 302
    assert [(e.language, e.theme_id) for e in experiences(db)] == [
        ("nl", theme.id),
        ("ar", theme.id),
    ]
    first, second = experiences(db)
    assert first.person_key != second.person_key


def test_a_second_me_too_from_the_same_browser_is_told_it_was_counted_already(client, db):
    theme = add_theme(db, "Avondbus")
    token = csrf_token(client, f"/themas/{theme.id}")
    first = client.post(f"/themas/{theme.id}", data={"csrf_token": token, "website": ""})
    assert "We tellen uw ervaring mee" in status_text(client.get(first.headers["Location"]))
    again = client.post(f"/themas/{theme.id}", data={"csrf_token": token, "website": ""})
    answer = status_text(client.get(again.headers["Location"]))
    assert "U heeft al laten weten dat u dit herkent." in answer
    assert "We tellen uw ervaring mee" not in answer, "it was not counted a second time"
    assert len(experiences(db)) == 1


def test_me_too_without_a_csrf_token_stores_nothing(client, db):
    theme = add_theme(db, "Avondbus")
    response = client.post(f"/themas/{theme.id}", data={"website": ""})
    assert response.status_code == 400
    assert "Deze pagina was te lang open" in page(response).get_text()
    assert experiences(db) == []


def test_me_too_with_the_honeypot_filled_is_refused(client, db):
    theme = add_theme(db, "Avondbus")
    response = recognise(client, theme.id, website="https://spam.example")
    assert response.status_code == 400
    soup = page(response)
    assert "We konden dit niet verwerken" in soup.select_one(".error-summary").get_text()
    assert soup.title.get_text().startswith("Fout: ")
    assert experiences(db) == []


def test_me_too_is_rate_limited(app, database_url, db):
    limited = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": database_url, "RATELIMIT_EXPERIENCE": "2 per minute"}
    )
    theme = add_theme(db, "Avondbus")
    statuses = [recognise(limited.test_client(), theme.id).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(experiences(db)) == 2
    refused = recognise(limited.test_client(), theme.id)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "U heeft veel in korte tijd gestuurd" in page(refused).get_text()


def test_the_stored_person_key_is_a_keyed_hash_not_the_session_token(app, client, db):
    theme = add_theme(db, "Avondbus")
    recognise(client, theme.id)
    with client.session_transaction() as session:
        token = session["person"]
    stored = db.scalar(select(Experience.person_key))
    assert token and stored != token and token not in stored
    assert stored == themes.person_key(app.config["SECRET_KEY"], token)
    assert len(stored) == 64
    other_secret = themes.person_key("another-secret-key", token)
    assert other_secret != stored, "without the server's key the value cannot be recomputed"
    assert db.scalar(select(func.count()).select_from(Experience)) == 1


@pytest.mark.parametrize("language, direction", [("nl", "ltr"), ("ar", "rtl")])
def test_theme_pages_are_sound_in_dutch_and_arabic(client, db, language, direction):
    story = add_submission(db, "الحافلة لا تأتي في المساء.", language="ar")
    theme = add_theme(db, "Avondbus", story)
    for path in ("/themas", f"/themas/{theme.id}", "/themas?volgorde=titel"):
        soup = page(client.get(f"{path}{'&' if '?' in path else '?'}lang={language}"))
        assert (soup.html["lang"], soup.html["dir"]) == (language, direction), path
    story_quote = page(client.get(f"/themas/{theme.id}?lang={language}")).select_one(
        ".stories blockquote"
    )
    assert (story_quote["lang"], story_quote["dir"]) == ("ar", "auto")
    refused = client.post(f"/themas/{theme.id}?lang={language}", data={"website": ""})
    assert refused.status_code == 400
    assert page(refused).html["dir"] == direction
