"""The SVG charts and their tables (portal.charts): well-formed, named and described for
screen readers, readable without colour, safe under the CSP, and mirrored right to left."""

import re
from xml.etree import ElementTree

import pytest

from portal import charts

SVG = "{http://www.w3.org/2000/svg}"
WIJKEN = ["Noord", "Oost", "Zuid"]


def bars(chart_id="wijken", direction="ltr", **overrides):
    arguments = {
        "title": "Inbreng per wijk",
        "description": "De meeste inbreng kwam uit Noord.",
        "labels": WIJKEN,
        "values": [42, 7, 0],
        "empty_text": "Geen inbreng.",
        "direction": direction,
    }
    return charts.bar_chart(chart_id, **{**arguments, **overrides})


def stacked(chart_id="hoogtes", direction="ltr", **overrides):
    arguments = {
        "title": "Hoogte van de obstakels",
        "description": "De meeste hoge obstakels zijn er bij Stoepen.",
        "labels": ["Stoepen", "Bus"],
        "series": ["1", "2", "3", "4", "5"],
        "values": [[1, 0, 2, 10, 30], [4, 4, 0, 0, 1]],
        "notes": ["43", "9"],
        "legend_title": "Hoogte",
        "empty_text": "Geen obstakels.",
        "ordinal": True,
        "direction": direction,
    }
    return charts.stacked_bar_chart(chart_id, **{**arguments, **overrides})


def share(chart_id="kanalen", direction="ltr", values=(62, 25, 10, 3)):
    total = sum(values) or 1
    shares = [f"{round(100 * value / total)}%" for value in values]
    names = ["Website", "Papier", "Met hulp", "Telefoon"]
    return charts.share_bar(
        chart_id,
        title="Kanalen",
        description="De meeste inbreng kwam via de website (62%).",
        labels=names,
        values=list(values),
        share_texts=shares,
        legend_texts=[f"{n}: {s} ({v})" for n, s, v in zip(names, shares, values, strict=True)],
        empty_text="Geen inbreng.",
        direction=direction,
    )


def columns(chart_id="maanden", direction="ltr", values=None):
    values = values if values is not None else [3, 0, 12, 40, 7, 1, 0, 0, 9, 11, 25, 60]
    months = ["jun", "jul", "aug", "sep", "okt", "nov", "dec", "jan", "feb", "mrt", "apr", "mei"]
    return charts.column_chart(
        chart_id,
        title="Inbreng per maand",
        description="De drukste maand was mei 2025.",
        labels=months,
        sublabels=["2024", *[""] * 6, "2025", *[""] * 4],
        values=values,
        empty_text="Geen inbreng in deze maanden.",
        direction=direction,
    )


EVERY_CHART = [bars, stacked, share, columns]


def parsed(markup) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def texts(svg: ElementTree.Element) -> list[str]:
    return [
        "".join(element.itertext()).strip()
        for element in svg.iter(f"{SVG}text")
        if element.get("display") != "none"
    ]


def ids(svg: ElementTree.Element) -> list[str]:
    return [element.get("id") for element in svg.iter() if element.get("id")]


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
@pytest.mark.parametrize("chart", EVERY_CHART)
def test_every_chart_is_a_named_and_described_image(chart, direction):
    svg = parsed(chart(direction=direction))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%" and svg.get("height").isdigit()
    title_id, desc_id = svg.get("aria-labelledby").split()
    by_id = {element.get("id"): element for element in svg.iter() if element.get("id")}
    assert by_id[title_id].tag == f"{SVG}title" and by_id[title_id].text
    assert by_id[desc_id].tag == f"{SVG}desc" and by_id[desc_id].text
    # The title comes first, so it names the image everywhere, also as a tooltip.
    assert svg[0].tag == f"{SVG}title"


@pytest.mark.parametrize("chart", EVERY_CHART)
def test_no_style_attribute_or_element_for_the_csp(chart):
    markup = str(chart()) + str(chart(direction="rtl"))
    assert "style=" not in markup and "<style" not in markup
    assert "<script" not in markup


