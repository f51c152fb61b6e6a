"""An entity page prints the wizard's weights for it: what raises and lowers the diagnosis."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.builders import make_entity
from tests.wizard.builders import SMALL_KB, make_knowledge_base
from wizard.models import Finding, FindingWeight
from wizard.snapshot import knowledge_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    knowledge_cache_clear()
    yield
    knowledge_cache_clear()


def section(body: str) -> str:
    start = body.index('<section class="weights"')
    return body[start : body.index("</section>", start)]


def test_gout_lists_raising_answers_by_size_then_lowering_ones_with_reasons(client):
    make_knowledge_base()
    text = section(client.get("/en/glossary/tophaceous-gout/").text)
    assert "<details>" in text
    assert "What raises and lowers this diagnosis" in text
    # Raised: 30, 6, 3 in that order; then lowered: 0.5.
    order = [
        text.index('Relevant history: Gout <span class="weights__lr">×30</span>: '),
        text.index('Serum uric acid: High <span class="weights__lr">×6</span>'),
        text.index('Which tissue? Joint <span class="weights__lr">×3</span>'),
        text.index("Lowered by"),
        text.index('Which tissue? Tendon <span class="weights__lr">×0.5</span>'),
    ]
    assert order == sorted(order)
    assert text.index("Raised by") < order[0]
    assert '<span lang="en">a known gouty patient</span>' in text
    assert '<span lang="en">rarely in a tendon alone</span>' in text


def test_spanish_page_has_spanish_labels_and_marks_english_reasons(client):
    make_knowledge_base()
    weight = FindingWeight.objects.get(entity__slug="tophaceous-gout", finding__code="hx.gout")
    weight.why_es = "un paciente con gota conocida"
    weight.save()
    with translation.override("es"):
        text = section(client.get("/es/glossary/tophaceous-gout/").text)
    assert 'Antecedentes relevantes: Gota <span class="weights__lr">×30</span>' in text
    assert '<span lang="es">un paciente con gota conocida</span>' in text
    assert '¿Qué tejido? Tendón <span class="weights__lr">×0,5</span>' in text
    assert '<span lang="en">rarely in a tendon alone</span>' in text
    assert text.index("×30") < text.index("×0,5")


def test_an_entity_without_weights_has_no_section(client):
    make_knowledge_base()
    lonely = make_entity(slug="lonely", name_en="Lonely")
    assert 'class="weights"' not in client.get(lonely.get_absolute_url()).text


def test_no_section_when_the_knowledge_base_is_unavailable(client):
    entity = make_entity()
    response = client.get(entity.get_absolute_url())
    assert response.status_code == 200
    assert 'class="weights"' not in response.text


def test_query_count_does_not_grow_with_the_weights(client):
    entities = make_knowledge_base()
    gout = entities["tophaceous-gout"]
    url = gout.get_absolute_url()

    def count() -> int:
        knowledge_cache_clear()
        client.get(url)  # built and cached
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        return len(context.captured_queries)

    few = count()
    taken = set(FindingWeight.objects.filter(entity=gout).values_list("finding_id", flat=True))
    for finding in Finding.objects.exclude(pk__in=taken):
        # Below 1, so no answer's probability passes one however common it is.
        FindingWeight.objects.create(entity=gout, finding=finding, lr=0.9, why_en="fewer")
    many = count()
    assert FindingWeight.objects.filter(entity=gout).count() > len(
        SMALL_KB["entities"][0]["weights"]
    )
    assert (
        section(client.get(url).text).count("<li>")
        == FindingWeight.objects.filter(entity=gout).count()
    )
    assert many == few
