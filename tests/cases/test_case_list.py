import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from atlas.models import Tag
from cases.models import Case, Study
from tests.builders import make_case, make_entity, make_mechanism, make_tag

pytestmark = pytest.mark.django_db
URL = "/en/cases/"


def test_case_list_shows_published_cases_by_neutral_title(client):
    case = make_case(age=41, presentation_en="chronic ankle ulcer")
    response = client.get(URL)
    assert response.status_code == 200
    assert "Woman, 41, chronic ankle ulcer" in response.content.decode()
    card = response.content.decode().split('<article class="case-card">')[1].split("</article>")[0]
    # The card reads as an unknown; the diagnosis facet on the side is the reader's choice.
    assert case.diagnosis.name not in card


def test_anonymous_user_does_not_see_draft_cases_in_the_list(client):
    make_case(presentation_en="visible lump")
    make_case(presentation_en="secret draft lump", status=Case.Status.DRAFT)
    body = client.get(URL).content.decode()
    assert "visible lump" in body
    assert "secret draft lump" not in body


def test_staff_see_drafts_marked_as_drafts(client, editor):
    make_case(presentation_en="secret draft lump", status=Case.Status.DRAFT)
    client.force_login(editor)
    body = client.get(URL).content.decode()
    assert "secret draft lump" in body
    assert "badge--draft" in body


def test_filters_combine_and_each_option_shows_its_count(client):
    dystrophic = make_mechanism(slug="dystrophic", name_en="Dystrophic")
    metastatic = make_mechanism(slug="metastatic", name_en="Metastatic")
    gout = make_entity(mechanism=metastatic, slug="gout")
    trauma = make_entity(mechanism=dystrophic, slug="trauma")
    elbow = make_tag(slug="region-elbow", name_en="Elbow", kind=Tag.Kind.REGION)
    man = make_case(diagnosis=gout, sex="M", age=67, presentation_en="swollen arm")
    man.tags.add(elbow)
    make_case(diagnosis=gout, sex="F", age=30, presentation_en="wrist lump")
    make_case(diagnosis=trauma, sex="M", age=16, presentation_en="thigh pain")

    response = client.get(URL, {"mechanism": "metastatic", "sex": "M"})
    body = response.content.decode()
    assert "swollen arm" in body
    assert "wrist lump" not in body and "thigh pain" not in body
    facets = response.context["facets"]
    # Counts of one filter are computed with every *other* filter in force.
    assert {o.value: o.count for o in facets["mechanism"]} == {"dystrophic": 1, "metastatic": 1}
    assert {o.value: o.count for o in facets["sex"]} == {"F": 1, "M": 1}
    assert {o.value: o.count for o in facets["region"]} == {"region-elbow": 1}


def test_age_range_and_modality_filter(client):
    young = make_case(age=16, presentation_en="young patient")
    make_case(age=80, presentation_en="old patient")
    Study.objects.filter(case=young).update(modality=Study.Modality.ULTRASOUND)
    body = client.get(URL, {"age_min": 10, "age_max": 20, "modality": "US"}).content.decode()
    assert "young patient" in body
    assert "old patient" not in body


def test_modality_counts_are_distinct_cases_with_other_filters_in_force(client):
    # More cases than a page shows, several studies each: a count per study row, or one
    # grouped by the studies' ordering, would be wrong.
    for n in range(14):
        case = make_case(sex="M" if n < 10 else "F", studies=3)
        if n % 2 == 0:
            Study.objects.filter(case=case, order=3).update(modality=Study.Modality.ULTRASOUND)
    response = client.get(URL, {"sex": "M"})
    counts = {o.value: o.count for o in response.context["facets"]["modality"]}
    # Ten men, every one with CT; the five even ones also with ultrasound.
    assert counts == {"CT": 10, "US": 5}
    chosen = client.get(URL, {"sex": "M", "modality": "US"})
    assert chosen.context["page"].paginator.count == 5
    assert "Ultrasound (5)" in " ".join(strip_tags(response.content.decode()).split())


