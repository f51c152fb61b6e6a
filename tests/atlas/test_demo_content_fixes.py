"""Issue 9's content fixes, checked on the demo atlas's pages as a reader sees them."""

import pytest
from django.core.management import call_command
from django.utils.html import strip_tags
from django.utils.translation import override

from cases.models import Case
from diagnosis.models import Entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", "--no-admin", stdout=open("/dev/null", "w"))


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(strip_tags(response.content.decode()).split())


def _url(lang: str, obj) -> str:
    with override(lang):
        return obj.get_absolute_url()


def test_home_page_defines_calcinosis_and_what_the_diagnosis_rests_on(demo, client):
    english = _text(client, "/en/")
    assert (
        "deposits of hydroxyapatite crystals or amorphous calcium phosphate in any soft tissue"
        in english
    )
    assert "other associated radiological signs" in english
    assert "clinical and laboratory data" in english
    spanish = _text(client, "/es/")
    assert (
        "depósitos de cristales de hidroxiapatita o fosfato cálcico amorfo en cualquier tejido"
        " de partes blandas" in spanish
    )
    assert "otros signos radiológicos asociados" in spanish
    assert "datos clínicos y analíticos" in spanish


def test_injection_cell_and_entity_page_agree_on_what_the_table_prints(demo, client):
    entity = Entity.objects.get(slug="injection-granuloma")
    for lang in ("en", "es"):
        cell = _text(client, f"/{lang}/glossary/classification/")
        assert "(Inyección)" in cell
        assert "(Granuloma de inyección)" not in cell
        page = _text(client, _url(lang, entity))
        prefix = "Printed in the poster as" if lang == "en" else "Impreso en el póster como"
        assert f"{prefix} Inyección" in page


def test_calciphylaxis_small_artery_calcification_has_one_name(demo, client):
    case = Case.objects.get(slug="calciphylaxis-lupus")
    entity = Entity.objects.get(slug="calciphylaxis")
    for lang, term, old in (
        ("en", "fine linear or net-like calcification", "(tram-track) calcification of small"),
        ("es", "calcificación fina, lineal o en red,", "raíl de tren"),
    ):
        case_page = _text(client, _url(lang, case) + "?reveal=1").lower()
        entity_page = _text(client, _url(lang, entity)).lower()
        assert term in case_page and term in entity_page
        assert old not in case_page


def test_confirmed_by_line_ends_in_one_period_on_every_case(demo, client):
    for case in Case.objects.published():
        for lang in ("en", "es"):
            body = _text(client, _url(lang, case) + "?reveal=1")
            assert ".." not in body, (case.slug, lang)


def test_spanish_pages_call_the_lab_value_fosfato_as_the_poster_does(demo, client):
    urls = ["/es/wizard/", "/es/glossary/"]
    urls += [_url("es", e) for e in Entity.objects.all()]
    for url in urls:
        assert "fósforo" not in _text(client, url).lower(), url


def test_calciphylaxis_and_ckd_pages_agree_on_its_mechanism(demo, client):
    calciphylaxis = Entity.objects.get(slug="calciphylaxis")
    ckd = Entity.objects.get(slug="chronic-kidney-disease")
    assert calciphylaxis.mechanism.slug == "dystrophic"
    for lang, filed, metastatic in (
        ("en", "files calciphylaxis as dystrophic", "metastatic"),
        ("es", "clasifica la calcifilaxis como distrófica", "metastásica"),
    ):
        for entity in (calciphylaxis, ckd):
            page = _text(client, _url(lang, entity))
            assert filed in page, (entity.slug, lang)
            assert metastatic in page, (entity.slug, lang)
