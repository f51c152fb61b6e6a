"""The SVG chart builders: pure functions, no database."""

import re
import xml.etree.ElementTree as ET

from teaching.lib import charts
from teaching.lib.charts import Bar

SVG = "{http://www.w3.org/2000/svg}"


def _bars(*shares) -> str:
    bars = [Bar(f"Label {n}", share, f"{n}") for n, share in enumerate(shares)]
    return charts.horizontal_bars(bars=bars, chart_id="c", title="T", description="D")


def _widths(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        rect.get("width") for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"
    ]


def test_a_bar_is_as_long_as_its_share():
    assert _widths(_bars(0.25, 1.0, 0.0)) == ["25.00%", "100.00%", "0.00%"]


def test_a_figure_with_no_answers_draws_an_empty_bar_marked_as_such():
    svg = _bars(None)
    assert _widths(svg) == ["0.00%"]
    assert 'class="chart-row chart-bar-empty"' in svg


def test_the_chart_is_an_image_named_by_its_title_and_description():
    root = ET.fromstring(_bars(0.5))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").get("id") == "c-title"
    assert root.find(f"{SVG}title").text == "T"
    assert root.find(f"{SVG}desc").get("id") == "c-desc"


def test_the_chart_grows_a_row_per_figure():
    one, three = ET.fromstring(_bars(0.5)), ET.fromstring(_bars(0.5, 0.5, 0.5))
    assert int(three.get("height")) == 3 * int(one.get("height"))


def test_labels_are_escaped():
    bar = Bar('<script>alert("x")</script> & co', 0.5, "50% <of> 2")
    svg = charts.horizontal_bars(bars=[bar], chart_id='c"', title="<T>", description="&")
    assert "<script>" not in svg and "<of>" not in svg
    root = ET.fromstring(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == "<T>"


def test_a_long_label_is_shortened_in_the_chart_and_kept_whole_in_its_tooltip():
    label = "Calcific tendinitis of the rotator cuff, with a long explanatory tail"
    svg = charts.horizontal_bars(
        bars=[Bar(label, 0.5, "50%")], chart_id="c", title="", description=""
    )
    root = ET.fromstring(svg)
    shown = next(t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label")
    assert shown.endswith("…") and len(shown) <= charts.LABEL_CHARS
    assert root.find(f"{SVG}g/{SVG}title").text.startswith(label)


def test_no_figures_draw_no_chart():
    assert charts.horizontal_bars(bars=[], chart_id="c", title="", description="") == ""
    kwargs = {"chart_id": "c", "title": "", "description": "", "scale": ("0", "50", "100")}
    assert charts.columns_over_time(columns=[], **kwargs) == ""


def test_charts_use_classes_not_style_attributes():
    columns = [Bar(f"W{n}", n / 10, "") for n in range(10)]
    svg = charts.columns_over_time(
        columns=columns, chart_id="w", title="", description="", scale=("0", "50", "100")
    ) + _bars(0.3)
    assert "style=" not in svg
    assert not re.search(r'\b(fill|stroke)="', svg)


def _columns(count: int, share: float = 0.5) -> ET.Element:
    columns = [Bar(f"W{n}", share if n else 1.0, "") for n in range(count)]
    svg = charts.columns_over_time(
        columns=columns, chart_id="w", title="", description="", scale=("0%", "50%", "100%")
    )
    return ET.fromstring(svg)


def test_a_column_is_as_tall_as_its_share_and_stands_on_the_axis():
    root = _columns(3)
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    heights = [float(r.get("height")) for r in rects]
    assert heights == [charts.PLOT_HEIGHT, charts.PLOT_HEIGHT / 2, charts.PLOT_HEIGHT / 2]
    bottoms = {float(r.get("y")) + float(r.get("height")) for r in rects}
    assert bottoms == {charts.PLOT_TOP + charts.PLOT_HEIGHT}


def test_columns_go_left_to_right_in_order():
    root = _columns(5)
    xs = [float(r.get("x")[:-1]) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert xs == sorted(xs) and xs[0] >= charts.GUTTER and xs[-1] < 100


def test_the_scale_labels_three_lines():
    root = _columns(2)
    scale = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-scale"]
    assert scale == ["0%", "50%", "100%"]


def test_only_a_few_columns_are_labelled_and_the_newest_always():
    root = _columns(26)
    ticks = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert 1 < len(ticks) <= charts.MAX_TICKS
    assert ticks[-1].text == "W25"
    assert (ticks[-1].get("x"), ticks[-1].get("text-anchor")) == ("100%", "end")


def test_tick_positions():
    assert charts.tick_positions(0) == []
    assert charts.tick_positions(1) == [0]
    assert charts.tick_positions(4) == [0, 1, 2, 3]
    assert charts.tick_positions(12) == [1, 3, 5, 7, 9, 11]


def test_every_other_label_may_hide_on_a_phone_but_never_the_newest():
    root = _columns(12)
    ticks = [t for t in root.iter(f"{SVG}text") if "chart-tick" in (t.get("class") or "")]
    minor = [t.text for t in ticks if "chart-tick-minor" in t.get("class")]
    assert [t.text for t in ticks] == ["W1", "W3", "W5", "W7", "W9", "W11"]
    assert minor == ["W1", "W5", "W9"]
