"""Charts as inline SVG, drawn on the server: bars, stacked bars, columns and a share bar,
and the tables that carry their figures.

Each function takes plain data and the words to show (already translated by the caller)
and returns Markup, so a page and a PDF (WeasyPrint draws inline SVG) use the same charts.
Nothing here reads a request or needs an app.

What every chart does, so that it reads for everyone:

* an `<svg role="img">` named by its `<title>` and `<desc>`; the description states the
  main point in words, and the figures follow the chart as a table (`data_table`);
* series differ by pattern as well as by shade, and values are written on or next to
  their bars, so a chart reads in black and white and without telling colours apart;
* no `style`: presentation attributes only, which the Content-Security-Policy allows;
* widths in percentages and everything else in pixels, without a viewBox: the chart takes
  the width it is given, from a phone to A4, and its text keeps its size instead of
  shrinking with the drawing;
* right to left (`direction="rtl"`) mirrors the chart: bars grow from the right, and the
  text anchors, being logical ("start", "end"), follow the direction.
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "charts"

# The portal's text colour and the brand blue: 17:1 and 10:1 against white, so text and
# lines stay readable (AA asks 4.5:1 for text, 3:1 for graphics), also printed in grey.
INK = "#1b1b1b"
BLUE = "#154273"
TINT = "#e3ebf5"
FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', Arial, "
    "sans-serif"
)

# Fills for the series of a stacked chart. Categories take them in this order, so the
# first ones differ most; an ordered scale (obstacle heights) goes from light to dark.
CATEGORICAL_FILLS = ("solid", "diagonal", "dots", "crosshatch", "horizontal", "grid")
ORDINAL_FILLS = ("dots", "horizontal", "diagonal", "crosshatch", "solid")

# The longest label drawn in full; the table beside the chart always has the whole text.
# A narrow screen shows a shorter twin of a long label instead (see static/portal.css):
# a drawing cannot wrap its text.
LABEL_MAX_CHARS = 64
SHORT_LABEL_MAX_CHARS = 26
# Room kept after the longest bar for its value.
BAR_SHARE = 78.0
# Room kept at both ends of a column chart, in percent of its width.
COLUMN_INSET = 2.0
# Roughly how wide a digit is at the size values are written (13 px), and how wide the
# narrowest chart (a phone of 320 px) is: a value goes inside a segment only where it fits.
DIGIT_PX = 7.5
NARROWEST_PX = 288

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,60}$")
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)
_env.globals.update(ink=INK, blue=BLUE, tint=TINT, font=FONT, digit_px=DIGIT_PX)


# --- what a template draws ----------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    id: str
    title: str
    description: str
    direction: str
    height: int
    fills: tuple[tuple[str, str], ...] = ()  # (pattern id, fill kind) the chart uses


@dataclass(frozen=True)
class _Span:
    """A horizontal stretch in percent of the chart's width, already mirrored for RTL."""

    x: str
    width: str


@dataclass(frozen=True)
class _Label:
    text: str
    short: str | None  # for narrow screens, when `text` is too long for them


@dataclass(frozen=True)
class _Bar:
    label: _Label
    value_text: str
    bar: _Span | None
    value_x: str  # where the value is written, with `dx` pixels away from the bar
    y: int


@dataclass(frozen=True)
class _Segment:
    span: _Span
    fill: str  # a colour or url(#pattern)
    text: str | None  # the value, written in a white label when it fits
    middle: str


@dataclass(frozen=True)
class _StackedRow:
    label: _Label
    note: str
    segments: tuple[_Segment, ...]
    y: int


@dataclass(frozen=True)
class _Legend:
    fill: str
    text: str
    x: str
    y: int


@dataclass(frozen=True)
class _Column:
    x: str
    width: str
    middle: str
    top: float
    height: float
    label: str
    sublabel: str
    value_text: str
    minor: bool


