"""The poster's flowchart as an SVG drawing, with the path the answers take highlighted.

Pure: it reads a ``knowledge.TreeNode`` and returns markup, so it can be tested without a
database; its few words of its own come from the gettext catalogue. The drawing is a top-down
tree with one column per leaf; each leaf lists the entities printed there. Colours and line
weights come from classes styled in ``static/css/flowchart.css`` (the page's CSP allows no inline
styles); presentation attributes give a readable fallback.

Text does not wrap in SVG, so labels are broken into lines here by an estimate of how many
characters fit a box; the estimate errs on the short side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .knowledge import TreeNode

# Sized so the demo's eight leaves fit a 1280 px screen at scale 1 with all text at 16 px
# (static/css/flowchart.css never scales the drawing down): a projector shows it legibly, and a
# wider tree scrolls in its box instead of shrinking.
NODE_WIDTH = 136
COLUMN_GAP = 8
LEVEL_GAP = 40
MARGIN = 12
PAD = 8
LINE = 21
SMALL_LINE = 20
# Characters that fit across a box at 16 px (DejaVu Sans, the widest fallback, ~9.6 px each).
LABEL_CHARS = 13
SMALL_CHARS = 14


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


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters: at spaces, then after the
    hyphens of a word too long for a line, and only then inside a word."""
    pieces: list[tuple[str, str]] = []  # (piece, what joins it to the one before)
    for word in text.split():
        parts = [p for p in re.split(r"(?<=-)", word) if p] if len(word) > width else [word]
        pieces += [(part, " " if i == 0 else "") for i, part in enumerate(parts)]
    lines: list[str] = []
    current = ""
    for piece, glue in pieces:
        while len(piece) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(piece[: width - 1] + "-")
            piece = piece[width - 1 :]
        candidate = f"{current}{glue}{piece}" if current else piece
        if len(candidate) <= width:
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
    label: list[str]
    small: list[str]
    entities: list[tuple[str, list[str]]]
    x: float = 0.0
    y: float = 0.0
    children: list[_Box] = field(default_factory=list)

    @property
    def height(self) -> float:
        return 2 * PAD + len(self.label) * LINE + len(self.small) * SMALL_LINE


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
        small = []
        for profile in node.printed_profiles:
            text = ", ".join(finding_labels.get(code, code) for code in profile)
            small += wrap(f"{captions['printed']} {text}", SMALL_CHARS)
        # Leaders are drawn in bold, which is wider: they wrap sooner.
        entities = sorted(
            (
                (slug, wrap(names.get(slug, slug), SMALL_CHARS - (2 if slug in lead else 0)))
                for slug in node.entities
            ),
            key=lambda item: " ".join(item[1]).casefold(),
        )
        box = _Box(node, depth, wrap(node.label.get(lang), LABEL_CHARS), small, entities)
        box.children = [build(child, depth + 1) for child in node.children]
        return box

    root = build(tree, 0)
    boxes = list(_walk(root))

    # Rows: each depth is as tall as its tallest box.
    depth_count = max(b.depth for b in boxes) + 1
    row_height = [0.0] * depth_count
    for b in boxes:
        row_height[b.depth] = max(row_height[b.depth], b.height)
    row_top = [float(MARGIN)]
    for d in range(1, depth_count):
        row_top.append(row_top[-1] + row_height[d - 1] + LEVEL_GAP)

    # Columns: one per leaf, in order; a parent sits above the middle of its children.
    column = NODE_WIDTH + COLUMN_GAP
    leaves = 0

    def place(box: _Box) -> None:
        nonlocal leaves
        box.y = row_top[box.depth]
        if not box.children:
            box.x = MARGIN + leaves * column
            leaves += 1
            return
        for child in box.children:
            place(child)
        box.x = (box.children[0].x + box.children[-1].x) / 2

    place(root)
    # The last column keeps its gap too: entity names may run a little past their box.
    width = MARGIN * 2 + leaves * column
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
            x1, y1 = b.x + NODE_WIDTH / 2, b.y + b.height
            x2, y2 = child.x + NODE_WIDTH / 2, child.y
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
            f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{NODE_WIDTH}" height="{b.height:.1f}" '
            f'rx="6" fill="#ffffff" stroke="#5b636b" stroke-width="{3 if taken else 1}"/>'
        )
        text_y = b.y + PAD + LINE - 5
        out.append(f'<text class="flow-label" x="{b.x + NODE_WIDTH / 2:.1f}" text-anchor="middle">')
        for i, line in enumerate(b.label):
            out.append(f'<tspan x="{b.x + NODE_WIDTH / 2:.1f}" y="{text_y + i * LINE:.1f}">')
            out.append(f"{escape(line)}</tspan>")
        out.append("</text>")
        if b.small:
            small_y = text_y + len(b.label) * LINE - 2
            out.append(f'<text class="flow-small" x="{b.x + PAD:.1f}">')
            for i, line in enumerate(b.small):
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
                if slug in links:
                    out.append(f'<a href="{escape(links[slug])}">')
                for i, line in enumerate(lines):
                    # Continuation lines hang under the first, past the bullet.
                    x = b.x + 4 if i == 0 else b.x + 16
                    text = f"• {line}" if i == 0 else line
                    out.append(
                        f'<tspan{cls} x="{x:.1f}" y="{y:.1f}" data-entity="{escape(slug)}">'
                        f"{escape(text)}</tspan>"
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