def test_two_charts_on_one_page_share_no_id_and_fill_with_their_own_patterns():
    page = [parsed(stacked("a")), parsed(stacked("b")), parsed(share("c")), parsed(share("d"))]
    every_id = [element_id for svg in page for element_id in ids(svg)]
    assert len(every_id) == len(set(every_id))
    for svg in page:
        own = set(ids(svg))
        used = {
            match
            for element in svg.iter()
            for match in re.findall(r"url\(#([^)]+)\)", element.get("fill") or "")
        }
        assert used and used <= own, "every pattern a chart uses is defined in that chart"


def test_a_chart_id_must_be_usable_as_an_id():
    for wrong in ("", "1st", "a b", 'x"y', "<svg>"):
        with pytest.raises(ValueError):
            bars(chart_id=wrong)


def test_bars_write_their_values_beside_them():
    svg = parsed(bars(value_texts=["42", "7", "0"]))
    written = texts(svg)
    assert {"Noord", "Oost", "Zuid", "42", "7", "0"} <= set(written)
    # A bar of 0 is not drawn; the others grow with their value.
    widths = [rect.get("width") for rect in svg.iter(f"{SVG}rect")]
    assert widths == ["78%", "13%"]


def test_values_can_be_written_as_the_reader_writes_numbers():
    svg = parsed(bars(values=[1234.5, 12.25, 0.5], value_texts=["1.234,5", "12,3", "0,5"]))
    assert {"1.234,5", "12,3", "0,5"} <= set(texts(svg))


def test_stacked_bars_show_counts_that_fit_notes_and_a_legend():
    svg = parsed(stacked())
    written = texts(svg)
    assert {"Stoepen", "Bus", "43", "9", "Hoogte", "1", "5", "30", "10"} <= set(written)
    # Every part of a row is a rect of its own share; the parts of a row add up to 100%.
    rows = [
        [
            float(rect.get("width").rstrip("%"))
            for rect in group.iter(f"{SVG}rect")
            if rect.get("height") == "24" and rect.get("fill") != "none"
        ]
        for group in svg.iter(f"{SVG}g")
    ]
    assert [round(sum(row)) for row in rows] == [100, 100]


def test_an_ordinal_scale_goes_from_light_patterns_to_solid():
    svg = parsed(stacked())
    swatches = [rect.get("fill") for rect in svg.iter(f"{SVG}rect") if rect.get("width") == "18"]
    assert swatches[0] == "url(#hoogtes-fill-dots)"
    assert swatches[-1] == charts.BLUE
    assert len(set(swatches)) == 5


def test_the_share_bar_names_every_part_in_its_legend():
    written = texts(parsed(share()))
    for legend in ("Website: 62% (62)", "Papier: 25% (25)", "Telefoon: 3% (3)"):
        assert legend in written
    assert "62%" in written  # written inside the widest part too


def test_columns_carry_their_values_and_months():
    svg = parsed(columns())
    written = texts(svg)
    assert {"jun", "mei", "2024", "2025", "60", "0"} <= set(written)
    heights = [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")]
    assert max(heights) == 150 and len(heights) == 9  # three months without input


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bars(labels=[], values=[]),
        lambda: bars(values=[0, 0, 0]),
        lambda: stacked(labels=[], values=[], notes=[]),
        lambda: stacked(values=[[0] * 5, [0] * 5]),
        lambda: share(values=(0, 0, 0, 0)),
        lambda: columns(values=[0] * 12),
    ],
)
def test_no_data_gives_a_chart_that_says_so(chart):
    svg = parsed(chart())
    assert svg.get("role") == "img"
    written = texts(svg)
    assert len(written) == 1 and written[0].startswith("Geen")
    assert svg.find(f"{SVG}desc").text == written[0]


def test_labels_are_escaped_and_long_ones_shortened():
    long_title = "Een heel lang thema over de stoep " * 4
    svg = parsed(bars(labels=["<b>Noord</b> & co", long_title, "Zuid"]))
    written = texts(svg)
    assert "<b>Noord</b> & co" in written
    drawn = next(text for text in written if text.startswith("Een heel"))
    assert drawn.endswith("…") and len(drawn) <= charts.LABEL_MAX_CHARS
    # A narrow screen shows a shorter twin, hidden unless the stylesheet shows it.
    twin = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "chart__short"]
    assert len(twin) == 1 and twin[0].get("display") == "none"
    assert len(twin[0].text) <= charts.SHORT_LABEL_MAX_CHARS


