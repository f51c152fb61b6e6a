"""live:presenter: the notes, the next step, the answer and the live tally for the teacher."""

import pytest
from django.test import Client

from .live_builders import at_question, go, host_client, make_live

pytestmark = pytest.mark.django_db


def test_the_presenter_view_shows_the_notes_the_next_step_and_the_tally():
    session = at_question(make_live())
    question = session.quiz.questions.get(position=2)
    Client().post(
        f"/en/live/{session.code}/answer/", {"position": 2, "choice": 1, "confidence": "certain"}
    )
    client = host_client(session)
    page = client.get(f"/en/live/{session.code}/presenter/").content.decode()
    assert "Ask about the mechanism first." in page
    assert "Next step" in page and "Woman, 40, painful lump" in page
    assert question.answer_name in page  # the teacher sees the answer before the room does
    assert "1 answer" in page and 'id="timer"' in page


def test_a_move_from_the_presenter_moves_the_projector():
    session = make_live()
    client = host_client(session)
    go(client, session, "next")
    page = client.get(f"/en/live/{session.code}/present/").content.decode()
    assert "A history." in page


def test_the_presenter_view_names_the_rooms_screen_of_text_and_the_next_one():
    session = make_live()
    client = host_client(session)
    moved = go(client, session, "goto", 2).json()
    client.post(
        f"/en/live/{session.code}/go/",
        {"action": "pages", "number": 3, "version": moved["version"], "from": "present"},
        headers={"Accept": "application/json"},
    )
    go(client, session, "next")
    page = client.get(f"/en/live/{session.code}/presenter/").content.decode()
    assert "screen 2 of 3" in page
    assert "Screen 3 of 3 of this text" in page
    go(client, session, "next")
    page = client.get(f"/en/live/{session.code}/presenter/").content.decode()
    assert "screen 3 of 3" in page and "of this text" not in page
