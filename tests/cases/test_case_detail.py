import pytest
from django.urls import reverse

from cases.models import Case
from tests.builders import make_case, make_entity

pytestmark = pytest.mark.django_db


def test_case_page_reads_as_an_unknown_until_revealed(client):
    diagnosis = make_entity(name_en="Tumoral calcinosis")
    case = make_case(diagnosis=diagnosis, age=67, presentation_en="elbow lump")
    body = client.get(case.get_absolute_url()).content.decode()
    assert "<h1>Woman, 67, elbow lump</h1>" in body
    assert "Tumoral calcinosis" not in body
    assert "?stage=diagnosis" in body


def test_revealing_shows_the_diagnosis_as_the_title_then_the_teaching(client):
    diagnosis = make_entity(name_en="Tumoral calcinosis")
    other = make_entity(name_en="Calcific tendinitis")
    case = make_case(
        diagnosis=diagnosis,
        teaching_points_en="Painless periarticular mass\nHip, shoulder, elbow",
        discussion_en="Lobulated calcified masses.",
    )
    case.differential.add(other)
    body = client.get(case.get_absolute_url(), {"stage": "diagnosis"}).content.decode()
    assert "<h1>Tumoral calcinosis</h1>" in body
    assert "<li>Painless periarticular mass</li>" in body
    assert "Lobulated calcified masses." in body
    assert other.get_absolute_url() in body
    assert diagnosis.get_absolute_url() in body


def test_the_old_reveal_link_still_reveals(client):
    case = make_case(diagnosis=make_entity(name_en="Tumoral calcinosis"))
    body = client.get(case.get_absolute_url(), {"reveal": "1"}).content.decode()
    assert "<h1>Tumoral calcinosis</h1>" in body


def test_stages_show_history_then_images_then_findings(client):
    case = make_case(history_en="HISTORY-TEXT")
    case.studies.update(findings_en="FINDINGS-TEXT")
    url = case.get_absolute_url()
    history = client.get(url).content.decode()
    assert "HISTORY-TEXT" in history
    assert "CT 1" not in history and "FINDINGS-TEXT" not in history
    assert 'href="?stage=images"' in history
    images = client.get(url, {"stage": "images"}).content.decode()
    assert images.index("HISTORY-TEXT") < images.index("CT 1")
    assert "FINDINGS-TEXT" not in images
    assert f'href="{url}">Hide the images</a>' in images
    findings = client.get(url, {"stage": "findings"}).content.decode()
    assert findings.index("HISTORY-TEXT") < findings.index("(a)") < findings.index("FINDINGS-TEXT")
    assert 'href="?stage=images">Hide the findings</a>' in findings
    revealed = client.get(url, {"stage": "diagnosis"}).content.decode()
    assert "FINDINGS-TEXT" in revealed
    assert 'href="?stage=findings">Hide the diagnosis</a>' in revealed


def test_an_unknown_stage_is_a_400_that_starts_the_case_again(client):
    case = make_case(history_en="HISTORY-TEXT")
    response = client.get(case.get_absolute_url(), {"stage": "answer"})
    assert response.status_code == 400
    assert "There is no stage called “answer”" in response.text
    assert "HISTORY-TEXT" in response.text


def test_before_reveal_captions_are_neutral_and_the_full_caption_waits(client):
    case = make_case(images=2)
    image = case.studies.get().images.get(order=1)
    image.plane_en = "T1 sagittal"
    image.caption_en = "Mature heterotopic bone."
    image.save()
    other = case.studies.get().images.get(order=2)
    other.caption_neutral_en = "Same level, after contrast."
    other.save()
    body = client.get(case.get_absolute_url(), {"stage": "images"}).content.decode()
    # The default is built from the panel, the modality and the plane.
    assert "<figcaption><strong>(a)</strong> CT, T1 sagittal.</figcaption>" in body
    assert "<figcaption><strong>(b)</strong> Same level, after contrast.</figcaption>" in body
    assert "heterotopic" not in body
    revealed = client.get(case.get_absolute_url(), {"stage": "diagnosis"}).content.decode()
    assert "<em>T1 sagittal.</em> Mature heterotopic bone." in revealed


def test_the_neutral_default_caption_is_in_the_readers_language(client):
    case = make_case()
    image = case.studies.get().images.get()
    image.plane_en, image.plane_es = "Axial", "Axial"
    image.caption_neutral_en = "Axial slice through the elbow."
    image.save()
    body = client.get(
        case.get_absolute_url().replace("/en/", "/es/", 1), {"stage": "images"}
    ).content.decode()
    # No Spanish neutral caption: the Spanish default, not the English one.
    assert "<strong>(a)</strong> TC, Axial.</figcaption>" in body
    assert "Axial slice through the elbow." not in body


def test_images_show_neutral_caption_and_alt_text_before_pictures_exist(client):
    case = make_case(images=2)
    body = client.get(case.get_absolute_url(), {"stage": "images"}).content.decode()
    assert body.count('aria-label="Alt."') == 2
    assert "<strong>(a)</strong>" in body and "<strong>(b)</strong>" in body


