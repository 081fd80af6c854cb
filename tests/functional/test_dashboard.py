"""The staff dashboard: its figures on a known gemeente, the tables on the page, the period
filter (and what a wrong date does) and who may read it. Runs on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from portal.domain import dashboard
from portal.domain.dashboard import Period
from portal.models import Experience, Neighbourhood, Submission, Theme, theme_submission
from tests.conftest import START, add_submission, page

DASHBOARD = "/medewerkers/dashboard"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
A_MONTH = 60 * 24 * 31  # minutes: START + A_MONTH is in June 2024
# The period of the known gemeente below, so that its months are the ones shown.
UNTIL_JUNE = {"until": "2024-06-30"}


def in_theme(db, theme: Theme, *rows: Submission) -> None:
    db.execute(
        theme_submission.insert(),
        [{"theme_id": theme.id, "submission_id": row.id, "assigned_at": START} for row in rows],
    )
    db.commit()


def me_too(db, theme: Theme, person: str, channel: str = "web", when: datetime = START) -> None:
    db.add(
        Experience(
            theme_id=theme.id, person_key=person, language="nl", channel=channel, created_at=when
        )
    )
    db.commit()


@pytest.fixture
def gemeente(db, wijken):
    """Known input in May and June 2024, in two themes (and one merged theme).

    Counted: five obstacles and ideas and one "me too". Not counted: a contributor's
    evaluation, and a "me too" left behind on the merged theme.
    """
    noord, oost = wijken["Noord"], wijken["Oost"]
    s1 = add_submission(db, "Stoep te smal", 0, height=5, neighbourhood_id=noord)
    s2 = add_submission(db, "Stoep vol", 1, channel="paper", height=4, neighbourhood_id=noord)
    s3 = add_submission(db, "Meer bussen", 2, kind="idea", neighbourhood_id=oost)
    s4 = add_submission(db, "Geen bankjes", 3, channel="assisted", height=2)
    s5 = add_submission(db, "Bus te vol", A_MONTH, height=5, neighbourhood_id=noord)
    evaluation = add_submission(db, "Het helpt", 4, kind="evaluation", neighbourhood_id=oost)
    stoepen, bus = Theme(title="Stoepen"), Theme(title="Bus")
    db.add_all([stoepen, bus])
    db.commit()
    merged = Theme(title="Stoepen oud", merged_into_id=stoepen.id)
    db.add(merged)
    db.commit()
    in_theme(db, stoepen, s1, s2, s4, evaluation)
    in_theme(db, bus, s3, s5)
    in_theme(db, merged, s5)
    me_too(db, stoepen, "iemand", when=START + timedelta(days=1))
    me_too(db, merged, "iemand", when=START + timedelta(days=1))
    return {"stoepen": stoepen.id, "bus": bus.id, "noord": noord, "oost": oost}


# --- the figures ---------------------------------------------------------------------------


def test_channel_mix_counts_submissions_and_me_too_once_each(db, gemeente):
    assert dashboard.channel_mix(db) == {"web": 4, "paper": 1, "assisted": 1, "phone": 0}


def test_inputs_per_wijk_lists_every_wijk_also_without_input(db, gemeente):
    wijken = dashboard.inputs_per_wijk(db)
    assert [(wijk.name, wijk.inputs) for wijk in wijken.wijken] == [
        ("Noord", 3),
        ("Oost", 1),
        ("Zuid", 0),
    ]
    assert (wijken.without_wijk, wijken.total) == (1, 5)


def test_inputs_per_month_has_twelve_months_with_the_empty_ones(db, gemeente):
    months = dashboard.inputs_per_month(db, today=date(2024, 6, 15))
    assert [row.month for row in months][:2] == [date(2023, 7, 1), date(2023, 8, 1)]
    assert len(months) == 12
    counted = {row.month: row.inputs for row in months if row.inputs}
    assert counted == {date(2024, 5, 1): 5, date(2024, 6, 1): 1}


def test_months_follow_the_gemeentes_clock(db):
    # 31 May 22:30 UTC is 1 June 00:30 in Amsterdam (summer time).
    late_in_may = datetime(2024, 5, 31, 22, 30, tzinfo=UTC)
    add_submission(db, minutes=int((late_in_may - START).total_seconds() // 60))
    period = Period(end=date(2024, 6, 30))
    in_utc = dashboard.inputs_per_month(db, period, months=2)
    in_amsterdam = dashboard.inputs_per_month(db, period, zone=AMSTERDAM, months=2)
    assert [row.inputs for row in in_utc] == [1, 0]
    assert [row.inputs for row in in_amsterdam] == [0, 1]
    june = Period(start=date(2024, 6, 1))
    assert dashboard.channel_mix(db, june, zone=AMSTERDAM)["web"] == 1
    assert dashboard.channel_mix(db, june)["web"] == 0


def test_themes_by_wijk_shows_the_themes_with_most_input_first(db, gemeente):
    themes = dashboard.themes_by_wijk(db)
    assert [(row.theme.title, row.total) for row in themes.rows] == [("Stoepen", 3), ("Bus", 2)]
    assert themes.rows[0].per_wijk == {gemeente["noord"]: 2, None: 1}
    assert themes.rows[1].per_wijk == {gemeente["noord"]: 1, gemeente["oost"]: 1}
    assert themes.unknown_wijk and themes.themes_with_input == 2
    assert [wijk.name for wijk in themes.wijken] == ["Noord", "Oost", "Zuid"]
    top = dashboard.themes_by_wijk(db, limit=1)
    assert [row.theme.title for row in top.rows] == ["Stoepen"]
    assert top.themes_with_input == 2


def test_heights_per_theme_count_obstacles_by_height(db, gemeente):
    heights = dashboard.heights_per_theme(db)
    assert [(row.theme.title, row.heights) for row in heights.rows] == [
        ("Stoepen", {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}),
        ("Bus", {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}),
    ]
    assert heights.themes_with_heights == 2


def test_a_period_limits_every_figure(db, gemeente):
    june = Period(date(2024, 6, 1), date(2024, 6, 30))
    figures = dashboard.dashboard(db, june, today=date(2024, 7, 10))
    assert figures.inputs == 1
    assert figures.channels["web"] == 1
    assert [wijk.inputs for wijk in figures.wijken.wijken] == [1, 0, 0]
    assert [row.theme.title for row in figures.themes_by_wijk.rows] == ["Bus"]
    assert [row.total for row in figures.heights.rows] == [1]
    assert [row.month for row in figures.months] == [date(2024, 6, 1)]
    may = Period(end=date(2024, 5, 31))
    assert dashboard.dashboard(db, may, today=date(2024, 7, 10)).inputs == 5


def test_a_period_from_the_middle_of_a_month_counts_that_month_from_then(db, gemeente):
    period = Period(date(2024, 5, 15), date(2024, 6, 30))
    months = dashboard.inputs_per_month(db, period, today=date(2024, 7, 10))
    assert [(row.month, row.inputs) for row in months] == [
        (date(2024, 5, 1), 0),
        (date(2024, 6, 1), 1),
    ]


def test_nothing_to_count_gives_zeros_not_errors(db):
    figures = dashboard.dashboard(db, today=date(2024, 6, 15))
    assert figures.inputs == 0
    assert len(figures.months) == 12 and not any(row.inputs for row in figures.months)
    assert figures.themes_by_wijk.rows == [] and figures.heights.rows == []


# --- the page --------------------------------------------------------------------------------


def table(soup, table_id: str) -> dict[str, list[str]]:
    """A table as {row header: [cells]}, footer included."""
    found = soup.find("table", id=table_id)
    assert found is not None, f"no table #{table_id}"
    assert found.caption and found.caption.get_text(strip=True)
    assert all(th.get("scope") == "col" for th in found.thead.find_all("th"))
    rows = {}
    for row in found.find_all("tr")[1:]:
        header = row.find("th", scope="row")
        rows[header.get_text(" ", strip=True)] = [
            cell.get_text(" ", strip=True) for cell in row.find_all("td")
        ]
    return rows


def test_the_tables_on_the_page_show_the_figures(staff, gemeente):
    client = staff("policy")
    response = client.get(DASHBOARD, query_string=UNTIL_JUNE)
    assert response.status_code == 200
    soup = page(response)
    assert table(soup, "kanalen-table") == {
        "Website": ["4", "67%"],
        "Papier": ["1", "17%"],
        "Met hulp": ["1", "17%"],
        "Telefoon": ["0", "0%"],
        "Samen": ["6", "100%"],
    }
    assert table(soup, "wijken-table") == {
        "Noord": ["3"],
        "Oost": ["1"],
        "Zuid": ["0"],
        "Geen wijk gekozen": ["1"],
        "Samen": ["5"],
    }
    months = table(soup, "per-maand-table")
    assert len(months) == 13  # twelve months and the total
    assert months["mei 2024"] == ["5"] and months["juni 2024"] == ["1"]
    assert months["juli 2023"] == ["0"] and months["Samen"] == ["6"]
    assert table(soup, "themas-per-wijk-table") == {
        "Stoepen": ["2", "0", "0", "1", "3"],
        "Bus": ["1", "1", "0", "0", "2"],
    }
    assert table(soup, "hoogtes-table") == {
        "Stoepen": ["0", "1", "0", "1", "1", "3"],
        "Bus": ["0", "0", "0", "0", "1", "1"],
    }
    # Every chart is an image with a name and a description that says the main point.
    svgs = soup.find_all("svg", attrs={"role": "img"})
    assert len(svgs) == 4
    for svg in svgs:
        title, desc = svg["aria-labelledby"].split()
        assert soup.find(id=title).name == "title" and soup.find(id=desc).name == "desc"
    channels = soup.find(id="kanalen-chart-desc").get_text()
    assert "Website (67%)" in channels
    assert "Noord" in soup.find(id="wijken-chart-desc").get_text()
    assert "Zuid" in soup.find(id="wijken-chart-desc").get_text()  # who is missing
    headings = [h.get_text(strip=True) for h in soup.select("main h1, main h2")]
    assert headings[0].startswith("Dashboard") and len(headings) == 6


def test_reach_per_wijk_is_per_thousand_inhabitants_when_they_are_known(staff, db, gemeente):
    db.execute(update(Neighbourhood).where(Neighbourhood.name == "Noord").values(inhabitants=1500))
    db.execute(update(Neighbourhood).where(Neighbourhood.name == "Oost").values(inhabitants=400))
    db.commit()
    soup = page(staff("policy").get(DASHBOARD, query_string=UNTIL_JUNE))
    assert table(soup, "wijken-table") == {
        "Noord": ["3", "1.500", "2,0"],
        "Oost": ["1", "400", "2,5"],
        "Zuid": ["0", "Onbekend", "–"],
        "Geen wijk gekozen": ["1", "–", "–"],
        "Hele gemeente": ["5", "1.900", "2,1"],
    }
    description = soup.find(id="wijken-chart-desc").get_text()
    assert "Oost: 2,5 per 1.000 inwoners" in description


def test_the_date_filter_limits_the_tables(staff, gemeente):
    response = staff("policy").get(DASHBOARD, query_string={"since": "2024-06-01", **UNTIL_JUNE})
    assert response.status_code == 200
    soup = page(response)
    assert table(soup, "kanalen-table")["Samen"] == ["1", "100%"]
    assert table(soup, "wijken-table")["Noord"] == ["1"]
    assert list(table(soup, "themas-per-wijk-table")) == ["Bus"]
    assert soup.find(id="since")["value"] == "2024-06-01"
    assert "1 juni 2024" in soup.main.get_text()


@pytest.mark.parametrize(
    "args, field, message",
    [
        ({"since": "1-6-2024"}, "since", "jaar-maand-dag"),
        ({"until": "2024-02-30"}, "until", "jaar-maand-dag"),
        ({"since": "1899-01-01"}, "since", "tussen 2000 en 2099"),
        ({"until": "9999-12-31"}, "until", "tussen 2000 en 2099"),
        ({"since": "2024-06-01", "until": "2024-05-01"}, "until", "latere datum"),
        ({"since": "x" * 5000}, "since", "jaar-maand-dag"),
    ],
)
def test_a_wrong_date_is_explained_and_kept(staff, args, field, message):
    response = staff("policy").get(DASHBOARD, query_string=args)
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout:")
    summary = soup.select_one(f".error-summary a[href='#{field}']")
    assert summary is not None and message in summary.get_text()
    typed = soup.find(id=field)
    assert typed["value"] == args[field] and typed["aria-invalid"] == "true"
    assert message in soup.find(id=f"{field}-error").get_text()
    assert soup.find("svg") is None


def test_an_empty_gemeente_gives_a_dashboard_that_says_so(staff):
    response = staff("policy").get(DASHBOARD)
    assert response.status_code == 200
    soup = page(response)
    assert "geen inbreng" in soup.find(id="kanalen-chart-desc").get_text()
    assert soup.find(id="per-maand-chart").find("text").get_text()


def test_the_dashboard_is_in_arabic_from_right_to_left(staff, gemeente):
    client = staff("policy")
    response = client.get(DASHBOARD, query_string={"lang": "ar", **UNTIL_JUNE})
    assert response.status_code == 200
    soup = page(response)
    assert soup.html["dir"] == "rtl"
    assert {svg["direction"] for svg in soup.find_all("svg", attrs={"role": "img"})} == {"rtl"}


@pytest.mark.parametrize("role, status", [("policy", 200), ("moderator", 200), ("admin", 200)])
def test_readers_may_see_the_dashboard(staff, role, status):
    assert staff(role).get(DASHBOARD).status_code == status


def test_the_wijkteam_and_strangers_may_not(staff, client):
    assert staff("wijkteam").get(DASHBOARD).status_code == 403
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/medewerkers/inloggen")
