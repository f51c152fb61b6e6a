"""The flowchart drawing, from a tree and a path, without a database."""

import re
import xml.etree.ElementTree as ET

from wizard.flowchart_svg import NODE_WIDTH, flowchart_svg, wrap
from wizard.knowledge import KnowledgeBase
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
    # Read without the line breaks: a code too long for a line is split inside it.
    assert " ".join(t.text for t in small).replace("- ", "") == (
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


def test_long_labels_are_wrapped_at_word_boundaries_and_long_words_are_split():
    assert wrap("Laboratory altered", 16) == ["Laboratory", "altered"]
    assert wrap("Connective-tissue disease", 16) == ["Connective-", "tissue disease"]
    assert wrap("Pseudohypoparathyroidism", 10) == ["Pseudohyp-", "oparathyr-", "oidism"]
    assert all(len(line) <= 16 for line in wrap("Calcium pyrophosphate deposition disease", 16))
    assert wrap("", 10) == [""]
