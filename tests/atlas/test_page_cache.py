"""The anonymous page cache: public pages served from the cache, never stale, never another
reader's (atlas/page_cache.py)."""

import re

import pytest
from django.test import Client

from cases.models import Case
from cases.services import case_publish, case_unpublish
from diagnosis.models import Entity
from tests.builders import make_case, make_entity, make_tag
from tests.wizard.builders import make_knowledge_base

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_an_anonymous_reader_gets_the_case_list_from_the_cache(client, django_assert_num_queries):
    make_case(presentation_en="Elbow lump")
    client.get("/en/cases/")
    # None: no session to read, and the page and the content version come from the cache.
    with django_assert_num_queries(0):
        page = client.get("/en/cases/")
    assert "Elbow lump" in page.text


def test_a_published_case_shows_at_once(client):
    case = make_case(presentation_en="Calcified tendon", status=Case.Status.DRAFT)
    assert "Calcified tendon" not in client.get("/en/cases/").text
    assert client.get(case.get_absolute_url()).status_code == 404
    case_publish(case=case)
    assert "Calcified tendon" in client.get("/en/cases/").text
    assert client.get(case.get_absolute_url()).status_code == 200
    assert "1 case," in client.get("/en/").text


def test_an_unpublished_case_goes_at_once(client):
    case = make_case(presentation_en="Calcified tendon")
    assert "Calcified tendon" in client.get("/en/cases/").text
    assert client.get(case.get_absolute_url()).status_code == 200
    case_unpublish(case=case)
    assert "Calcified tendon" not in client.get("/en/cases/").text
    assert client.get(case.get_absolute_url()).status_code == 404


def test_an_edited_case_shows_its_new_text_at_once(client):
    case = make_case(presentation_en="Old title", history_en="Old history.")
    url = case.get_absolute_url()
    assert "Old history." in client.get(url).text
    case.presentation_en, case.history_en = "new lump", "New history."
    case.save()
    page = client.get(url).text
    assert "New history." in page and "Old history." not in page
    assert "new lump" in client.get("/en/cases/").text


def test_a_bulk_update_shows_at_once(client):
    case = make_case(history_en="Old history.")
    assert "Old history." in client.get(case.get_absolute_url()).text
    Case.objects.filter(pk=case.pk).update(history_en="Updated in bulk.")
    assert "Updated in bulk." in client.get(case.get_absolute_url()).text


def test_a_deleted_case_goes_at_once(client):
    case = make_case(presentation_en="Soon gone")
    url = case.get_absolute_url()
    assert client.get(url).status_code == 200
    assert "Soon gone" in client.get("/en/cases/").text
    case.delete()
    assert client.get(url).status_code == 404
    assert "Soon gone" not in client.get("/en/cases/").text


def test_glossary_and_entity_pages_follow_edits_and_deletions(client):
    entity = make_entity(name_en="Calcinosis cutis")
    assert "Calcinosis cutis" in client.get("/en/glossary/").text
    assert client.get(entity.get_absolute_url()).status_code == 200
    entity.name_en = "Calcinosis universalis"
    entity.save()
    assert "Calcinosis universalis" in client.get("/en/glossary/").text
    assert "Calcinosis universalis" in client.get(entity.get_absolute_url()).text
    Entity.objects.filter(pk=entity.pk).delete()
    assert "Calcinosis universalis" not in client.get("/en/glossary/").text
    assert client.get(entity.get_absolute_url()).status_code == 404


def test_a_new_tag_on_a_case_shows_in_the_filtered_list_at_once(client):
    case = make_case(presentation_en="Tagged later")
    tag = make_tag(kind="region", name_en="Elbow", slug="elbow")
    url = f"/en/cases/?region={tag.slug}"
    assert "Tagged later" not in client.get(url).text
    case.tags.add(tag)
    assert "Tagged later" in client.get(url).text


