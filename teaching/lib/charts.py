"""Charts drawn on the server as inline SVG: no chart library, no JavaScript, no database.

Horizontal positions are percentages of the chart's width and vertical ones are pixels, so a
chart fills its column from a phone to a projector while its text keeps its real size (a
viewBox would shrink the labels to nothing on a phone). Colours and type come from classes
that static/css/progress.css styles: the CSP forbids style attributes.

Each chart is one `role="img"` named by its <title> and <desc>; the page puts a table of the
same figures beside it for readers who cannot see it.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LABEL_CHARS = 38  # a longer label is shortened in the chart; the table has it whole

# Horizontal bars: a label line, then the bar under it.
ROW = 46
LABEL_Y = 17
BAR_Y = 24
BAR_HEIGHT = 14

# Columns over time: a plot of fixed height, a gutter on the left for the scale.
PLOT_TOP = 12
PLOT_HEIGHT = 160
AXIS_HEIGHT = 26
GUTTER = 12.0  # percent of the width
MAX_TICKS = 6
MAX_COLUMN = 8.0  # percent: a few weeks are columns, not walls


@dataclass(frozen=True)
class Bar:
    """One figure: its label, the share from 0 to 1 (None for no answers), and the text that
    states it ("75% of 12")."""

    label: str
    share: float | None
    value_text: str


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _clamp(share: float | None) -> float:
    return 0.0 if share is None else min(max(share, 0.0), 1.0)


def _svg(*, chart_id: str, title: str, description: str, height: int, body: list[str]) -> str:
    return mark_safe(
        f'<svg class="chart" id="{escape(chart_id)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="100%" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def horizontal_bars(*, bars: list[Bar], chart_id: str, title: str, description: str) -> SafeString:
    """One bar per figure, its label above it and its value at the right; "" if none."""
    if not bars:
        return mark_safe("")
    body = []
    for index, bar in enumerate(bars):
        top = index * ROW
        share = _clamp(bar.share)
        empty = " chart-bar-empty" if bar.share is None else ""
        body.append(
            f'<g class="chart-row{empty}"><title>{escape(bar.label)}: {escape(bar.value_text)}'
            "</title>"
            f'<text class="chart-label" x="0" y="{top + LABEL_Y}">'
            f"{escape(_short(bar.label))}</text>"
            f'<text class="chart-value" x="100%" y="{top + LABEL_Y}" text-anchor="end">'
            f"{escape(bar.value_text)}</text>"
            f'<rect class="chart-track" x="0" y="{top + BAR_Y}" width="100%" '
            f'height="{BAR_HEIGHT}" rx="3"/>'
            f'<rect class="chart-bar" x="0" y="{top + BAR_Y}" width="{_pct(share * 100)}" '
            f'height="{BAR_HEIGHT}" rx="3"/></g>'
        )
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=len(bars) * ROW,
        body=body,
    )


def tick_positions(count: int, most: int = MAX_TICKS) -> list[int]:
    """Which of `count` columns get a label under them: the last always, then every k-th
    back from it, so the newest week is always named."""
    if count <= 0:
        return []
    step = max(1, -(-count // most))  # ceiling division
    return sorted(range(count - 1, -1, -step))


def columns_over_time(
    *,
    columns: list[Bar],
    chart_id: str,
    title: str,
    description: str,
    scale: tuple[str, str, str],
) -> SafeString:
    """One column per period, oldest first, its height the share; `scale` labels the 0, 50
    and 100 % lines. Each column's label is its period, shown under a few of them."""
    if not columns:
        return mark_safe("")
    body = []
    for fraction, text in zip((0.0, 0.5, 1.0), scale, strict=True):
        y = PLOT_TOP + PLOT_HEIGHT * (1 - fraction)
        body.append(
            f'<line class="chart-grid" x1="{_pct(GUTTER)}" x2="100%" y1="{y:g}" y2="{y:g}"/>'
            f'<text class="chart-scale" x="0" y="{y + 4:g}">{escape(text)}</text>'
        )
    slot = (100 - GUTTER) / len(columns)
    width = min(slot * 0.64, MAX_COLUMN)
    ticks = tick_positions(len(columns))
    # Every other label, counted back from the newest, may be hidden on a narrow screen.
    minor = set(ticks[-2::-2])
    for index, column in enumerate(columns):
        share = _clamp(column.share)
        height = PLOT_HEIGHT * share
        left = GUTTER + slot * index + (slot - width) / 2
        centre = GUTTER + slot * (index + 0.5)
        body.append(
            f'<g class="chart-column"><title>{escape(column.label)}: '
            f"{escape(column.value_text)}</title>"
            f'<rect class="chart-bar" x="{_pct(left)}" y="{PLOT_TOP + PLOT_HEIGHT - height:.1f}" '
            f'width="{_pct(width)}" height="{height:.1f}"/></g>'
        )
        if index in ticks:
            # The newest label ends at the right edge rather than run past it.
            last = index == len(columns) - 1 and len(columns) > 1
            x, anchor = ("100%", "end") if last else (_pct(centre), "middle")
            kind = "chart-tick chart-tick-minor" if index in minor else "chart-tick"
            body.append(
                f'<text class="{kind}" x="{x}" y="{PLOT_TOP + PLOT_HEIGHT + AXIS_HEIGHT - 6}" '
                f'text-anchor="{anchor}">{escape(column.label)}</text>'
            )
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description,
        height=PLOT_TOP + PLOT_HEIGHT + AXIS_HEIGHT,
        body=body,
    )
