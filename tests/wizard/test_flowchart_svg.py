"""The flowchart drawing, from a tree and a path, without a database."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.wizard.conftest import DEMO
from wizard.flowchart_svg import HANG, NODE_WIDTH, flowchart_svg, text_width, wrap
from wizard.knowledge import KnowledgeBase
from wizard.presenters import answer_label
from wizard.ranking import tree_path

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def nodes_on_path(svg: str) -> list[str]:
    return re.findall(r'class="flow-node on-path[^"]*" data-node="([^"]+)"', svg)


def test_the_drawing_is_well_formed_svg_with_a_title_and_a_description(demo):
    root = parse(flowchart_svg(demo.tree, ["calcinosis"]))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "The poster's diagnostic algorithm"
    assert "do not yet choose a branch" in root.find(f"{SVG}desc").text


def test_the_path_of_the_answers_is_highlighted_node_by_node_and_edge_by_edge(demo):
    answers = ["lab.calcium.normal", "dist.circumscribed", "site.vascular"]
    path = tree_path(demo.tree, answers)
    svg = flowchart_svg(demo.tree, path)
    assert nodes_on_path(svg) == path
    assert svg.count('class="flow-edge on-path"') == len(path) - 1
    assert re.search(r'class="flow-node on-path path-end[^"]*" data-node="vascular"', svg)
    description = parse(svg).find(f"{SVG}desc").text
    assert description == (
        "Your answers take the path: Calcinosis → Laboratory normal → Dystrophic → "
        "Circumscribed → Vascular."
    )


def test_every_node_and_every_printed_entity_is_drawn(demo):
    names = {e.slug: e.slug.replace("-", " ").title() for e in demo.entities}
    svg = flowchart_svg(demo.tree, ["calcinosis"], names=names)
    drawn = set(re.findall(r'data-node="([^"]+)"', svg))
    assert drawn == set(demo.nodes)
    listed = set(re.findall(r'data-entity="([^"]+)"', svg))
    assert listed == set(demo.leaf_of)


def test_the_leading_entities_are_marked_in_their_leaf(demo):
    svg = flowchart_svg(demo.tree, ["calcinosis"], emphasis=["tophaceous-gout"])
    # A name wrapped onto two lines is two marked lines of the one entity.
    marked = re.findall(r'class="flow-lead"[^>]*data-entity="([^"]+)"', svg)
    assert set(marked) == {"tophaceous-gout"}


def test_labels_are_in_the_language_asked_for(demo):
    svg = flowchart_svg(demo.tree, ["calcinosis", "lab-normal"], lang="es")
    assert "Analítica normal" in svg
    assert "Sus respuestas siguen el camino: Calcinosis → Analítica normal." in svg


def test_printed_profiles_read_as_answers_when_labels_are_given(demo):
    labels = {"lab.calcium.normal": "Calcium normal", "lab.phosphate.high": "Phosphate high"}
    svg = flowchart_svg(demo.tree, ["calcinosis"], finding_labels=labels)
    altered = parse(svg).find(f".//{SVG}g[@data-node='lab-altered']")
    small = altered.find(f"{SVG}text[@class='flow-small']")
    # Read across the line breaks: a code too long for a line is left whole on its own.
    assert " ".join(t.text for t in small) == (
        "Printed: Calcium normal, Phosphate high Printed: lab.calcium.high, Phosphate high"
    )


def test_text_is_escaped_and_nothing_is_styled_inline():
    kb = KnowledgeBase.from_dict(
        {
            "mechanisms": ["dystrophic"],
            "groups": [
                {
                    "id": "g",
                    "label": {"en": "g", "es": "g"},
                    "questions": [
                        {
                            "id": "q",
                            "kind": "multi",
                            "text": {"en": "q", "es": "q"},
                            "answers": [{"code": "a", "label": {"en": "a", "es": "a"}}],
                        }
                    ],
                }
            ],
            "entities": [{"slug": "x", "mechanism": "dystrophic", "prior": 1}],
            "tree": {
                "id": "root",
                "label": {"en": "<b>Root</b> & co", "es": "raíz"},
                "children": [
                    {"id": "leaf", "label": {"en": "Leaf", "es": "Hoja"}, "entities": ["x"]}
                ],
            },
        }
    )
    svg = flowchart_svg(kb.tree, ["root", "leaf"], names={"x": '<script>"x"</script>'})
    assert "<b>" not in svg and "<script>" not in svg
    assert "&lt;b&gt;Root&lt;/b&gt; &amp; co" in svg
    assert "style=" not in svg
    parse(svg)


def test_the_drawing_widens_with_the_number_of_leaves(demo):
    width = int(parse(flowchart_svg(demo.tree, ["calcinosis"])).get("width"))
    leaves = sum(1 for node in demo.tree.walk() if not node.children)
    assert leaves * NODE_WIDTH < width < leaves * NODE_WIDTH * 1.5


def test_long_labels_are_wrapped_at_spaces_and_after_hyphens_by_their_width():
    assert wrap("Laboratory altered", text_width("Laboratory")) == ["Laboratory", "altered"]
    line = text_width("tissue disease")
    assert wrap("Connective-tissue disease", line) == ["Connective-", "tissue disease"]
    assert wrap("Connective-tissue disease", text_width("Connective-tissue disease")) == [
        "Connective-tissue disease"
    ]
    long_name = "Calcium pyrophosphate deposition disease"
    lines = wrap(long_name, 150)
    assert " ".join(lines) == long_name
    assert len(lines) > 1 and all(text_width(line) <= 150 for line in lines)
    assert wrap("", 10) == [""]


def test_a_word_wider_than_its_line_is_never_cut():
    word = "Seudohipoparatiroidismo"
    assert wrap(f"{word} (PHP)", text_width("Seudo")) == [word, "(PHP)"]
    assert wrap(word, 1, bold=True) == [word]


def test_bold_is_measured_wider_than_regular_and_unknown_letters_by_their_base():
    for word in ("Seudohipoparatiroidismo", "Calcinosis universalis idiopática", "ERC"):
        assert text_width(word, bold=True) > text_width(word) > 0
    # A letter outside the table counts as its unaccented letter, a symbol as the widest.
    assert text_width("ő") == text_width("o")
    assert text_width("✓") >= text_width("W")


def glossary_names(lang: str) -> dict[str, str]:
    """Entity names as the classification page lists them: the name, then the label the
    poster prints where it differs."""
    glossary = json.loads((DEMO / "glossary.json").read_text(encoding="utf-8"))
    names = {}
    for entity in glossary["entities"]:
        name, label = entity["name"][lang], entity.get("printed_label", "")
        names[entity["slug"]] = f"{name} ({label})" if label and label != name else name
    return names


def drawn_lines(svg: str):
    """Each line of text with the box it belongs to: (line, bold, left, right, box left,
    box right), its ends by the DejaVu Sans estimate. An entity list follows its leaf's node."""
    root = parse(svg)
    box = None
    for element in root:
        if element.get("class", "").startswith("flow-node"):
            rect = element.find(f"{SVG}rect")
            box = float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))
        texts = element.iter(f"{SVG}text") if element.tag == f"{SVG}g" else [element]
        for text in texts:
            if text.tag != f"{SVG}text":
                continue
            middle = text.get("text-anchor") == "middle"
            for tspan in text.iter(f"{SVG}tspan"):
                bold = tspan.get("class") == "flow-lead"
                width = text_width(tspan.text, bold=bold)
                x = float(tspan.get("x"))
                left = x - width / 2 if middle else x
                yield tspan.text, bold, left, left + width, *box


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_line_fits_its_box_and_no_word_is_cut_even_when_every_name_is_bold(demo, lang):
    names = glossary_names(lang)
    printed = {code for node in demo.tree.walk() for p in node.printed_profiles for code in p}
    labels = {code: answer_label(demo, code, lang) for code in printed}
    svg = str(
        flowchart_svg(
            demo.tree,
            ["calcinosis"],
            lang=lang,
            names=names,
            emphasis=list(names),
            finding_labels=labels,
        )
    )
    words = {
        part
        for text in [
            *names.values(),
            *labels.values(),
            *(n.label.get(lang) for n in demo.tree.walk()),
        ]
        for word in text.split()
        for part in re.split(r"(?<=\w[-–])(?=\w)", word)
    } | {"Printed:", "Impreso:", "•"}
    lines = list(drawn_lines(svg))
    assert any(bold for _line, bold, *_ in lines)
    for line, _bold, left, right, box_left, box_right in lines:
        # A line is made of whole words (the printed profiles join theirs with commas), or of
        # the parts of a hyphenated word, cut after its hyphen.
        pieces = re.split(r" |(?<=\w[-–])(?=\w)", line)
        assert all(piece.removesuffix(",") in words for piece in pieces), line
        assert box_left <= left and right <= box_right, (line, left, right, box_left, box_right)


