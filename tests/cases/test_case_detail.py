import pytest

from cases.models import Case
from tests.builders import make_case, make_entity

pytestmark = pytest.mark.django_db


def test_case_page_reads_as_an_unknown_until_revealed(client):
    diagnosis = make_entity(name_en="Tumoral calcinosis")
    case = make_case(diagnosis=diagnosis, age=67, presentation_en="elbow lump")
    body = client.get(case.get_absolute_url()).content.decode()
    assert "<h1>Woman, 67, elbow lump</h1>" in body
    assert "Tumoral calcinosis" not in body
    assert "?reveal=1" in body


def test_revealing_shows_the_diagnosis_as_the_title_then_the_teaching(client):
    diagnosis = make_entity(name_en="Tumoral calcinosis")
    other = make_entity(name_en="Calcific tendinitis")
    case = make_case(
        diagnosis=diagnosis,
        teaching_points_en="Painless periarticular mass\nHip, shoulder, elbow",
        discussion_en="Lobulated calcified masses.",
    )
    case.differential.add(other)
    body = client.get(case.get_absolute_url(), {"reveal": "1"}).content.decode()
    assert "<h1>Tumoral calcinosis</h1>" in body
    assert "<li>Painless periarticular mass</li>" in body
    assert "Lobulated calcified masses." in body
    assert other.get_absolute_url() in body
    assert diagnosis.get_absolute_url() in body


def test_history_comes_before_studies_and_findings_after_images(client):
    case = make_case(history_en="HISTORY-TEXT")
    case.studies.update(findings_en="FINDINGS-TEXT")
    body = client.get(case.get_absolute_url()).content.decode()
    assert body.index("HISTORY-TEXT") < body.index("Caption.") < body.index("FINDINGS-TEXT")


def test_images_show_caption_and_alt_text_before_pictures_exist(client):
    case = make_case(images=2)
    body = client.get(case.get_absolute_url()).content.decode()
    assert body.count('aria-label="Alt."') == 2
    assert "<strong>(a)</strong>" in body and "<strong>(b)</strong>" in body


def test_anonymous_user_cannot_see_draft_case(client):
    case = make_case(status=Case.Status.DRAFT)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 404
    assert "No published case has this address." in response.content.decode()


def test_resident_cannot_see_draft_case(client, resident):
    case = make_case(status=Case.Status.DRAFT)
    client.force_login(resident)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_staff_can_preview_a_draft_with_a_banner(client, editor):
    case = make_case(status=Case.Status.DRAFT)
    client.force_login(editor)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only staff can see this case." in response.content.decode()


def test_staff_whom_the_admin_refuses_cases_cannot_preview_a_draft(client, bare_staff):
    case = make_case(status=Case.Status.DRAFT)
    client.force_login(bare_staff)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get("/en/admin/cases/case/").status_code == 403


def test_unknown_case_slug_is_a_404(client):
    assert client.get("/en/cases/no-such-case/").status_code == 404


def test_related_cases_share_the_diagnosis_and_exclude_drafts(client):
    diagnosis = make_entity()
    case = make_case(diagnosis=diagnosis)
    make_case(diagnosis=diagnosis, presentation_en="sibling case")
    make_case(diagnosis=diagnosis, presentation_en="draft sibling", status=Case.Status.DRAFT)
    body = client.get(case.get_absolute_url(), {"reveal": "1"}).content.decode()
    assert "sibling case" in body
    assert "draft sibling" not in body


def test_case_page_query_count_is_fixed(client, django_assert_num_queries):
    diagnosis = make_entity()
    case = make_case(diagnosis=diagnosis, studies=3, images=4)
    for _ in range(3):
        case.differential.add(make_entity())
    for _ in range(6):
        make_case(diagnosis=diagnosis, studies=2)
    # 1 case with diagnosis, mechanism and parent, 2 studies, 3 images, 4 differential,
    # 5 tags; revealed adds 6 related cases (with cover images as subqueries), 7 their
    # studies, 8 their tags.
    with django_assert_num_queries(5):
        client.get(case.get_absolute_url())
    with django_assert_num_queries(8):
        response = client.get(case.get_absolute_url(), {"reveal": "1"})
    assert len(response.context["related"]) == 4
