"""live:state, which the projector, the presenter view and every phone poll: the place and the
answer count as JSON, 304 while nothing changed, one query whatever the room's size."""

import pytest
from django.test import Client

from teaching import services
from teaching.models import Answer

from .builders import correct_number
from .live_builders import at_question, go, host_client, make_live

pytestmark = pytest.mark.django_db


def answer_from_new_phone(session, position=2):
    phone = Client()
    question = session.quiz.questions.get(position=position)
    response = phone.post(
        f"/en/live/{session.code}/answer/",
        {"position": position, "choice": correct_number(question), "confidence": "certain"},
    )
    assert response.status_code == 302
    return phone


def test_the_state_names_the_place_and_answers_304_until_an_answer_arrives():
    session = at_question(make_live())
    poller = Client()
    first = poller.get(f"/en/live/{session.code}/state/")
    state = first.json()
    assert state["position"] == 2 and state["open"] == 2 and state["answers"] == 0
    again = poller.get(f"/en/live/{session.code}/state/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304

    answer_from_new_phone(session)
    moved = poller.get(f"/en/live/{session.code}/state/", headers={"If-None-Match": first["ETag"]})
    assert moved.status_code == 200 and moved.json()["answers"] == 1
    assert moved["ETag"] != first["ETag"]


def test_the_state_takes_one_query_however_many_phones_answered(django_assert_num_queries):
    session = at_question(make_live())
    for _ in range(6):
        answer_from_new_phone(session)
    assert Answer.objects.count() == 6
    # 1. the session by its code, with the count of answers to the step shown as a subquery
    with django_assert_num_queries(1):
        response = Client().get(f"/en/live/{session.code}/state/")
    assert response.json()["answers"] == 6


def test_an_unknown_code_is_a_404_with_a_message():
    response = Client().get("/en/live/ZZZZZZ/state/")
    assert response.status_code == 404 and "no live session" in response.json()["error"]


def test_two_rooms_polling_in_turn_each_see_their_own_place_and_count():
    # The state's SQL is compiled once and reused: the second room must not get the first's.
    first = at_question(make_live())
    second = services.live_session_start(playlist=first.playlist, host=first.host, seed=4)
    answer_from_new_phone(first)
    poller = Client()
    for _ in range(2):
        one = poller.get(f"/en/live/{first.code.lower()}/state/").json()
        two = poller.get(f"/en/live/{second.code}/state/").json()
        assert (one["open"], one["answers"]) == (2, 1)
        assert (two["open"], two["answers"]) == (None, 0)


def test_the_state_names_the_screen_of_text_the_room_sees():
    session = make_live()
    client = host_client(session)
    moved = go(client, session, "goto", 2).json()
    client.post(
        f"/en/live/{session.code}/go/",
        {"action": "pages", "number": 3, "version": moved["version"]},
        headers={"Accept": "application/json"},
    )
    go(client, session, "next")
    state = Client().get(f"/en/live/{session.code}/state/").json()
    assert (state["position"], state["stage"], state["page"], state["pages"]) == (2, 0, 2, 3)