def test_the_unknown_and_the_revealed_stage_are_never_served_for_each_other(client):
    case = make_case(
        presentation_en="Painful lump", diagnosis=make_entity(name_en="Tumoral calcinosis")
    )
    url = case.get_absolute_url()
    for _ in range(2):  # the second round is served from the cache
        assert "Tumoral calcinosis" not in client.get(url).text
        assert "Tumoral calcinosis" not in client.get(url, {"stage": "findings"}).text
        assert "Tumoral calcinosis" in client.get(url, {"stage": "diagnosis"}).text
        assert "Tumoral calcinosis" in client.get(url, {"reveal": "1"}).text


def test_each_language_has_its_own_copy(client):
    make_entity(name_en="Gout", name_es="Gota")
    assert "Gout" in client.get("/en/glossary/").text
    spanish = client.get("/es/glossary/").text
    assert "Gota" in spanish and ">Gout<" not in spanish
    assert "Gout" in client.get("/en/glossary/").text


def test_a_signed_in_reader_never_gets_the_anonymous_copy(client, resident):
    assert "Sign in" in client.get("/en/cases/").text
    client.force_login(resident)
    page = client.get("/en/cases/").text
    assert "Sign out" in page and "resident" in page


def test_a_staff_page_is_never_served_to_anonymous_readers(editor):
    draft = make_case(presentation_en="Draft case", status=Case.Status.DRAFT)
    staff = Client()
    staff.force_login(editor)
    assert "Draft case" in staff.get("/en/cases/").text
    assert staff.get(draft.get_absolute_url()).status_code == 200
    anonymous = Client()
    assert "Draft case" not in anonymous.get("/en/cases/").text
    assert anonymous.get(draft.get_absolute_url()).status_code == 404


def test_signed_in_pages_are_rendered_afresh_each_time(client, resident, django_assert_num_queries):
    make_entity()
    client.force_login(resident)
    client.get("/en/glossary/")
    # 1 the session, 2 the user, 3 the entities, 4 the mechanisms: the view ran again.
    with django_assert_num_queries(4):
        client.get("/en/glossary/")


def test_each_reader_gets_a_csrf_token_of_their_own_that_their_form_accepts():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = TOKEN.search(first.get("/en/glossary/").text).group(1)
    page = second.get("/en/glossary/")  # from the cache
    second_token = TOKEN.search(page.text).group(1)
    assert "csrftoken" in page.cookies
    assert "@csrf@" not in page.text
    theme = {"theme": "dark", "next": "/en/glossary/"}
    refused = second.post("/en/theme/", {**theme, "csrfmiddlewaretoken": first_token})
    assert refused.status_code == 403
    accepted = second.post("/en/theme/", {**theme, "csrfmiddlewaretoken": second_token})
    assert accepted.status_code == 302


def test_a_reader_who_chose_a_theme_gets_pages_in_it_and_others_do_not():
    dark, plain = Client(), Client()
    dark.post("/en/theme/", {"theme": "dark", "next": "/en/"})
    assert 'class="theme-dark"' in dark.get("/en/glossary/").text
    assert 'class="theme-auto"' in plain.get("/en/glossary/").text
    assert 'class="theme-dark"' in dark.get("/en/glossary/").text


def test_a_reader_who_shows_diagnoses_gets_them_and_others_do_not():
    make_case(diagnosis=make_entity(name_en="Myositis ossificans"))
    showing, blind = Client(), Client()
    showing.post("/en/diagnoses/", {"show": "1", "next": "/en/cases/"})
    assert "Myositis ossificans" in showing.get("/en/cases/").text
    assert "Myositis ossificans" not in blind.get("/en/cases/").text
    assert "Myositis ossificans" in showing.get("/en/cases/").text


def test_a_page_with_a_flash_message_is_shown_to_its_reader_only():
    make_knowledge_base()
    case = make_case()
    first = Client().get(f"/en/wizard/case/{case.slug}/", follow=True)
    assert "No findings are recorded for this case yet." in first.text
    assert "No findings are recorded" not in Client().get("/en/wizard/").text


def test_a_post_is_never_answered_from_the_cache(client, django_assert_num_queries):
    make_entity()
    client.get("/en/glossary/")
    # 1 the entities, 2 the mechanisms: the view ran.
    with django_assert_num_queries(2):
        client.post("/en/glossary/")


