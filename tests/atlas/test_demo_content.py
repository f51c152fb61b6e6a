"""The one test module that loads the whole demo atlas, as `make run` does."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from cases.models import Case, Image, Study
from diagnosis.models import Entity
from teaching.lib import regions
from teaching.models import Kind, Quiz
from teaching.services import quiz_build, quiz_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))


@pytest.fixture
def rendered_demo(db, django_capture_on_commit_callbacks):
    # The images are rendered by the task queued on commit: run it, as `make run` would.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def test_demo_has_the_posters_eight_cases_and_every_entity_in_both_languages(demo):
    assert Case.objects.published().count() == 8
    assert Entity.objects.count() >= 30
    for entity in Entity.objects.all():
        assert entity.name_en and entity.name_es, entity.slug
        assert entity.definition_en and entity.definition_es, entity.slug
    for case in Case.objects.all():
        assert case.history_en and case.history_es, case.slug
        assert case.presentation_en and case.presentation_es, case.slug
    for image in Image.objects.all():
        assert image.alt_text_en and image.alt_text_es
        assert image.caption_en.startswith("Synthetic illustration, not patient data.")


def test_demo_keeps_the_ambiguous_printed_label_visible(demo, client):
    entity = Entity.objects.get(printed_label="PseudohiperPTH")
    assert entity.slug == "pseudohypoparathyroidism"
    assert "PseudohiperPTH" in client.get(entity.get_absolute_url()).content.decode()


def test_demo_cases_match_the_posters_facts(demo):
    facts = {
        "chronic-venous-thrombosis-ankle": ("F", 41, "chronic-venous-thrombosis"),
        "cysticercosis-gluteal": ("F", 86, "cysticercosis"),
        "dermatomyositis-calcinosis": ("F", 73, "dermatomyositis"),
        "myositis-ossificans-haemophilia": ("M", 16, "myositis-ossificans"),
        "heterotopic-ossification-hip": ("M", 61, "heterotopic-ossification"),
        "calciphylaxis-lupus": ("F", 61, "calciphylaxis"),
        "tumoral-calcinosis-elbow": ("F", 67, "tumoral-calcinosis"),
        "tophaceous-gout-forearm": ("M", 67, "tophaceous-gout"),
    }
    for slug, (sex, age, diagnosis) in facts.items():
        case = Case.objects.select_related("diagnosis").get(slug=slug)
        assert (case.sex, case.age, case.diagnosis.slug) == (sex, age, diagnosis), slug
    follow_up = Study.objects.filter(case__slug="myositis-ossificans-haemophilia")
    assert {s.time_point_en for s in follow_up} >= {"day +4", "day +13", "day +30"}


def test_loading_the_demo_twice_changes_nothing(demo):
    before = (
        Case.objects.count(),
        Study.objects.count(),
        Image.objects.count(),
        Entity.objects.count(),
    )
    call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))
    after = (
        Case.objects.count(),
        Study.objects.count(),
        Image.objects.count(),
        Entity.objects.count(),
    )
    assert before == after


def test_every_public_page_answers_and_every_internal_link_resolves(demo, client):
    seen: dict[str, int] = {}
    queue = ["/en/", "/es/", "/sitemap.xml"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url, follow=True)
        seen[url] = response.status_code
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for link in parser.links:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc or "/admin/" in parts.path or parts.path.startswith("/static/"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    # Both languages' case and glossary pages were reached by links alone.
    for slug in ("tumoral-calcinosis-elbow", "tophaceous-gout-forearm"):
        code = Case.objects.get(slug=slug).code
        assert f"/en/cases/{code}/" in seen and f"/es/cases/{code}/" in seen
    # No page links to a case by its internal name, which names the diagnosis.
    slugs = set(Case.objects.values_list("slug", flat=True))
    assert not [url for url in seen if any(f"/cases/{slug}/" in url for slug in slugs)]
    assert sum(1 for url in seen if url.startswith("/es/glossary/")) >= 30


def test_every_demo_case_can_be_asked_where_its_lesion_is(rendered_demo):
    for case in Case.objects.published():
        images = Image.objects.filter(study__case=case, pixels=Image.Pixels.READY)
        circled = [image for image in images if regions.region_from_annotations(image.annotations)]
        assert circled, f"{case.slug} has no ready image with a circle round its lesion"
        for image in circled:
            # The author's circle is a hit at its own centre, in the image's real pixels.
            region = regions.region_from_annotations(image.annotations)
            assert regions.is_inside(
                region, region["x1"], region["y1"], width=image.width, height=image.height
            )
        # Labels could name the answer: the demo draws none.
        assert not [s for image in images for s in image.annotations if s["type"] == "label"]
    # So a "Where is it?" quiz over the whole demo asks every case.
    cases = quiz_cases(Case.objects.published())
    quiz = quiz_build(cases=cases, kinds=[Kind.WHERE], source=Quiz.Source.FILTERS, seed=1)
    assert [q.kind for q in quiz.questions.all()] == [Kind.WHERE] * 8
