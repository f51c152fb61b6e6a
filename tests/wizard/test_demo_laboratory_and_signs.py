"""The demo knowledge base against issue 9's measured defects: laboratory answers bear on every
entity for and against, the associated signs can be entered, merged findings are split, and
every reason exists in Spanish."""

import pytest

from wizard.ranking import rank

NON_METASTATIC = ("dystrophic", "iatrogenic", "idiopathic")
# High phosphate does not argue against these two: familial tumoral calcinosis has a high
# phosphate with a normal calcium, and calciphylaxis belongs to kidney failure.
HIGH_PHOSPHATE_EXCEPTIONS = {"tumoral-calcinosis", "calciphylaxis"}
# Calciphylaxis comes with kidney failure and its calcium-phosphate disorder.
HIGH_CALCIUM_EXCEPTIONS = {"calciphylaxis"}


def test_a_high_calcium_counts_against_every_entity_that_needs_normal_values(demo):
    against = {e.slug for e in demo.entities if e.mechanism in NON_METASTATIC}
    favoured = {slug for slug in against if demo.lr(slug, "lab.calcium.high") >= 1}
    assert favoured == HIGH_CALCIUM_EXCEPTIONS


def test_a_high_phosphate_counts_against_them_too_except_where_the_literature_says_not(demo):
    against = {e.slug for e in demo.entities if e.mechanism in NON_METASTATIC}
    favoured = {slug for slug in against if demo.lr(slug, "lab.phosphate.high") >= 1}
    assert favoured == HIGH_PHOSPHATE_EXCEPTIONS


def test_normal_laboratory_values_count_against_every_metastatic_entity(demo):
    # Tophaceous gout's laboratory value is the urate: a normal one counts against it, and its
    # calcium and phosphate are normal.
    metastatic = [e.slug for e in demo.entities if e.mechanism == "metastatic"]
    normal = ("lab.calcium.normal", "lab.phosphate.normal")
    not_lowered = [s for s in metastatic if all(demo.lr(s, code) >= 1 for code in normal)]
    assert not_lowered == ["tophaceous-gout"]
    assert demo.lr("tophaceous-gout", "lab.urate.normal") < 1


def test_high_calcium_alone_puts_hyperparathyroidism_in_the_top_three(demo):
    # Measured before the fix: seventh, behind six dystrophic entities.
    assert rank(demo, ["lab.calcium.high"]).position("hyperparathyroidism") <= 3


def test_the_posters_metastatic_profile_puts_metastatic_entities_first(demo):
    # Measured before the fix: calcific tendinitis first, sarcoidosis 22nd.
    ranking = rank(demo, ["lab.calcium.high", "lab.phosphate.high", "site.articular", "age.adult"])
    leaders = [demo.entity_by_slug[r.entity].mechanism for r in ranking.results[:3]]
    assert leaders == ["metastatic"] * 3


@pytest.mark.parametrize(
    "code",
    [
        "sign.fluid-level",
        "sign.bone-erosion",
        "sign.bony-bridging",
        "sign.lymphadenopathy",
        "sign.nephrocalcinosis",
        "clinical.enlarging-mass",
        "clinical.painful-mass",
        "clinical.skin-plaques",
        "clinical.painful-ulcer",
    ],
)
def test_the_associated_signs_the_issue_names_can_be_entered(demo, code):
    assert code in demo.findings


def test_every_entity_has_a_cited_associated_sign_that_raises_it(demo):
    signs = {code for q in demo.questions if q.group in ("signs", "clinical") for code in q.codes}
    raised = {w.entity for w in demo.weights if w.finding in signs and w.lr > 1 and w.ref}
    assert {e.slug for e in demo.entities} - raised == set()


def test_merged_findings_are_retired_into_single_signs(demo):
    split = {r.code: set(r.into) for r in demo.retired}
    assert split == {
        "morph.lobulated": {"morph.multilobular", "sign.fluid-level"},
        "morph.linear": {"morph.rice-grain", "morph.streaks"},
        "clinical.weakness-rash": {"clinical.weakness", "clinical.rash"},
        "clinical.skin-thickening": {
            "clinical.skin-induration",
            "clinical.sclerodactyly",
            "clinical.raynaud",
        },
    }


def test_every_reason_of_the_demo_exists_in_spanish(demo):
    assert [(w.entity, w.finding) for w in demo.weights if not w.why.es.strip()] == []
