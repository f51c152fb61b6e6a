import pytest

from cases.models import Case, is_case_code
from tests.builders import make_case, make_entity

pytestmark = pytest.mark.django_db


def test_publish_action_makes_a_draft_visible_to_readers(client, superuser):
    case = make_case(status=Case.Status.DRAFT)
    assert client.get(case.get_absolute_url()).status_code == 404
    client.force_login(superuser)
    response = client.post(
        "/en/admin/cases/case/",
        {"action": "publish", "_selected_action": [case.pk]},
        follow=True,
    )
    assert "1 case published." in response.content.decode()
    client.logout()
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED and case.published_at is not None
    assert client.get(case.get_absolute_url()).status_code == 200


def test_publishing_twice_keeps_the_first_publication_date(client, superuser):
    case = make_case()
    first = case.published_at
    client.force_login(superuser)
    client.post("/en/admin/cases/case/", {"action": "publish", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.published_at == first


def test_case_change_page_shows_studies_inline(client, superuser):
    case = make_case(studies=2)
    client.force_login(superuser)
    response = client.get(f"/en/admin/cases/case/{case.pk}/change/")
    assert response.status_code == 200
    assert "CT 2" in response.content.decode()


def _case_form(diagnosis, slug="new-case") -> dict:
    return {
        "slug": slug,
        "status": "draft",
        "age": "41",
        "sex": "F",
        "presentation_en": "ankle ulcer",
        "presentation_es": "úlcera de tobillo",
        "history_en": "History.",
        "history_es": "Historia.",
        "diagnosis": diagnosis.pk,
        "certainty": "imaging",
        "studies-TOTAL_FORMS": "0",
        "studies-INITIAL_FORMS": "0",
        "studies-MIN_NUM_FORMS": "0",
        "studies-MAX_NUM_FORMS": "1000",
    }


def test_a_double_submitted_add_form_creates_one_case_and_explains_the_second(client, superuser):
    diagnosis = make_entity()
    client.force_login(superuser)
    first = client.post("/en/admin/cases/case/add/", _case_form(diagnosis))
    assert first.status_code == 302
    second = client.post("/en/admin/cases/case/add/", _case_form(diagnosis))
    assert second.status_code == 200
    assert "Case with this Internal name already exists." in second.content.decode()
    assert Case.objects.filter(slug="new-case").count() == 1
    # The admin-made case got its neutral public code, and its page is at that code.
    code = Case.objects.get(slug="new-case").code
    assert is_case_code(code)
    assert Case.objects.get(slug="new-case").get_absolute_url() == f"/en/cases/{code}/"


def test_residents_cannot_open_the_admin(client, resident):
    client.force_login(resident)
    response = client.get("/en/admin/cases/case/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_pages_load_nothing_from_another_host(client, superuser):
    # Hospital networks are often closed: every script and stylesheet must be our own.
    case = make_case()
    client.force_login(superuser)
    for url in (f"/en/admin/cases/case/{case.pk}/change/", "/en/admin/diagnosis/entity/add/"):
        body = client.get(url).content.decode()
        assert "//ajax.googleapis.com" not in body
        assert 'src="//' not in body and 'src="http' not in body, url
