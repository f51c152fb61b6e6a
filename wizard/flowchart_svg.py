"""The poster's flowchart as an SVG drawing, with the path the answers take highlighted.

Pure: it reads a ``knowledge.TreeNode`` and returns markup, so it can be tested without a
database; its few words of its own come from the gettext catalogue. The drawing is a top-down
tree with one column per leaf; each leaf lists the entities printed there. Colours and line
weights come from classes styled in ``static/css/flowchart.css`` (the page's CSP allows no inline
styles); presentation attributes give a readable fallback.

Text does not wrap in SVG, so labels are broken into lines here, at spaces and after hyphens
only, by the advance widths of DejaVu Sans (the widest of the fonts in the stylesheet's stack and
the one the servers have). Words are never cut: a box is widened to its longest word instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .knowledge import TreeNode

# A box is never narrower than NODE_WIDTH and is as wide as its longest word needs. Sized so
# the demo's eight leaves fit a 1280 px screen at scale 1 with all text at 16 px, in either
# language (a few sets of three long bold leaders make it up to 23 px too wide, and it scrolls).
# static/css/flowchart.css never scales the drawing down, only up to fill a wider box: a
# projector shows it legibly, and a wider tree scrolls in its box instead of shrinking.
NODE_WIDTH = 100
COLUMN_GAP = 6
LEVEL_GAP = 40
MARGIN = 6
PAD = 8
LINE = 21
SMALL_LINE = 20
FONT_SIZE = 16
# An entity listed under a leaf has its bullet BULLET_X from the box's left edge and its lines
# HANG from it, hanging past the bullet; each line ends INSET short of the box's right edge.
BULLET = "•"
BULLET_X = 1
HANG = 12
INSET = 3


def _advances(widths: str) -> dict[str, int]:
    return dict(zip(_CHARS, map(int, widths.split()), strict=True))


# Advance widths in font units (2048 an em) of DejaVu Sans 2.37, read from its TTF files for
# these characters: ASCII, Latin-1 and a few signs. _REGULAR is the wider of Book and Oblique
# (the printed profiles are italic); _BOLD is Bold, for the ranking's leaders.
_UNITS_PER_EM = 2048
_CHARS = (
    "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x100))) + "–—‘’“”•…→≥≤−"
)
_REGULAR = _advances(
    "651 821 942 1716 1303 1946 1597 563 799 799 1024 1716 651 739 651 690 1303 1303 1303 "
    "1303 1303 1303 1303 1303 1303 1303 690 690 1716 1716 1716 1087 2048 1401 1405 1430 1577 "
    "1294 1178 1587 1540 604 604 1343 1141 1767 1532 1612 1235 1612 1423 1300 1251 1499 1401 "
    "2025 1403 1251 1403 799 690 799 1716 1024 1024 1255 1300 1126 1300 1260 721 1300 1298 "
    "569 569 1186 569 1995 1298 1253 1300 1300 842 1067 803 1298 1212 1675 1212 1212 1075 "
    "1303 690 1303 1716 651 821 1303 1303 1303 1303 690 1024 1024 2048 965 1264 1716 739 2048 "
    "1024 1024 1716 821 821 1024 1303 1303 651 1024 821 965 1264 1985 1985 1985 1087 1401 "
    "1401 1401 1401 1401 1401 1995 1430 1294 1294 1294 1294 604 604 604 604 1587 1532 1612 "
    "1612 1612 1612 1612 1716 1612 1499 1499 1499 1499 1251 1245 1290 1255 1255 1255 1255 "
    "1255 1255 2038 1126 1260 1260 1260 1260 569 569 569 569 1253 1298 1253 1253 1253 1253 "
    "1253 1716 1253 1298 1298 1298 1298 1212 1300 1212 1024 2048 651 651 1061 1061 1208 2048 "
    "1716 1716 1716 1716"
)
_BOLD = _advances(
    "713 934 1067 1716 1425 2052 1786 627 936 936 1071 1716 778 850 778 748 1425 1425 1425 "
    "1425 1425 1425 1425 1425 1425 1425 819 819 1716 1716 1716 1188 2048 1585 1561 1503 1700 "
    "1399 1399 1681 1714 762 762 1587 1305 2038 1714 1741 1501 1741 1577 1475 1397 1663 1585 "
    "2259 1579 1483 1485 936 748 936 1716 1024 1024 1382 1466 1214 1466 1389 891 1466 1458 "
    "702 702 1362 702 2134 1458 1407 1466 1466 1010 1219 979 1458 1335 1892 1321 1335 1192 "
    "1458 748 1458 1716 713 934 1425 1425 1303 1425 748 1024 1024 2048 1155 1323 1716 850 "
    "2048 1024 1024 1716 897 897 1024 1507 1303 778 1024 897 1155 1323 2120 2120 2120 1188 "
    "1585 1585 1585 1585 1585 1585 2222 1503 1399 1399 1399 1399 762 762 762 762 1716 1714 "
    "1741 1741 1741 1741 1741 1716 1741 1663 1663 1663 1663 1483 1511 1473 1382 1382 1382 "
    "1382 1382 1382 2146 1214 1389 1389 1389 1389 702 702 702 702 1407 1458 1407 1407 1407 "
    "1407 1407 1716 1407 1458 1458 1458 1458 1335 1466 1335 1024 2048 778 778 1346 1346 1309 "
    "2048 1716 1716 1716 1716"
)


def text_width(text: str, *, bold: bool = False) -> float:
    """The width in px of ``text`` at 16 px in DejaVu Sans (bold if ``bold``), without kerning
    (the browser tests hold Chromium's own measure to the boxes). A letter outside the table
    counts as its unaccented base letter, and anything else as the widest character."""
    table = _BOLD if bold else _REGULAR
    widest = max(table.values())
    units = 0
    for char in text:
        if char not in table:
            char = unicodedata.normalize("NFD", char)[:1]
        units += table.get(char, widest)
    return units * FONT_SIZE / _UNITS_PER_EM


def _pieces(text: str) -> list[tuple[str, str]]:
    """The unbreakable pieces of ``text``, each with what joins it to the one before: words,
    and the parts of a hyphenated word, each keeping its hyphen (a line may end after it)."""
    pieces: list[tuple[str, str]] = []
    for word in text.split():
        parts = [p for p in re.split(r"(?<=\w[-–])(?=\w)", word) if p]
        pieces += [(part, " " if i == 0 else "") for i, part in enumerate(parts)]
    return pieces


def widest_piece(text: str, *, bold: bool = False) -> float:
    """The width of the widest piece of ``text`` that ``wrap`` keeps on one line."""
    return max((text_width(piece, bold=bold) for piece, _glue in _pieces(text)), default=0.0)


def _captions(lang: str) -> dict[str, str]:
    """The drawing's own words, from the catalogue, in ``lang`` whatever the request's."""
    with translation.override(lang):
        return {
            "title": gettext("The poster's diagnostic algorithm"),
            "path": gettext("Your answers take the path:"),
            "no_path": gettext(
                "Your answers do not yet choose a branch; the algorithm starts from the laboratory."
            ),
            "printed": gettext("Printed:"),
        }


def wrap(text: str, width: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` into lines at most ``width`` px wide at 16 px, at spaces or after the
    hyphen of a hyphenated word. A word is never cut: one wider than the line is left whole
    on a line of its own, so the caller sizes the box to the widest piece."""
    lines: list[str] = []
    current = ""
    for piece, glue in _pieces(text):
        candidate = f"{current}{glue}{piece}" if current else piece
        if not current or text_width(candidate, bold=bold) <= width:
            current = candidate
        else:
            lines.append(current)
            current = piece
    if current:
        lines.append(current)
    return lines or [""]


@dataclass
class _Box:
    node: TreeNode
    depth: int
    label: str
    small: list[str]
    names: list[tuple[str, str]]  # (slug, name), in the order listed
    width: float = NODE_WIDTH
    span: float = NODE_WIDTH  # the width of the columns under it, or its own if wider
    label_lines: list[str] = field(default_factory=list)
    small_lines: list[str] = field(default_factory=list)
    entities: list[tuple[str, list[str]]] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0
    children: list[_Box] = field(default_factory=list)

    @property
    def height(self) -> float:
        return 2 * PAD + len(self.label_lines) * LINE + len(self.small_lines) * SMALL_LINE

    def needed_width(self, lead: set[str]) -> float:
        """The narrowest box that holds every word of its text whole, the leaders' names in
        bold."""
        needs = [NODE_WIDTH, widest_piece(self.label) + 2 * PAD]
        needs += [widest_piece(text) + 2 * PAD for text in self.small]
        for slug, name in self.names:
            needs.append(HANG + widest_piece(name, bold=slug in lead) + INSET)
        return math.ceil(max(needs))

    def lay_out_text(self, lead: set[str]) -> None:
        inner = self.width - 2 * PAD
        self.label_lines = wrap(self.label, inner)
        self.small_lines = [line for text in self.small for line in wrap(text, inner)]
        self.entities = [
            (
                slug,
                # Leaders are drawn in bold, which is wider.
                wrap(name, self.width - HANG - INSET, bold=slug in lead),
            )
            for slug, name in self.names
        ]


def flowchart_svg(
    tree: TreeNode,
    path: Iterable[str],
    *,
    lang: str = "en",
    names: Mapping[str, str] | None = None,
    emphasis: Iterable[str] = (),
    finding_labels: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
    description: str | None = None,
) -> SafeString:
    """An inline ``<svg>`` of ``tree`` with the nodes and edges of ``path`` marked ``on-path``.

    ``names`` gives entity names (slug otherwise); ``emphasis`` marks entities (the leaders of
    the ranking) in the leaf lists; ``finding_labels`` lets printed profiles read as answers;
    ``links`` makes each listed entity a link to its address; ``description`` replaces the
    account of the path, for a page with no answers.
    """
    captions = _captions(lang)
    names = names or {}
    finding_labels = finding_labels or {}
    links = links or {}
    on_path = list(path)
    on_path_set = set(on_path)
    lead = set(emphasis)

    def build(node: TreeNode, depth: int) -> _Box:
        small = [
            f"{captions['printed']} "
            + ", ".join(finding_labels.get(code, code) for code in profile)
            for profile in node.printed_profiles
        ]
        listed = sorted(
            ((slug, names.get(slug, slug)) for slug in node.entities),
            key=lambda item: item[1].casefold(),
        )
        box = _Box(node, depth, node.label.get(lang), small, listed)
        box.children = [build(child, depth + 1) for child in node.children]
        return box

    root = build(tree, 0)
    boxes = list(_walk(root))

    # Widths: each box as wide as its longest word needs; a box over a single child and the
    # child share the wider width, so a chain reads as one column.
    def measure(box: _Box) -> None:
        for child in box.children:
            measure(child)
        box.width = box.needed_width(lead)
        if len(box.children) == 1:
            box.width = max(box.width, box.children[0].width)
        columns = sum(c.span for c in box.children) + COLUMN_GAP * (len(box.children) - 1)
        box.span = max(box.width, columns)

    def share(box: _Box) -> None:
        if len(box.children) == 1:
            box.children[0].width = box.width
            box.children[0].span = max(box.children[0].span, box.width)
        for child in box.children:
            share(child)

    measure(root)
    share(root)
    for b in boxes:
        b.lay_out_text(lead)

    # Rows: each depth is as tall as its tallest box.
    depth_count = max(b.depth for b in boxes) + 1
    row_height = [0.0] * depth_count
    for b in boxes:
        row_height[b.depth] = max(row_height[b.depth], b.height)
    row_top = [float(MARGIN)]
    for d in range(1, depth_count):
        row_top.append(row_top[-1] + row_height[d - 1] + LEVEL_GAP)

    # Columns: the leaves side by side, in order; a parent sits above the middle of its
    # children, inside the span they take.
    def place(box: _Box, left: float) -> None:
        box.y = row_top[box.depth]
        if not box.children:
            box.x = left + (box.span - box.width) / 2
            return
        columns = sum(c.span for c in box.children) + COLUMN_GAP * (len(box.children) - 1)
        child_left = left + (box.span - columns) / 2
        for child in box.children:
            place(child, child_left)
            child_left += child.span + COLUMN_GAP
        first, last = box.children[0], box.children[-1]
        middle = (first.x + first.width / 2 + last.x + last.width / 2) / 2
        box.x = min(max(middle - box.width / 2, left), left + box.span - box.width)

    place(root, MARGIN)
    width = MARGIN * 2 + root.span
    bottom = 0.0
    for b in boxes:
        bottom = max(bottom, b.y + b.height + len(_entity_lines(b)) * SMALL_LINE + PAD)
    height = bottom + MARGIN

    ordered = {b.node.id: b.node.label.get(lang) for b in boxes}
    if description is None and len(on_path) > 1:
        trail = " → ".join(ordered.get(node_id, node_id) for node_id in on_path)
        description = f"{captions['path']} {trail}."
    elif description is None:
        description = captions["no_path"]

    # With links inside, the drawing is a group a screen reader can enter, not one image.
    role = "group" if links else "img"
    out = [
        f'<svg class="flowchart__svg" xmlns="http://www.w3.org/2000/svg" role="{role}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="flowchart-title flowchart-desc">',
        f'<title id="flowchart-title">{escape(captions["title"])}</title>',
        f'<desc id="flowchart-desc">{escape(description)}</desc>',
        '<g class="flow-edges">',
    ]
    for b in boxes:
        for child in b.children:
            taken = b.node.id in on_path_set and child.node.id in on_path_set
            x1, y1 = b.x + b.width / 2, b.y + b.height
            x2, y2 = child.x + child.width / 2, child.y
            middle = y1 + (y2 - y1) / 2
            out.append(
                f'<path class="flow-edge{" on-path" if taken else ""}" '
                f'd="M{x1:.1f} {y1:.1f}V{middle:.1f}H{x2:.1f}V{y2:.1f}" '
                f'fill="none" stroke="#8a939c" stroke-width="{3 if taken else 1.5}"/>'
            )
    out.append("</g>")
    end = on_path[-1] if len(on_path) > 1 else None
    for b in boxes:
        classes = ["flow-node"]
        if b.node.id in on_path_set:
            classes.append("on-path")
        if b.node.id == end:
            classes.append("path-end")
        if b.node.mechanism:
            classes.append(f"flow-node--{escape(b.node.mechanism)}")
        out.append(f'<g class="{" ".join(classes)}" data-node="{escape(b.node.id)}">')
        if b.node.note:
            out.append(f"<title>{escape(b.node.note.get(lang))}</title>")
        taken = b.node.id in on_path_set
        out.append(
            f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.0f}" height="{b.height:.1f}" '
            f'rx="6" fill="#ffffff" stroke="#5b636b" stroke-width="{3 if taken else 1}"/>'
        )
        text_y = b.y + PAD + LINE - 5
        out.append(f'<text class="flow-label" x="{b.x + b.width / 2:.1f}" text-anchor="middle">')
        for i, line in enumerate(b.label_lines):
            out.append(f'<tspan x="{b.x + b.width / 2:.1f}" y="{text_y + i * LINE:.1f}">')
            out.append(f"{escape(line)}</tspan>")
        out.append("</text>")
        if b.small_lines:
            small_y = text_y + len(b.label_lines) * LINE - 2
            out.append(f'<text class="flow-small" x="{b.x + PAD:.1f}">')
            for i, line in enumerate(b.small_lines):
                out.append(
                    f'<tspan x="{b.x + PAD:.1f}" y="{small_y + i * SMALL_LINE:.1f}">'
                    f"{escape(line)}</tspan>"
                )
            out.append("</text>")
        out.append("</g>")
        if b.entities:
            out.append('<text class="flow-entities">')
            y = b.y + b.height + SMALL_LINE + 2
            for slug, lines in b.entities:
                cls = ' class="flow-lead"' if slug in lead else ""
                mark = f'{cls} data-entity="{escape(slug)}"'
                out.append(
                    f'<tspan{mark} x="{b.x + BULLET_X:.1f}" y="{y:.1f}" aria-hidden="true">'
                    f"{BULLET}</tspan>"
                )
                # The name's lines hang past its bullet, the first on the bullet's line; a link
                # holds the name alone.
                if slug in links:
                    out.append(f'<a href="{escape(links[slug])}">')
                for line in lines:
                    out.append(
                        f'<tspan{mark} x="{b.x + HANG:.1f}" y="{y:.1f}">{escape(line)}</tspan>'
                    )
                    y += SMALL_LINE
                if slug in links:
                    out.append("</a>")
            out.append("</text>")
    out.append("</svg>")
    return mark_safe("".join(out))


def _walk(box: _Box):
    yield box
    for child in box.children:
        yield from _walk(child)


def _entity_lines(box: _Box) -> list[str]:
    return [line for _slug, lines in box.entities for line in lines]
