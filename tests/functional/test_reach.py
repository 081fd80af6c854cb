"""Who is heard, who is missing: the reach figures, the sentences about who falls behind, the
inhabitants per wijk that administrators keep, and who may see the reach page."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import event, select

from portal.domain import reach, receipts
from portal.models import AuditEvent, Experience, Neighbourhood, Submission, Theme
from tests.conftest import csrf_token, page

# The page counts from the real now, so the known gemeente is set around it.
NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
PAPER_AT = NOW - timedelta(days=200)  # more than 3 months, less than 12 ago
ASSISTED_AT = NOW - timedelta(days=54)
OLD_AT = NOW - timedelta(days=700)  # before the last 12 months
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the portal's default time zone for dates
REACH = "/medewerkers/bereik"
WIJKEN = "/medewerkers/beheer/wijken"


def add(db, count: int = 1, *, when: datetime = NOW, **fields) -> None:
    """`count` submissions received at `when`; `fields` override kind, channel, language."""
    values = {"kind": "obstacle", "language": "nl", "channel": "web", **fields}
    if values["channel"] in ("assisted", "phone"):
        values["resident_consent_at"] = when
    db.add_all(
        Submission(receipt_code=receipts.new_code(), text="Tekst.", created_at=when, **values)
        for _ in range(count)
    )
    db.commit()


def set_inhabitants(db, wijken: dict, **numbers) -> None:
    for name, number in numbers.items():
        db.get(Neighbourhood, wijken[name]).inhabitants = number
    db.commit()


@pytest.fixture
def known(db, wijken):
    """A known gemeente: Noord 2,000 inhabitants and 10 inputs, Oost 4,000 and 2 (on paper,
    long ago), Zuid without a figure and without input, 3 inputs without a wijk."""
    set_inhabitants(db, wijken, Noord=2000, Oost=4000)
    add(db, 6, neighbourhood_id=wijken["Noord"])
    add(
        db,
        4,
        neighbourhood_id=wijken["Noord"],
        kind="idea",
        language="ar",
        when=NOW - timedelta(40),
    )
    add(
        db,
        2,
        neighbourhood_id=wijken["Oost"],
        channel="paper",
        when=PAPER_AT,
    )
    add(db, 2, channel="assisted", language="tr", when=ASSISTED_AT)
    add(db, 1, language="uk", when=OLD_AT)
    # A reaction on what was done is not a new voice: never counted.
    add(db, 3, neighbourhood_id=wijken["Oost"], kind="evaluation")
    theme = Theme(title="Drempels", summary="", stage="collecting", published=True)
    db.add(theme)
    db.commit()
    db.add_all(
        Experience(theme_id=theme.id, person_key=f"p{i}", language=language, channel="web")
        for i, language in enumerate(("nl", "nl", "ar"))
    )
    db.commit()
    return wijken


# --- the figures -----------------------------------------------------------------------------


def test_input_per_wijk_and_per_thousand_inhabitants(db, known):
    overview = reach.per_wijk(db)
    rows = {
        wijk.name: (wijk.inputs, wijk.inhabitants, wijk.per_thousand) for wijk in overview.wijken
    }
    assert rows == {"Noord": (10, 2000, 5.0), "Oost": (2, 4000, 0.5), "Zuid": (0, None, None)}
    assert (overview.without_wijk, overview.total) == (3, 15)
    # The gemeente's rate: input from wijken with a known figure, per 1,000 of their people.
    assert (overview.inhabitants, overview.inputs_where_known) == (6000, 12)
    assert overview.per_thousand == pytest.approx(2.0)
    # Since a moment: only what came in from then on.
    recent = reach.per_wijk(db, since=NOW - timedelta(days=60))
    assert [wijk.inputs for wijk in recent.wijken] == [10, 0, 0]
    assert (recent.without_wijk, recent.total) == (2, 12)  # the assisted input of 30 September


def test_input_per_channel_with_the_last_three_months(db, known):
    channels = {row.channel: row for row in reach.per_channel(db, now=NOW)}
    assert list(channels) == ["web", "paper", "assisted", "phone"]
    assert [(c.inputs, c.recent_inputs) for c in channels.values()] == [
        (11, 10),
        (2, 0),
        (2, 2),
        (0, 0),
    ]
    assert channels["paper"].last_input_at == PAPER_AT
    assert channels["phone"].last_input_at is None
    assert channels["web"].experiences == 3


def test_input_per_language_most_first(db, known):
    languages = [(row.language, row.inputs, row.experiences) for row in reach.per_language(db)]
    assert languages == [("nl", 8, 2), ("ar", 4, 1), ("tr", 2, 0), ("uk", 1, 0)]


def test_input_per_month_has_every_month_also_without_input(db):
    for when, count in (
        (datetime(2026, 5, 2, tzinfo=UTC), 2),
        (datetime(2026, 9, 30, 23, 30, tzinfo=UTC), 2),
        (datetime(2026, 10, 1, 0, 5, tzinfo=UTC), 4),
        (datetime(2026, 11, 20, tzinfo=UTC), 6),
        (datetime(2025, 11, 30, tzinfo=UTC), 1),  # 12 months and more ago: not shown
        (datetime(2026, 12, 1, tzinfo=UTC), 1),  # after "today": not shown
    ):
        add(db, count, when=when)
    months = reach.per_month(db, today=date(2026, 11, 23))
    assert len(months) == 12
    assert months[0].month == date(2025, 12, 1) and months[-1].month == date(2026, 11, 1)
    counted = {row.month: row.inputs for row in months if row.inputs}
    assert counted == {
        date(2026, 5, 1): 2,
        date(2026, 9, 1): 2,  # the 30th at 23:00 UTC is still September
        date(2026, 10, 1): 4,
        date(2026, 11, 1): 6,
    }
    assert sum(row.inputs for row in months) == 14


def test_months_before_keeps_the_day_where_the_month_has_it():
    assert reach.months_before(datetime(2026, 5, 31, 8, tzinfo=UTC), 3) == datetime(
        2026, 2, 28, 8, tzinfo=UTC
    )
    assert reach.months_before(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(
        2025, 1, 15, tzinfo=UTC
    )


def test_who_falls_behind(db, known):
    figures = reach.reach(db, now=NOW)
    found = [(s.kind, s.wijk.name if s.wijk else s.channel.channel) for s in figures.shortfalls]
    assert found == [
        (reach.WIJK_BELOW_HALF, "Oost"),
        (reach.WIJK_WITHOUT_INHABITANTS, "Zuid"),
        (reach.WIJK_WITHOUT_INPUT, "Zuid"),
        (reach.CHANNEL_QUIET, "paper"),
        (reach.CHANNEL_QUIET, "phone"),
    ]
    oost = figures.shortfalls[0]
    assert (oost.rate, oost.gemeente_rate) == (0.5, pytest.approx(2.0))


def test_a_switched_off_wijk_is_not_said_to_fall_behind(db, known):
    zuid = db.get(Neighbourhood, known["Zuid"])
    zuid.active = False
    db.commit()
    names = [s.wijk.name for s in reach.reach(db, now=NOW).shortfalls if s.wijk]
    assert "Zuid" not in names


def test_the_figures_take_the_same_number_of_queries_for_ten_or_a_thousand(app, db, wijken):
    """Aggregates in the database: more submissions never mean more queries."""

    def queries() -> int:
        statements = []
        engine = db.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            reach.reach(db, now=NOW)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    add(db, 10, neighbourhood_id=wijken["Noord"])
    few = queries()
    add(db, 990, neighbourhood_id=wijken["Oost"], channel="paper")
    assert queries() == few


# --- the page ----------------------------------------------------------------------------------


def test_the_reach_page_shows_the_tables_and_says_who_falls_behind(staff, known):
    soup = page(staff("policy").get(f"{REACH}?periode=alles"))
    sentences = [li.get_text(" ", strip=True) for li in soup.select("h2#achter ~ ul.list li")]
    assert sentences == [
        "Uit Oost komt weinig inbreng: 0,5 per 1.000 inwoners. "
        "Dat is minder dan de helft van de hele gemeente (2,0 per 1.000).",
        "Van Zuid weten we niet hoeveel mensen er wonen. "
        "Daarom kunnen we niet zien of deze wijk achterblijft.",
        "Uit Zuid kwam in deze periode geen inbreng.",
        "Op papier kwam in de laatste 3 maanden geen inbreng. "
        f"De laatste kwam op {format_date(PAPER_AT.astimezone(AMSTERDAM), 'long', locale='nl')}.",
        "Via de telefoon kwam nog nooit inbreng.",
    ]
    wijken = soup.select_one("table:has(caption#caption-wijken)")
    assert wijken.select("thead th[scope='col']")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in wijken.select("tbody tr, tfoot tr")
    }
    assert rows == {
        "Noord": ["10", "2.000", "5,0"],
        "Oost": ["2", "4.000", "0,5"],
        "Zuid": ["0", "Niet bekend", "–"],
        "Geen wijk gekozen": ["3", "–", "–"],
        "Hele gemeente": ["15", "6.000", "2,0"],
    }
    languages = soup.select_one("table:has(caption#caption-talen)")
    assert languages.select_one("tbody th[scope='row']").get_text(strip=True) == "Nederlands"
    arabic = languages.select("tbody th")[1]
    assert arabic.get_text(" ", strip=True) == "Arabisch ( العربية )"
    assert arabic.select_one("span[lang='ar']") is not None
    months = soup.select("table:has(caption#caption-maanden) tbody tr")
    assert len(months) == 12
    # Policy officers read the page; only administrators get the links to change things.
    assert soup.select_one(f"a[href='{WIJKEN}']") is None


def test_the_page_counts_the_last_twelve_months_unless_asked_for_everything(staff, db, known):
    client = staff("admin")
    year = page(client.get(REACH))
    assert year.select_one("main nav a[aria-current='true']").get_text(strip=True) == (
        "Afgelopen 12 maanden"
    )
    total = year.select_one("table:has(caption#caption-wijken) tfoot td").get_text(strip=True)
    assert total == "14"  # the input of January 2025 is older
    assert year.select_one(f"main a[href='{WIJKEN}']") is not None  # Zuid has no figure
    everything = page(client.get(f"{REACH}?periode=alles"))
    assert everything.select_one("table:has(caption#caption-wijken) tfoot td").get_text() == "15"
    # An unknown period is the default one, not an error.
    assert client.get(f"{REACH}?periode=%3Cscript%3E").status_code == 200


def test_a_gemeente_without_input_is_told_so(staff, wijken):
    soup = page(staff("moderator").get(REACH))
    assert "In deze periode kwam er nog geen inbreng." in soup.get_text(" ", strip=True)


@pytest.mark.parametrize("role, status", [("wijkteam", 403), ("policy", 200), ("moderator", 200)])
def test_who_may_read_the_reach_page(staff, role, status):
    assert staff(role).get(REACH).status_code == status


def test_the_reach_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(REACH)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/medewerkers/inloggen")


def test_the_staff_navigation_links_to_the_reach_page(staff):
    nav = page(staff("policy").get("/medewerkers/")).select_one("nav.staff-nav")
    assert nav.select_one(f"a[href='{REACH}']").get_text(strip=True) == "Bereik"


# --- inhabitants per wijk, kept by administrators ------------------------------------------------


def _save_wijk(client, token, row_id, name, inhabitants, active=True):
    data = {"csrf_token": token, f"w{row_id}-name": name, f"w{row_id}-inhabitants": inhabitants}
    if active:
        data[f"w{row_id}-active"] = "y"
    return client.post(f"{WIJKEN}/{row_id}", data=data)


def test_an_admin_fills_in_the_inhabitants_of_a_wijk(staff, db, wijken):
    admin = staff("admin")
    token = csrf_token(admin, WIJKEN)
    noord = wijken["Noord"]
    for typed, stored in (("12.500", 12500), ("8 400", 8400), (" 3100 ", 3100), ("0", 0)):
        response = _save_wijk(admin, token, noord, "Noord", typed)
        assert response.status_code == 302, typed
        db.expire_all()
        assert db.get(Neighbourhood, noord).inhabitants == stored
    shown = page(admin.get(WIJKEN)).select_one(f"input[id='w{noord}-inhabitants']")
    assert shown["value"] == "0" and shown["inputmode"] == "numeric"
    assert _save_wijk(admin, token, noord, "Noord", "").status_code == 302  # not known after all
    db.expire_all()
    assert db.get(Neighbourhood, noord).inhabitants is None

    changes = [
        (e.before, e.after)
        for e in db.scalars(
            select(AuditEvent).where(AuditEvent.record_id == noord).order_by(AuditEvent.id)
        )
        if e.action == "neighbourhood.update"
    ]
    assert changes[0] == ({"inhabitants": None}, {"inhabitants": 12500})
    assert changes[-1] == ({"inhabitants": 0}, {"inhabitants": None})


def test_a_new_wijk_can_come_with_its_inhabitants(staff, db, wijken):
    admin = staff("admin")
    token = csrf_token(admin, WIJKEN)
    response = admin.post(
        WIJKEN, data={"csrf_token": token, "name": "West", "inhabitants": "4.321"}
    )
    assert response.status_code == 302
    assert db.scalar(select(Neighbourhood.inhabitants).where(Neighbourhood.name == "West")) == 4321


BAD_INHABITANTS = [
    ("-5", "Het aantal inwoners kan niet kleiner zijn dan 0."),
    ("−1200", "Het aantal inwoners kan niet kleiner zijn dan 0."),
    (
        "veel",
        "Vul het aantal inwoners in met cijfers, zoals 12500. "
        "Weet u het niet? Laat het veld dan leeg.",
    ),
    (
        "12,5",
        "Vul het aantal inwoners in met cijfers, zoals 12500. "
        "Weet u het niet? Laat het veld dan leeg.",
    ),
    ("99999999", "Dit aantal is te groot. Vul het aantal inwoners van de wijk in."),
    ("1" * 30, "Vul een aantal in van hoogstens 8 cijfers."),
]


@pytest.mark.parametrize("typed, message", BAD_INHABITANTS)
def test_a_wrong_number_of_inhabitants_is_refused_and_kept(staff, db, wijken, typed, message):
    admin = staff("admin")
    token = csrf_token(admin, WIJKEN)
    oost = wijken["Oost"]
    response = _save_wijk(admin, token, oost, "Oostpoort", typed)
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout: ")
    field = soup.select_one(f"input[id='w{oost}-inhabitants']")
    assert field["value"] == typed and field["aria-invalid"] == "true"
    assert f"w{oost}-inhabitants-error" in field["aria-describedby"]
    error = soup.select_one(f"[id='w{oost}-inhabitants-error']").get_text(" ", strip=True)
    assert error.removeprefix("Fout: ") == message
    assert soup.select_one(f".error-summary a[href='#w{oost}-inhabitants']").get_text() == message
    assert soup.select_one(f"input[id='w{oost}-name']")["value"] == "Oostpoort"
    db.expire_all()
    row = db.get(Neighbourhood, oost)
    assert (row.name, row.inhabitants) == ("Oost", None)


def test_a_wrong_number_for_a_new_wijk_keeps_what_was_typed(staff, db, wijken):
    admin = staff("admin")
    token = csrf_token(admin, WIJKEN)
    response = admin.post(WIJKEN, data={"csrf_token": token, "name": "West", "inhabitants": "-3"})
    assert response.status_code == 400
    soup = page(response)
    assert soup.select_one("input#inhabitants")["value"] == "-3"
    assert soup.select_one("input#name")["value"] == "West"
    assert db.scalar(select(Neighbourhood).where(Neighbourhood.name == "West")) is None


def test_the_database_refuses_a_negative_number_of_inhabitants_too(db, wijken):
    from sqlalchemy.exc import IntegrityError

    db.get(Neighbourhood, wijken["Noord"]).inhabitants = -1
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


@pytest.mark.parametrize("role", ["moderator", "policy", "wijkteam"])
def test_only_administrators_change_the_inhabitants(staff, db, wijken, role):
    client = staff(role)
    noord = wijken["Noord"]
    token = csrf_token(client, "/medewerkers/")
    data = {"csrf_token": token, f"w{noord}-name": "Noord", f"w{noord}-inhabitants": "100"}
    assert client.post(f"{WIJKEN}/{noord}", data=data).status_code == 403
    assert client.get(WIJKEN).status_code == 403
    assert db.get(Neighbourhood, noord).inhabitants is None


def test_the_demo_wijken_come_with_their_inhabitants(db, writer):
    from portal.domain import demo

    demo.load(writer)
    writer.commit()
    numbers = dict(db.execute(select(Neighbourhood.name, Neighbourhood.inhabitants)).all())
    assert set(numbers) == set(demo.NEIGHBOURHOODS)
    assert all(1000 < number < 50_000 for number in numbers.values())
