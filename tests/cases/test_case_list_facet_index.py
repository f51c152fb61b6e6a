"""The case list counts from the facet index: the same as SQL counted, and never stale."""

import itertools
import random

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from atlas.models import Tag
from cases.models import Case, Study
from cases.selectors import case_listing, cases_filtered
from cases.services import case_publish, case_unpublish
from tests.builders import make_case, make_entity, make_mechanism, make_tag
from tests.cases.facets_sql import case_facets_and_count

pytestmark = pytest.mark.django_db
URL = "/en/cases/"


def _counts(facets: dict) -> dict:
    return {
        key: {o.value: (o.count, o.selected) for o in options} for key, options in facets.items()
    }


@pytest.fixture
def varied_atlas():
    """Thirty-odd cases over three mechanisms, with drafts, several modalities and tags."""
    rng = random.Random(12)
    mechanisms = [make_mechanism(slug=s, name_en=s.title()) for s in ("dys", "meta", "idio")]
    entities = [
        make_entity(mechanism=mechanisms[i % 3], slug=f"entity-{i}", name_en=f"Entity {i}")
        for i in range(6)
    ]
    tags = [
        make_tag(slug="knee", name_en="Knee", kind=Tag.Kind.REGION),
        make_tag(slug="hand", name_en="Hand", kind=Tag.Kind.REGION),
        make_tag(slug="rings", name_en="Rings", kind=Tag.Kind.PATTERN),
        make_tag(slug="gout", name_en="Gout topic", kind=Tag.Kind.TOPIC),
    ]
    modalities = Study.Modality.values
    for n in range(34):
        status = Case.Status.DRAFT if n % 7 == 3 else Case.Status.PUBLISHED
        case = make_case(
            diagnosis=entities[rng.randrange(5)],  # the sixth has no case
            sex=rng.choice(Case.Sex.values),
            age=rng.randrange(5, 90),
            status=status,
            studies=rng.randrange(1, 4),
        )
        for study in case.studies.all():
            study.modality = rng.choice(modalities[:4])
            study.save()
        case.tags.add(*rng.sample(tags, rng.randrange(0, 4)))
    return {"mechanisms": mechanisms, "entities": entities, "tags": tags}


def _filter_sets(atlas) -> list[dict]:
    values = {
        "mechanism": [m.slug for m in atlas["mechanisms"]] + ["no-such"],
        "entity": [e.slug for e in atlas["entities"]] + ["no-such"],
        "modality": ["CT", "US", "MR", "XR", "NM"],
        "region": ["knee", "hand", "rings", "no-such"],  # a pattern is no region
        "tag": ["knee", "rings", "gout", "no-such"],
        "sex": Case.Sex.values,
        "age_min": [30, 60],
        "age_max": [20, 50],
    }
    sets = [{}] + [{key: v} for key, vs in values.items() for v in vs]
    rng = random.Random(5)
    for a, b, c in itertools.combinations(values, 3):
        for _ in range(2):
            sets.append({key: rng.choice(values[key]) for key in (a, b, c)})
    sets.append({key: vs[0] for key, vs in values.items() if key != "age_max"})
    return sets


def test_the_index_counts_and_pages_as_sql_does_for_every_filter_and_combinations(varied_atlas):
    for drafts, diagnoses in ((False, True), (False, False), (True, True)):
        base = Case.objects.all() if drafts else Case.objects.published()
        for filters in _filter_sets(varied_atlas):
            facets, pks = case_listing(filters, diagnoses=diagnoses, drafts=drafts)
            expected, total = case_facets_and_count(base, filters, diagnoses=diagnoses)
            assert _counts(facets) == _counts(expected), (filters, drafts)
            order = cases_filtered(base, filters).order_by("-published_at", "code")
            assert pks.tolist() == list(order.values_list("pk", flat=True)), filters
            assert len(pks) == total


def _listed(client, params=None) -> tuple[dict, list[str], str]:
    response = client.get(URL, params or {})
    facets = {k: {o.value: o.count for o in v} for k, v in response.context["facets"].items()}
    codes = [case.code for case in response.context["page"].object_list]
    return facets, codes, " ".join(strip_tags(response.content.decode()).split())


def test_publishing_and_unpublishing_change_the_counts_and_the_page_at_once(client):
    shown = make_case(sex="F")
    draft = make_case(sex="M", status=Case.Status.DRAFT)
    facets, codes, text = _listed(client)
    assert facets["sex"] == {"F": 1} and codes == [shown.code] and "1 case" in text
    case_publish(case=draft)
    facets, codes, text = _listed(client)
    assert facets["sex"] == {"F": 1, "M": 1} and codes == [draft.code, shown.code]
    assert "2 cases" in text
    case_unpublish(case=shown)
    facets, codes, _text = _listed(client)
    assert facets["sex"] == {"M": 1} and codes == [draft.code]


def test_retagging_a_case_moves_its_count_and_its_place_in_a_filtered_page(client):
    knee = make_tag(slug="knee", name_en="Knee", kind=Tag.Kind.REGION)
    hand = make_tag(slug="hand", name_en="Hand", kind=Tag.Kind.REGION)
    case = make_case()
    case.tags.add(knee)
    assert _listed(client)[0]["region"] == {"knee": 1}
    case.tags.set([hand])
    facets, _codes, _text = _listed(client)
    assert facets["region"] == {"hand": 1}
    assert _listed(client, {"region": "hand"})[1] == [case.code]
    assert _listed(client, {"region": "knee"})[1] == []


def test_a_new_study_counts_its_modality_at_once(client):
    case = make_case()
    assert _listed(client)[0]["modality"] == {"CT": 1}
    Study.objects.create(case=case, order=2, modality=Study.Modality.MR)
    assert _listed(client)[0]["modality"] == {"CT": 1, "MR": 1}
    assert _listed(client, {"modality": "MR"})[1] == [case.code]


def test_a_deleted_case_leaves_the_counts_and_the_page_at_once(client):
    kept, gone = make_case(sex="F"), make_case(sex="M")
    assert _listed(client)[0]["sex"] == {"F": 1, "M": 1}
    gone.delete()
    facets, codes, text = _listed(client)
    assert facets["sex"] == {"F": 1} and codes == [kept.code] and "1 case" in text


def test_a_draft_never_counts_for_an_anonymous_reader(client):
    entity = make_entity(slug="secret-entity", name_en="Secret entity")
    make_case(diagnosis=entity, status=Case.Status.DRAFT, sex="M")
    make_case(sex="F")
    client.post(reverse("diagnoses"), {"show": "1"})
    facets, codes, text = _listed(client)
    assert "secret-entity" not in facets["entity"] and facets["sex"] == {"F": 1}
    assert len(codes) == 1 and "1 case" in text
    assert _listed(client, {"entity": "secret-entity"})[1] == []


def test_staff_see_drafts_counted(client, editor):
    make_case(status=Case.Status.DRAFT, sex="M")
    make_case(sex="F")
    _listed(client)  # an anonymous reader first: the same index serves both
    client.force_login(editor)
    facets, codes, text = _listed(client)
    assert facets["sex"] == {"F": 1, "M": 1} and len(codes) == 2 and "2 cases" in text


def test_renaming_a_tag_shows_its_new_name_at_once(client):
    tag = make_tag(slug="knee", name_en="Knee", kind=Tag.Kind.REGION)
    make_case().tags.add(tag)
    assert "Knee (1)" in _listed(client)[2]
    Tag.objects.filter(pk=tag.pk).update(name_en="Knee joint")
    assert "Knee joint (1)" in _listed(client)[2]