class _Mirror:
    """Positions in percent of the width, measured from the start side of the text."""

    def __init__(self, direction: str):
        if direction not in ("ltr", "rtl"):
            raise ValueError(f"direction must be 'ltr' or 'rtl', not {direction!r}")
        self.rtl = direction == "rtl"

    def x(self, percent: float) -> str:
        return _percent(100 - percent if self.rtl else percent)

    def span(self, start: float, width: float) -> _Span:
        left = 100 - start - width if self.rtl else start
        return _Span(_percent(left), _percent(width))

    def dx(self, pixels: float) -> float:
        """An offset towards the end side (left in RTL)."""
        return -pixels if self.rtl else pixels


def _percent(value: float) -> str:
    value = min(max(value, 0.0), 100.0)
    return f"{round(value, 3):g}%"


def _checked_id(chart_id: str) -> str:
    if not _ID.match(chart_id or ""):
        raise ValueError(f"a chart id is a letter then letters, digits, - or _: {chart_id!r}")
    return chart_id


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _label(text: str) -> _Label:
    text = " ".join(str(text).split())
    short = _cut(text, SHORT_LABEL_MAX_CHARS)
    return _Label(_cut(text, LABEL_MAX_CHARS), short if short != text else None)


def _number(value: float) -> str:
    """A value as written when the caller gives no text for it."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def _texts(values: Sequence[float], texts: Sequence[str] | None) -> list[str]:
    if texts is None:
        return [_number(value) for value in values]
    if len(texts) != len(values):
        raise ValueError("give one text per value")
    return [str(text) for text in texts]


def _fits(text: str, share: float) -> bool:
    """Whether `text` fits inside a segment of `share` percent on the narrowest screen."""
    return share * NARROWEST_PX / 100 >= len(text) * DIGIT_PX + 10


def _fills(chart_id: str, kinds: Sequence[str]) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """The fill of each series, and the patterns to define for them."""
    fills, patterns = [], []
    for kind in kinds:
        if kind == "solid":
            fills.append(BLUE)
        else:
            pattern_id = f"{chart_id}-fill-{kind}"
            fills.append(f"url(#{pattern_id})")
            if (pattern_id, kind) not in patterns:
                patterns.append((pattern_id, kind))
    return fills, tuple(patterns)


def _fill_kinds(count: int, ordinal: bool) -> list[str]:
    palette = ORDINAL_FILLS if ordinal else CATEGORICAL_FILLS
    if count > len(palette):
        raise ValueError(f"at most {len(palette)} series can be told apart")
    if ordinal:  # spread over the scale, always ending on the darkest
        return [palette[len(palette) - count + i] for i in range(count)]
    return list(palette[:count])


def _render(template: str, **context) -> Markup:
    html = _env.get_template(template).render(**context)
    return Markup("\n".join(line for line in html.splitlines() if line.strip()))  # noqa: S704


def _empty(frame: _Frame, empty_text: str) -> Markup:
    return _render(
        "empty.svg",
        frame=_Frame(frame.id, frame.title, empty_text, frame.direction, 40),
        mirror=_Mirror(frame.direction),
        text=empty_text,
    )


# --- the charts -------------------------------------------------------------------------


def bar_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float],
    value_texts: Sequence[str] | None = None,
    empty_text: str,
    direction: str = "ltr",
) -> Markup:
    """Horizontal bars, one per label, each with its value written after it.

    `value_texts` are the values as the reader should see them ("12,5"); by default the
    numbers themselves. When every value is 0 the chart says `empty_text` instead.
    """
    chart_id, mirror = _checked_id(chart_id), _Mirror(direction)
    if len(labels) != len(values):
        raise ValueError("give one label per value")
    texts = _texts(values, value_texts)
    top = max(values, default=0)
    frame = _Frame(chart_id, title, description, direction, 8 + 50 * len(values))
    if top <= 0:
        return _empty(frame, empty_text)
    bars = []
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        share = BAR_SHARE * max(value, 0) / top
        bars.append(
            _Bar(
                label=_label(label),
                value_text=text,
                bar=mirror.span(0, share) if share > 0 else None,
                value_x=mirror.x(share),
                y=8 + 50 * i,
            )
        )
    return _render("bars.svg", frame=frame, bars=bars, mirror=mirror)


def stacked_bar_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[int]],
    notes: Sequence[str] | None = None,
    legend_title: str = "",
    empty_text: str,
    ordinal: bool = False,
    number: Callable[[float], str] | None = None,
    direction: str = "ltr",
) -> Markup:
    """One bar per label, split into its series, each bar 100% wide: it shows how each
    row is made up (the heights of the obstacles in a theme), not how large it is.

    `notes` are written at the end of each label's line (how many in the row). The counts,
    as `number` writes them, go inside the parts they fit in; an `ordinal` series (1 to 5)
    is filled from light to dark, so the order shows without a legend too.
    """
    chart_id, mirror = _checked_id(chart_id), _Mirror(direction)
    number = number or _number
    if len(labels) != len(values) or any(len(row) != len(series) for row in values):
        raise ValueError("give one row of values per label, and one value per series")
    notes = list(notes) if notes is not None else [""] * len(labels)
    if len(notes) != len(labels):
        raise ValueError("give one note per label")
    fills, patterns = _fills(chart_id, _fill_kinds(len(series), ordinal))
    legend_top = 26 if legend_title else 0
    rows_top = legend_top + 40
    frame = _Frame(
        chart_id, title, description, direction, rows_top + 54 * len(labels) + 4, patterns
    )
    rows = [(label, row, note) for label, row, note in zip(labels, values, notes, strict=True)]
    if not any(sum(row) > 0 for _label, row, _note in rows):
        return _empty(frame, empty_text)
    slot = 100 / len(series)
    legend = [
        _Legend(fill, str(name), mirror.x(slot * i), legend_top + 8)
        for i, (fill, name) in enumerate(zip(fills, series, strict=True))
    ]
    drawn = []
    for i, (label, row, note) in enumerate(rows):
        drawn.append(
            _StackedRow(
                _label(label),
                str(note),
                _segments(mirror, row, fills, [number(value) for value in row]),
                rows_top + 54 * i,
            )
        )
    return _render(
        "stacked.svg",
        frame=frame,
        legend_title=legend_title,
        legend=legend,
        rows=drawn,
        mirror=mirror,
    )


def _segments(mirror: _Mirror, row, fills, texts) -> tuple[_Segment, ...]:
    total = sum(row)
    segments, start = [], 0.0
    for value, fill, text in zip(row, fills, texts, strict=True):
        if value <= 0 or total <= 0:
            continue
        share = 100 * value / total
        segments.append(
            _Segment(
                span=mirror.span(start, share),
                fill=fill,
                text=text if _fits(text, share) else None,
                middle=mirror.x(start + share / 2),
            )
        )
        start += share
    return tuple(segments)


def share_bar(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[int],
    share_texts: Sequence[str],
    legend_texts: Sequence[str],
    empty_text: str,
    direction: str = "ltr",
) -> Markup:
    """One bar of 100%, split into parts (how input came in: web, paper, ...).

    `share_texts` ("62%") are written inside the parts they fit in; `legend_texts`
    ("Website: 62% (124)") name each part beside its pattern, one a line, so every part
    is named in words even when it is too thin to write in.
    """
    chart_id, mirror = _checked_id(chart_id), _Mirror(direction)
    if not (len(labels) == len(values) == len(share_texts) == len(legend_texts)):
        raise ValueError("give one label, value, share and legend text per part")
    fills, patterns = _fills(chart_id, _fill_kinds(len(values), ordinal=False))
    frame = _Frame(chart_id, title, description, direction, 58 + 28 * len(values), patterns)
    if sum(values) <= 0:
        return _empty(frame, empty_text)
    segments = _segments(mirror, values, fills, [str(text) for text in share_texts])
    legend = [
        _Legend(fill, str(text), mirror.x(0), 58 + 28 * i)
        for i, (fill, text) in enumerate(zip(fills, legend_texts, strict=True))
    ]
    return _render("share.svg", frame=frame, segments=segments, legend=legend, mirror=mirror)


def column_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float],
    sublabels: Sequence[str] | None = None,
    value_texts: Sequence[str] | None = None,
    empty_text: str,
    direction: str = "ltr",
) -> Markup:
    """Columns along a time line (input per month), each with its value on top.

    `labels` name each column under it ("mrt"); `sublabels` go on a second line ("2025",
    best only where the year changes, and not on two columns side by side). In RTL time
    runs from right to left. On a narrow screen the stylesheet hides every other label
    (class chart__minor), always keeping the last; the table after the chart has them all.
    """
    chart_id, mirror = _checked_id(chart_id), _Mirror(direction)
    count = len(values)
    sublabels = list(sublabels) if sublabels is not None else [""] * count
    if len(labels) != count or len(sublabels) != count:
        raise ValueError("give one label and one sublabel per value")
    texts = _texts(values, value_texts)
    plot_top, plot_height = 24, 150
    base = plot_top + plot_height
    frame = _Frame(chart_id, title, description, direction, base + 44)
    top = max(values, default=0)
    if top <= 0:
        return _empty(frame, empty_text)
    # A little room at both ends, for the labels of the first and last column.
    inset = COLUMN_INSET
    slot = (100 - 2 * inset) / count
    columns = []
    for i, (label, sublabel, value, text) in enumerate(
        zip(labels, sublabels, values, texts, strict=True)
    ):
        height = plot_height * max(value, 0) / top
        width = slot * 0.62
        columns.append(
            _Column(
                x=mirror.span(inset + slot * i + (slot - width) / 2, width).x,
                width=_percent(width),
                middle=mirror.x(inset + slot * (i + 0.5)),
                top=round(base - height, 2),
                height=round(height, 2),
                label=str(label),
                sublabel=str(sublabel),
                value_text=text,
                minor=(count - 1 - i) % 2 == 1,  # every other one, keeping the last
            )
        )
    return _render("columns.svg", frame=frame, columns=columns, base=base, mirror=mirror)


# --- the figures as tables ----------------------------------------------------------------


def data_table(
    table_id: str,
    *,
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence],
    footer: Sequence | None = None,
    scrolls: bool = True,
) -> Markup:
    """A table of figures: `headers` over the columns, the first cell of each row (and of
    the `footer`, a totals row) a row header, the other cells aligned as numbers.

    With `scrolls`, the table sits in a labelled region that can be scrolled with the
    keyboard when it is wider than the screen.
    """
    table_id = _checked_id(table_id)
    if any(len(row) != len(headers) for row in [*rows, *([footer] if footer else [])]):
        raise ValueError("give one cell per header in every row")
    return _render(
        "table.html",
        id=table_id,
        caption=caption,
        headers=[str(header) for header in headers],
        rows=[[str(cell) for cell in row] for row in rows],
        footer=[str(cell) for cell in footer] if footer else None,
        scrolls=scrolls,
    )


HEAT_LEVELS = 4


def heat_level(value: float, top: float) -> int:
    """0 for nothing, else 1..HEAT_LEVELS by the share of the largest value."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * value / top)))


def heat_table(
    table_id: str,
    *,
    caption: str,
    corner: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int]]],
    totals_header: str | None = None,
    number: Callable[[float], str] | None = None,
    scrolls: bool = True,
) -> Markup:
    """A table whose cells are shaded by their count (a heat map): darker is more.

    The count is written in every cell, so the shading only helps the eye; the classes
    heat--0 to heat--4 come from the stylesheet, with text colours at 7:1 or more.
    `rows` are (row label, one count per column); `totals_header` adds a column of totals;
    `number` writes a count as the reader expects it (1.234 in Dutch).
    """
    table_id = _checked_id(table_id)
    if any(len(values) != len(columns) for _label, values in rows):
        raise ValueError("give one count per column in every row")
    top = max((value for _label, values in rows for value in values), default=0)
    return _render(
        "heat_table.html",
        id=table_id,
        caption=caption,
        corner=corner,
        columns=[str(column) for column in columns],
        rows=[
            (
                str(label),
                [(value, heat_level(value, top)) for value in values],
                sum(values),
            )
            for label, values in rows
        ],
        totals_header=totals_header,
        number=number or _number,
        scrolls=scrolls,
    )