def test_bad_filter_values_get_a_page_that_says_what_was_wrong(client):
    response = client.get(URL, {"age_min": "old", "sex": "X"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a whole number" in body
    assert "Select a valid choice" in body


def test_inverted_age_range_is_explained(client):
    response = client.get(URL, {"age_min": 60, "age_max": 20})
    assert response.status_code == 400
    assert "lower age must not be above the upper age" in response.content.decode()


def test_unknown_slug_in_a_filter_is_a_404_that_names_it(client):
    make_case()
    response = client.get(URL, {"mechanism": "no-such-mechanism"})
    assert response.status_code == 404
    assert "no-such-mechanism" in response.content.decode()


def test_unknown_query_parameters_are_ignored(client):
    make_case(presentation_en="a lump")
    response = client.get(URL, {"utm_source": "mail", "reveal": "yes"})
    assert response.status_code == 200
    assert "a lump" in response.content.decode()


def test_list_is_paginated_and_keeps_filters_in_page_links(client):
    for _ in range(14):
        make_case(sex="F")
    response = client.get(URL, {"sex": "F"})
    assert len(response.context["page"].object_list) == 12
    assert "sex=F&amp;page=2" in response.content.decode()
    second = client.get(URL, {"sex": "F", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_case_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    tag = make_tag(kind=Tag.Kind.REGION)
    for _ in range(15):
        case = make_case(studies=2)
        case.tags.add(tag)
    # After writes the facet index is built again: 1 mechanisms, 2 entities, 3 tags, 4 every
    # case's facet columns in list order, 5 their studies' modalities, 6 their tags; then the
    # page: 7 its twelve cases by pk (each with its cover image, as a subquery), 8 their
    # studies, 9 their region tags.
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 12
    # The index is current: the counts cost no query, the page its three.
    with django_assert_num_queries(3):
        response = client.get(URL, {"region": tag.slug, "page": 2})
    assert len(response.context["page"].object_list) == 3
    client.post(reverse("diagnoses"), {"show": "1"})
    # With diagnoses shown: 1 the session, then the page's three (its cases with their
    # diagnosis joined).
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 12


def test_list_url_is_named(client):
    assert reverse("cases:list") == URL


def test_each_facet_and_the_heading_count_with_every_other_filter_in_force(client):
    metastatic = make_mechanism(slug="metastatic", name_en="Metastatic")
    dystrophic = make_mechanism(slug="dystrophic", name_en="Dystrophic")
    gout = make_entity(mechanism=metastatic, slug="gout", name_en="Gout")
    renal = make_entity(mechanism=metastatic, slug="renal", name_en="Renal failure")
    trauma = make_entity(mechanism=dystrophic, slug="trauma", name_en="Trauma")
    knee = make_tag(slug="knee", name_en="Knee", kind=Tag.Kind.REGION)
    tophus = make_tag(slug="tophus", name_en="Tophus", kind=Tag.Kind.PATTERN)
    for diagnosis, sex, tags in (
        (gout, "M", [knee, tophus]),
        (gout, "M", [knee]),
        (gout, "F", [knee, tophus]),
        (renal, "M", [knee]),
        (trauma, "M", [tophus]),
    ):
        make_case(diagnosis=diagnosis, sex=sex).tags.add(*tags)
    client.post(reverse("diagnoses"), {"show": "1"})

    response = client.get(URL, {"entity": "gout", "sex": "M", "region": "knee"})
    facets = response.context["facets"]
    counts = {key: {o.value: o.count for o in facets[key]} for key in facets}
    assert counts["entity"] == {"gout": 2, "renal": 1}  # men with a knee tag
    assert counts["mechanism"] == {"metastatic": 2, "dystrophic": 0}  # gout, men, knee
    assert counts["sex"] == {"M": 2, "F": 1}  # gout, knee
    assert counts["region"] == {"knee": 2}  # gout, men
    assert counts["tag"] == {"tophus": 1}  # gout, men, knee
    assert "2 cases" in strip_tags(response.content.decode())


def test_a_card_shows_its_studies_and_region_tags_in_the_readers_language(client):
    case = make_case(presentation_en="knee lump", presentation_es="bulto en la rodilla")
    case.studies.update(
        modality=Study.Modality.CT, time_point_en="at 6 months", time_point_es="a los 6 meses"
    )
    knee = make_tag(kind=Tag.Kind.REGION, name_en="Knee", name_es="Rodilla")
    ankle = make_tag(kind=Tag.Kind.REGION, name_en="Ankle", name_es="Tobillo")
    pattern = make_tag(kind=Tag.Kind.PATTERN, name_en="Ring-like", name_es="En anillo")
    case.tags.add(knee, ankle, pattern)

    def card(language):
        page = client.get(f"/{language}/cases/").content.decode()
        return strip_tags(page.split('<article class="case-card">')[1].split("</article>")[0])

    english, spanish = card("en"), card("es")
    assert "Woman, 40, knee lump" in english and "Mujer, 40, bulto en la rodilla" in spanish
    assert "CT · at 6 months" in english and "TC · a los 6 meses" in spanish
    # Region tags only, by name in the reader's language.
    assert english.index("Ankle") < english.index("Knee") and "Ring-like" not in english
    assert spanish.index("Rodilla") < spanish.index("Tobillo") and "En anillo" not in spanish


def test_a_card_falls_back_to_the_other_language_where_a_text_is_empty(client):
    case = make_case()
    case.studies.update(modality=Study.Modality.MR, time_point_en="6 months", time_point_es="")
    Study.objects.create(case=case, order=9, modality=Study.Modality.CT, time_point_en="")
    hip = make_tag(kind=Tag.Kind.REGION, name_en="Hip", name_es="")
    case.tags.add(hip)

    def card(language):
        page = client.get(f"/{language}/cases/").content.decode()
        return page.split('<article class="case-card">')[1].split("</article>")[0]

    spanish = card("es")
    # The Spanish reader sees the English text where the Spanish one is empty, as on the case
    # page; a study with no time point in either language shows none; studies in their order.
    assert '<li class="badge">RM · 6 months</li>' in spanish
    assert '<li class="badge">TC</li>' in spanish
    assert spanish.index(">RM") < spanish.index(">TC")
    assert '<li class="badge badge--region">Hip</li>' in spanish


def test_a_choice_label_is_the_display_value_and_an_unknown_value_is_itself():
    from django.utils import translation

    from cases.models import choice_label

    with translation.override("es"):
        assert choice_label(Case.Sex, "F") == Case(sex="F").get_sex_display() == "Mujer"
    assert choice_label(Study.Modality, "??") == "??"