def test_a_reader_whose_copy_is_current_gets_304_without_a_body(client):
    make_entity(name_en="Gout")
    first = client.get("/en/glossary/")
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get("/en/glossary/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_after_an_edit_the_old_etag_gets_the_new_page(client):
    entity = make_entity(name_en="Gout")
    first = client.get("/en/glossary/")
    entity.name_en = "Tophaceous gout"
    entity.save()
    again = client.get("/en/glossary/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "Tophaceous gout" in again.text
    assert again["ETag"] != first["ETag"]


def test_the_etag_of_one_reader_is_not_current_for_another(client):
    make_entity()
    etag = client.get("/en/glossary/")["ETag"]
    # Another reader's cookie holds another CSRF secret: the first copy's forms would fail.
    assert Client().get("/en/glossary/", headers={"If-None-Match": etag}).status_code == 200


def test_the_etag_differs_by_stage(client):
    case = make_case()
    etag = client.get(case.get_absolute_url())["ETag"]
    revealed = client.get(
        case.get_absolute_url(), {"stage": "diagnosis"}, headers={"If-None-Match": etag}
    )
    assert revealed.status_code == 200
    assert "case__answer" in revealed.text


def _request(rf, path="/en/somewhere/"):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get(path)
    request.user, request.session = AnonymousUser(), SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _counting(answer):
    from atlas.page_cache import public_page

    calls = []

    def view(request):
        calls.append(request)
        return answer(request)

    return public_page(view), calls


def test_a_view_that_sets_a_cookie_is_not_stored(rf):
    from django.http import HttpResponse

    def answer(request):
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    view, calls = _counting(answer)
    view(_request(rf))
    view(_request(rf))
    assert len(calls) == 2


def test_a_view_that_writes_the_session_or_a_message_is_not_stored(rf):
    from django.contrib import messages
    from django.http import HttpResponse

    def writes_session(request):
        request.session["seen"] = True
        return HttpResponse("hello")

    def adds_message(request):
        messages.info(request, "Only for you.")
        return HttpResponse("hello")

    for answer in (writes_session, adds_message):
        view, calls = _counting(answer)
        view(_request(rf))
        view(_request(rf))
        assert len(calls) == 2


def test_an_error_page_is_not_stored_and_a_plain_page_is(rf):
    from django.http import HttpResponse

    view, calls = _counting(lambda request: HttpResponse("no", status=400))
    view(_request(rf))
    view(_request(rf))
    assert len(calls) == 2
    view, calls = _counting(lambda request: HttpResponse("yes"))
    first, second = view(_request(rf)), view(_request(rf))
    assert len(calls) == 1
    assert first.content == second.content == b"yes"


def test_a_new_release_renders_its_own_pages_with_the_content_unchanged(client, monkeypatch):
    from atlas import page_cache

    make_case(presentation_en="Elbow lump")
    stored = client.get("/en/cases/")
    # The page as the old release's templates drew it, still in the shared cache.
    monkeypatch.setattr(page_cache, "release", lambda: "old release")
    client.get("/en/cases/")
    key = page_cache._key(stored.wsgi_request)
    entry = page_cache.cache.get(key)
    page_cache.cache.set(key, (entry[0], *entry[1:3], b"drawn by the old templates", entry[4]))
    assert client.get("/en/cases/").content == b"drawn by the old templates"
    monkeypatch.setattr(page_cache, "release", lambda: "new release")
    page = client.get("/en/cases/")
    assert b"drawn by the old templates" not in page.content and "Elbow lump" in page.text


def test_the_release_changes_with_a_template(settings, tmp_path):
    from atlas import page_cache

    for name in page_cache.RELEASE_DIRS:
        (tmp_path / name).mkdir()
    (tmp_path / "templates" / "base.html").write_text("<title>Atlas</title>")
    settings.BASE_DIR = tmp_path
    page_cache.release.cache_clear()
    try:
        before = page_cache.release()
        (tmp_path / "templates" / "base.html").write_text("<title>Atlas 2</title>")
        page_cache.release.cache_clear()
        assert page_cache.release() != before
    finally:
        page_cache.release.cache_clear()
