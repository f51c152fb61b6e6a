"""live:join and live:phone: a code typed in any case, and the question while it is open."""

import pytest
from django.test import Client

from teaching.live_services import live_session_go

from .live_builders import at_question, make_live

pytestmark = pytest.mark.django_db


def test_the_join_code_is_found_in_lower_case_and_from_the_short_address():
    session = make_live()
    response = Client().get("/en/live/", {"code": f" {session.code.lower()} "})
    assert response.status_code == 302 and response.url == f"/en/live/{session.code}/"
    short = Client().get(f"/j/{session.code.lower()}")
    assert short.status_code == 302 and session.code in short.url


def test_a_wrong_code_says_so():
    response = Client().get("/en/live/", {"code": "NOPE"})
    assert response.status_code == 404
    assert "There is no live session with the code NOPE." in response.content.decode()


def test_a_phone_waits_until_the_question_opens_and_a_late_joiner_sees_it():
    session = make_live()
    page = Client().get(f"/en/live/{session.code}/").content.decode()
    assert "Look at the screen" in page and 'name="choice"' not in page
    at_question(session)
    late = Client().get(f"/en/live/{session.code}/").content.decode()
    assert "What is the diagnosis?" in late and 'name="choice"' in late
    assert 'data-state-url="/en/live/' in late


def test_the_where_question_reuses_the_quizs_tap_form():
    session = at_question(make_live(), position=3)
    page = Client().get(f"/en/live/{session.code}/").content.decode()
    assert 'class="quiz-where__image"' in page and "js/quiz-where.js" in page
    assert 'name="confidence"' in page


def test_after_the_reveal_the_phone_goes_back_to_waiting():
    session = at_question(make_live())
    live_session_go(session=session, action="reveal")
    page = Client().get(f"/en/live/{session.code}/").content.decode()
    assert "Look at the screen" in page
