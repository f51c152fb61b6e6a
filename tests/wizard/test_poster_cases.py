"""The poster's eight cases, entered in the wizard with the findings the poster gives.

Each case lists what the poster states (``given``) apart from what the flowchart needs but the
poster does not print (``assumed``). The poster prints no laboratory values for any case:

- Cases 1 to 7 are entered with a normal calcium and phosphate, the branch the poster's
  algorithm puts every one of these entities on (the brief says so for case 1 too).
- Case 8 is entered with a raised uric acid: the patient has gout, and a raised urate is what
  sends tophaceous gout down the "laboratory altered" branch.

Where the flowchart does not print a case's entity, the path must stop at the node where the
atlas files it (``Entity.tree_node``):

- chronic venous thrombosis (1) and calciphylaxis (6): the vascular site;
- cysticercosis (2): soft tissue, beside "infection";
- adult dermatomyositis (3): connective-tissue disease, beside juvenile dermatomyositis;
- heterotopic ossification (5): the articular site (it is periarticular).

Myositis ossificans (4), tumoral calcinosis (7) and tophaceous gout (8) are flowchart leaves.
"""

from dataclasses import dataclass

import pytest

from wizard.ranking import rank, tree_path

NORMAL_LAB = ("lab.calcium.normal", "lab.phosphate.normal")


@dataclass(frozen=True)
class PosterCase:
    number: int
    diagnosis: str
    given: tuple[str, ...]
    assumed: tuple[str, ...]
    path: tuple[str, ...]

    def __str__(self) -> str:
        return f"case {self.number}: {self.diagnosis}"


DYSTROPHIC = ("calcinosis", "lab-normal", "dystrophic")

CASES = [
    # Woman, 41: chronic perimalleolar ulcer, intractable pain; rounded subcutaneous
    # calcifications around the medial malleolus, in a plaque engulfing superficial veins.
    PosterCase(
        1,
        "chronic-venous-thrombosis",
        given=(
            "age.adult",
            "clinical.painful-ulcer",
            "dist.circumscribed",
            "site.subcutaneous",
            "site.vascular",
            "morph.nodular",
            "region.leg",
        ),
        assumed=NORMAL_LAB,
        path=(*DYSTROPHIC, "circumscribed", "vascular"),
    ),
    # Woman, 86, casual fall: multiple linear calcifications in the subcutis and soft tissues
    # of both buttocks and thigh roots.
    PosterCase(
        2,
        "cysticercosis",
        given=(
            "age.older",
            "dist.circumscribed",
            "site.subcutaneous",
            "site.muscle",
            # The poster's "linear" calcifications in muscle are cysticercosis's rice grains.
            "morph.rice-grain",
            "region.gluteal",
            "region.thigh",
            # Found after a casual fall: the calcifications themselves gave no symptoms.
            "clinical.incidental",
        ),
        assumed=NORMAL_LAB,
        path=(*DYSTROPHIC, "circumscribed", "soft-tissue"),
    ),
    # Woman, 73, dermatomyositis in remission: variegated subcutaneous calcifications of both
    # buttocks, both arms and beside both femurs.
    PosterCase(
        3,
        "dermatomyositis",
        given=(
            "age.older",
            "hx.ctd",
            "dist.universal",
            "site.subcutaneous",
            "morph.sheet",
            "region.gluteal",
            "region.shoulder",
            "region.thigh",
        ),
        assumed=NORMAL_LAB,
        path=(*DYSTROPHIC, "universal", "connective-tissue"),
    ),
    # Man, 16, severe haemophilia, basketball injury to the thigh: intramuscular haematomas
    # that calcify from the periphery over a month.
    PosterCase(
        4,
        "myositis-ossificans",
        given=(
            "age.young",
            "hx.bleeding",
            "hx.trauma",
            "dist.circumscribed",
            "site.muscle",
            "morph.zonal",
            "region.thigh",
        ),
        assumed=NORMAL_LAB,
        path=(*DYSTROPHIC, "circumscribed", "soft-tissue"),
    ),
    # Man, 61, left hip prosthesis: ossification with bony bridges across the hip (Brooker III-IV).
    PosterCase(
        5,
        "heterotopic-ossification",
        given=(
            "age.adult",
            "hx.surgery",
            "dist.circumscribed",
            "site.articular",
            "morph.trabeculated",
            "sign.bony-bridging",
            "region.hip",
        ),
        assumed=NORMAL_LAB,
        path=(*DYSTROPHIC, "circumscribed", "articular"),
    ),
    # Woman, 61, lupus and antiphospholipid syndrome: chronic ulcers of both legs, calcified
    # arteries proximal to them.
    PosterCase(
        6,
        "calciphylaxis",
        given=(
            "age.adult",
            "hx.ctd",
            "clinical.painful-ulcer",
            "dist.circumscribed",
            "site.vascular",
            "morph.tram-track",
            "region.leg",
        ),
        assumed=NORMAL_LAB,
        path=(*DYSTROPHIC, "circumscribed", "vascular"),
    ),
    # Woman, 67: painless lump on the ulnar side of the elbow; lobulated calcified nodules in
    # the periarticular subcutis.
    PosterCase(
        7,
        "tumoral-calcinosis",
        given=(
            "age.older",
            "clinical.painless-mass",
            "dist.circumscribed",
            "site.articular",
            "site.subcutaneous",
            "morph.multilobular",
            "region.elbow",
        ),
        assumed=NORMAL_LAB,
        path=("calcinosis", "lab-normal", "idiopathic"),
    ),
    # Man, 67, gout: swollen forearm; calcified masses in the forearm muscles and around the
    # elbow and wrist.
    PosterCase(
        8,
        "tophaceous-gout",
        given=(
            "age.older",
            "hx.gout",
            "clinical.swelling",
            "dist.circumscribed",
            "site.articular",
            "site.muscle",
            "morph.in-mass",
            # The ultrasound's periarticular collections.
            "sign.abscess",
            "region.elbow",
            "region.hand",
        ),
        assumed=("lab.urate.high",),
        path=("calcinosis", "lab-altered", "metastatic"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_poster_case_ranks_its_diagnosis_in_the_top_three(demo, case):
    ranking = rank(demo, case.given + case.assumed)
    assert ranking.ignored == [] and ranking.conflicts == []
    top = [r.entity for r in ranking.results[:3]]
    assert case.diagnosis in top, top


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_poster_case_needs_no_assumed_laboratory_to_rank_in_the_top_three(demo, case):
    top = [r.entity for r in rank(demo, case.given).results[:3]]
    assert case.diagnosis in top, top


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_poster_case_follows_the_poster_algorithm(demo, case):
    path = tree_path(demo.tree, case.given + case.assumed)
    assert path == list(case.path)
    assert path[-1] == demo.entity_by_slug[case.diagnosis].tree_node


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_poster_case_without_laboratory_stops_at_the_root(demo, case):
    # The algorithm starts from the laboratory; without it the wizard cannot take a branch.
    assert tree_path(demo.tree, case.given) == ["calcinosis"]


def test_the_poster_cases_cover_every_mechanism_branch_of_the_tree(demo):
    ends = {case.path[2] for case in CASES}
    assert ends == {"dystrophic", "idiopathic", "metastatic"}