def test_right_to_left_mirrors_the_bars():
    ltr, rtl = parsed(bars()), parsed(bars(direction="rtl"))
    assert ltr.get("direction") == "ltr" and rtl.get("direction") == "rtl"
    first = [rect for rect in ltr.iter(f"{SVG}rect")][0]
    mirrored = [rect for rect in rtl.iter(f"{SVG}rect")][0]
    assert first.get("x") == "0%" and mirrored.get("x") == "22%"
    assert first.get("width") == mirrored.get("width") == "78%"
    labels = [t for t in rtl.iter(f"{SVG}text") if t.text == "Noord"]
    assert labels[0].get("x") == "100%" and labels[0].get("text-anchor") == "start"
    values = [t for t in rtl.iter(f"{SVG}text") if t.text == "42"]
    assert values[0].get("x") == "22%" and float(values[0].get("dx")) < 0


def test_right_to_left_runs_time_from_the_right():
    ltr, rtl = parsed(columns()), parsed(columns(direction="rtl"))

    def first_month_x(svg):
        return next(t.get("x") for t in svg.iter(f"{SVG}text") if t.text == "jun")

    assert float(first_month_x(ltr).rstrip("%")) < 10
    assert float(first_month_x(rtl).rstrip("%")) > 90


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        bars(direction="up")


def test_mismatched_data_is_refused():
    with pytest.raises(ValueError):
        bars(values=[1, 2])
    with pytest.raises(ValueError):
        stacked(values=[[1, 2, 3, 4, 5], [1, 2]])
    with pytest.raises(ValueError):
        bars(value_texts=["1"])


def test_a_data_table_has_a_caption_and_headers_with_scope():
    markup = charts.data_table(
        "kanalen-tabel",
        caption="Inbreng per kanaal",
        headers=["Kanaal", "Inbreng"],
        rows=[["Website", "4"], ["Papier <1>", "1"]],
        footer=["Samen", "5"],
    )
    table = parsed(markup).find("table")
    assert table.get("id") == "kanalen-tabel"
    assert table.find("caption").text == "Inbreng per kanaal"
    assert [th.get("scope") for th in table.find("thead").iter("th")] == ["col", "col"]
    rows = table.find("tbody").findall("tr")
    assert [row.find("th").get("scope") for row in rows] == ["row", "row"]
    assert rows[1].find("th").text == "Papier <1>"
    assert table.find("tfoot").find("tr").find("td").text == "5"
    region = parsed(markup)
    assert region.get("role") == "region" and region.get("tabindex") == "0"
    assert region.get("aria-labelledby") == "kanalen-tabel-caption"


def test_a_heat_table_writes_every_count_and_shades_by_it():
    markup = charts.heat_table(
        "themas",
        caption="Inbreng per thema en per wijk",
        corner="Thema",
        columns=WIJKEN,
        rows=[("Stoepen", [8, 1, 0]), ("Bus", [2, 4, 0])],
        totals_header="Samen",
        number=lambda value: f"n{value}",
        scrolls=False,
    )
    table = parsed(markup)
    cells = [
        (td.text, td.get("class"))
        for row in table.find("tbody").findall("tr")
        for td in row
        if td.tag == "td"
    ]
    assert cells == [
        ("n8", "number heat heat--4"),
        ("n1", "number heat heat--1"),
        ("n0", "number heat heat--0"),
        ("n9", "number"),
        ("n2", "number heat heat--1"),
        ("n4", "number heat heat--2"),
        ("n0", "number heat heat--0"),
        ("n6", "number"),
    ]


def test_heat_levels_go_from_nothing_to_the_most():
    assert [charts.heat_level(value, 8) for value in (0, 1, 2, 3, 5, 8)] == [0, 1, 1, 2, 3, 4]
    assert charts.heat_level(3, 0) == 0