def test_the_longest_word_of_a_leading_name_sets_its_boxs_width():
    kb = KnowledgeBase.from_dict(
        {
            "mechanisms": ["idiopathic"],
            "groups": [],
            "entities": [
                {"slug": "cui", "mechanism": "idiopathic", "prior": 1},
                {"slug": "php", "mechanism": "idiopathic", "prior": 1},
            ],
            "tree": {
                "id": "root",
                "label": {"en": "Root", "es": "Raíz"},
                "children": [
                    {
                        "id": "leaf",
                        "label": {"en": "Leaf", "es": "Hoja"},
                        "entities": ["cui", "php"],
                    }
                ],
            },
        }
    )
    names = {"cui": "Calcinosis universalis idiopática", "php": "Seudohipoparatiroidismo"}
    svg = str(flowchart_svg(kb.tree, ["root"], lang="es", names=names, emphasis=["php"]))
    leaf = parse(svg).find(f".//{SVG}g[@data-node='leaf']/{SVG}rect")
    assert float(leaf.get("width")) >= HANG + text_width("Seudohipoparatiroidismo", bold=True)
    assert re.search(r'class="flow-lead"[^>]*>Seudohipoparatiroidismo</tspan>', svg)
    assert re.search(r">Calcinosis universalis idiopática</tspan>|>idiopática</tspan>", svg)
