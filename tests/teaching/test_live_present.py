"""live:start, live:present and live:go: who may run the projector, and what each stage shows."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from teaching.models import LiveSession, Playlist, PlaylistItem

from .builders import correct_number
from .live_builders import at_question, go, host_client, make_live
from .teacher_builders import make_teacher

pytestmark = pytest.mark.django_db


def screen(client, session) -> str:
    response = client.get(f"/en/live/{session.code}/present/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_playlists_teacher_starts_a_session_and_lands_on_the_projector():
    session = make_live()
    client = host_client(session)
    response = client.post(f"/en/live/start/{session.playlist.code}/")
    started = LiveSession.objects.exclude(pk=session.pk).get()
    assert response.status_code == 302 and response.url == f"/en/live/{started.code}/present/"


def test_a_teacher_who_is_not_the_playlists_cannot_start_or_present_it():
    session = make_live()
    other = Client()
    other.force_login(make_teacher(username="other"))
    assert other.post(f"/en/live/start/{session.playlist.code}/").status_code == 403
    assert other.get(f"/en/live/{session.code}/present/").status_code == 403
    assert go(other, session, "next").status_code == 403
    assert Client().get(f"/en/live/{session.code}/presenter/").status_code == 403


def test_a_shared_playlists_editor_may_present_and_a_superuser_may_start():
    session = make_live()
    editor = make_teacher(username="editor2")
    Playlist.objects.get().editors.add(editor)
    client = Client()
    client.force_login(editor)
    assert client.get(f"/en/live/{session.code}/present/").status_code == 200
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("su", "", "x"))
    assert admin.post(f"/en/live/start/{session.playlist.code}/").status_code == 302


def test_the_projector_walks_slide_history_images_question_answer_findings():
    session = make_live()
    client = host_client(session)
    assert "Soft-tissue calcification" in screen(client, session)
    go(client, session, "next")
    assert "A history." in screen(client, session)
    go(client, session, "next")
    assert 'class="figures figures--' in screen(client, session)
    go(client, session, "next")
    page = screen(client, session)
    assert "What is the diagnosis?" in page and session.code in page
    assert f"/live/{session.code}/qr.svg" in page
    session.refresh_from_db()
    assert session.open_question == 2
    go(client, session, "reveal")
    page = screen(client, session)
    assert "Dermatomyositis" in page and "bar--correct" in page
    session.refresh_from_db()
    assert session.open_question is None  # the reveal closed the question
    go(client, session, "next")
    page = screen(client, session)
    assert "Look at the pattern." in page and "/en/glossary/dermatomyositis/" in page


def test_the_reveal_shows_every_answer_of_the_room_with_the_right_one_marked():
    session = at_question(make_live())
    question = session.quiz.questions.get(position=2)
    right = correct_number(question)
    wrong = 1 if right != 1 else 2
    for number in (right, right, wrong):
        Client().post(
            f"/en/live/{session.code}/answer/",
            {"position": 2, "choice": number, "confidence": "certain"},
        )
    client = host_client(session)
    go(client, session, "reveal")
    page = screen(client, session)
    # Three answers are shown although the quiz's shares wait for five readers.
    assert "3 answers" in page and "2 · 67 %" in page and "1 · 33 %" in page


def test_the_where_reveal_draws_each_tap_on_the_image():
    session = at_question(make_live(), position=3)
    for x in (0.5, 0.1):
        Client().post(
            f"/en/live/{session.code}/answer/",
            {"position": 3, "nx": x, "ny": 0.5, "confidence": "certain"},
        )
    client = host_client(session)
    go(client, session, "reveal")
    page = screen(client, session)
    assert page.count('class="taps__dot') == 2 and "taps__dot--right" in page


def test_blank_toggles_and_goto_jumps_to_the_step_as_numbered():
    session = make_live()
    client = host_client(session)
    go(client, session, "blank")
    assert "The screen is blank." in screen(client, session)
    go(client, session, "goto", 3)
    session.refresh_from_db()
    assert (session.position, session.stage, session.blank) == (3, 0, False)


def test_every_move_raises_the_version_and_a_bad_action_is_a_400():
    session = make_live()
    client = host_client(session)
    before = session.version
    go(client, session, "next")
    go(client, session, "back")
    session.refresh_from_db()
    assert session.version == before + 2
    assert go(client, session, "explode").status_code == 400


def test_without_javascript_the_next_button_posts_and_comes_back_to_the_same_window():
    session = make_live()
    client = host_client(session)
    page = screen(client, session)
    assert 'name="action" value="next"' in page
    response = client.post(f"/en/live/{session.code}/go/", {"action": "next", "from": "presenter"})
    assert response.status_code == 302 and response.url.endswith("/presenter/")


def test_the_projector_has_no_site_chrome_and_no_inline_script_or_style():
    session = make_live()
    page = screen(host_client(session), session)
    assert "site-header" not in page and "css/projector.css" in page
    assert "style=" not in page and "<script>" not in page
    assert '<script type="module" src="/static/js/projector.js"></script>' in page


def test_the_qr_code_is_an_svg_of_the_join_address():
    session = make_live()
    response = Client().get(f"/en/live/{session.code}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and b"xmlns" in response.content


def measure(client, session, pages: int, version: int):
    return client.post(
        f"/en/live/{session.code}/go/",
        {"action": "pages", "number": pages, "version": version},
        headers={"Accept": "application/json"},
    )


def test_the_projectors_count_of_screens_is_taken_for_its_version_only():
    session = make_live()
    client = host_client(session)
    here = go(client, session, "goto", 2).json()
    stale = measure(client, session, 2, here["version"] - 1).json()
    assert not stale["applied"] and stale["pages"] == 1
    taken = measure(client, session, 2, here["version"]).json()
    assert taken["applied"] and taken["pages"] == 2 and taken["version"] == here["version"] + 1
    assert go(client, session, "next").json()["page"] == 2  # → turned the page, not the stage
    assert measure(client, session, 99, taken["version"]).status_code == 400
    assert measure(client, session, 2, "soon").status_code == 400


def test_a_move_takes_the_same_queries_however_long_the_playlist(django_assert_num_queries):
    session = make_live()
    for position in range(4, 30):
        PlaylistItem.objects.create(playlist=session.playlist, position=position, title="More")
    client = host_client(session)
    go(client, session, "goto", 2)
    # 1. the live session by its code with playlist and quiz; 2. the browser's session;
    # 3. its user; 4-5. the user's and the groups' permissions (is the host a teacher?);
    # 6. savepoint; 7. the row locked; 8-9. the playlist's steps and the quiz's question
    # positions; 10. the update; 11. release; 12. the row read back for the answer
    with django_assert_num_queries(12):
        assert go(client, session, "next").json()["stage"] == 1
    # The count of screens: the same but for the steps (1-7, the update, release, read back).
    version = LiveSession.objects.get().version
    with django_assert_num_queries(10):
        assert measure(client, session, 2, version).json()["applied"]