def test_an_old_address_is_a_permanent_redirect_to_the_neutral_one(client):
    case = make_case(slug="tophaceous-gout-forearm")
    assert case.code.startswith("case-") and "gout" not in case.code
    response = client.get("/en/cases/tophaceous-gout-forearm/", {"reveal": "1"})
    assert response.status_code == 301
    assert response["Location"] == f"/en/cases/{case.code}/?reveal=1"
    image = case.studies.get().images.get()
    response = client.get(f"/es/cases/tophaceous-gout-forearm/images/{image.key}/?frame=2")
    assert response.status_code == 404  # no pixels yet: a reader may not see it
    image.pixels, image.frame_count = image.Pixels.READY, 3
    image.save()
    response = client.get(f"/es/cases/tophaceous-gout-forearm/images/{image.key}/?frame=2")
    assert response.status_code == 301
    assert response["Location"] == f"/es/cases/{case.code}/images/{image.key}/?frame=2"


def test_an_old_address_of_a_draft_does_not_confirm_it_exists(client, editor):
    make_case(slug="draft-gout", status=Case.Status.DRAFT)
    assert client.get("/en/cases/draft-gout/").status_code == 404
    client.force_login(editor)
    assert client.get("/en/cases/draft-gout/").status_code == 301


def test_every_new_case_gets_its_own_neutral_code(client):
    codes = {make_case().code for _ in range(20)}
    assert len(codes) == 20
    assert all(Case.objects.filter(code=code).exists() for code in codes)
    assert all(len(code) == len("case-") + 6 for code in codes)


def test_a_revealed_case_offers_the_previous_and_next_case_and_the_list(client):
    first, middle, last = make_case(), make_case(), make_case()
    order = list(Case.objects.published().order_by("-published_at", "code"))
    assert [c.pk for c in order] == [last.pk, middle.pk, first.pk]
    body = client.get(middle.get_absolute_url(), {"stage": "diagnosis"}).content.decode()
    assert f'<a rel="prev" href="{last.get_absolute_url()}">' in body
    assert f'<a rel="next" href="{first.get_absolute_url()}">' in body
    assert f'<a href="{reverse("cases:list")}">Back to the case list</a>' in body
    newest = client.get(last.get_absolute_url(), {"stage": "diagnosis"}).content.decode()
    assert 'rel="prev"' not in newest and 'rel="next"' in newest
    # Before reveal the way on is the next stage, not another case.
    assert 'rel="next"' not in client.get(middle.get_absolute_url()).content.decode()


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
    # A draft has no place in the list, so no neighbours once revealed.
    revealed = client.get(case.get_absolute_url(), {"stage": "diagnosis"})
    assert revealed.status_code == 200 and 'rel="next"' not in revealed.text


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
    body = client.get(case.get_absolute_url(), {"stage": "diagnosis"}).content.decode()
    assert "sibling case" in body
    assert "draft sibling" not in body


def test_case_page_query_count_is_fixed(client, django_assert_num_queries):
    diagnosis = make_entity()
    case = make_case(diagnosis=diagnosis, studies=3, images=4)
    for _ in range(3):
        case.differential.add(make_entity())
    for _ in range(6):
        make_case(diagnosis=diagnosis, studies=2)
    # Each stage before reveal: 1 case with diagnosis, mechanism and parent, 2 studies,
    # 3 images.
    for stage in ("history", "images", "findings"):
        with django_assert_num_queries(3):
            client.get(case.get_absolute_url(), {"stage": stage})
    # Revealed adds 4 differential, 5 tags, 6 related cases (with cover images as
    # subqueries), 7 their studies, 8 their tags, 9 the previous case, 10 the next one.
    with django_assert_num_queries(10):
        response = client.get(case.get_absolute_url(), {"stage": "diagnosis"})
    assert len(response.context["related"]) == 4


def test_the_spanish_stages_read_in_spanish_and_an_unknown_stage_is_a_400_not_a_crash(client):
    # A fuzzy catalogue entry once gave "%(step)s" for "%(stage)s": a KeyError on this page.
    case = make_case(history_es="HISTORIA")
    url = case.get_absolute_url().replace("/en/", "/es/", 1)
    response = client.get(url, {"stage": "answer"})
    assert response.status_code == 400
    assert "No hay ninguna etapa llamada «answer»" in response.text
    images = client.get(url, {"stage": "images"}).content.decode()
    assert "Mostrar los hallazgos" in images and "Ocultar las imágenes" in images


def test_the_neighbour_queries_are_bounded_by_the_cases_date_and_keep_the_list_order(client):
    """Each neighbour query is bounded by the case's date on its own (>= or <=), a range the
    list's index seeks to. Bounded by an "or" alone, SQLite at 100,000 cases read the index
    from its end: every published case for the newest case, 7 to 25 ms (bench/page_timings.py,
    the revealed case page). Cases published at the same moment still follow by code."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.selectors import neighbour_cases

    same = timezone.now() - timezone.timedelta(days=1)
    older = make_case(published_at=same - timezone.timedelta(days=1))
    first, second = sorted(
        (make_case(published_at=same), make_case(published_at=same)), key=lambda c: c.code
    )
    newer = make_case(published_at=same + timezone.timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        assert neighbour_cases(first) == (newer, second)
    assert neighbour_cases(second) == (first, older)
    assert len(queries.captured_queries) == 2
    newer_sql, older_sql = (query["sql"] for query in queries.captured_queries)
    assert '"published_at" >= ' in newer_sql and '"published_at" <= ' in older_sql
