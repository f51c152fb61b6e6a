"""live:results_csv: the session's answers for its teacher, anonymous unless the resident
signed in and lets teachers see their name."""

import pytest
from django.test import Client

from .live_builders import at_question, host_client, make_live
from .teacher_builders import make_resident

pytestmark = pytest.mark.django_db


def answer(client, session, choice=1, text=""):
    data = {"position": 2, "choice": choice, "confidence": "certain", "text": text}
    assert client.post(f"/en/live/{session.code}/answer/", data).status_code == 302


def test_the_csv_names_only_residents_who_agreed_and_numbers_everyone_else():
    session = at_question(make_live())
    agreed, shy = Client(), Client()
    agreed.force_login(make_resident(username="ana", shows_name=True, first="Ana", last="Ruiz"))
    shy.force_login(make_resident(username="bea", shows_name=False, first="Bea", last="Sol"))
    for phone in (agreed, shy, Client()):
        answer(phone, session)
    response = host_client(session).get(f"/en/live/{session.code}/results.csv")
    assert response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("participant,question,kind,correct answer,answer given")
    body = "\n".join(lines[1:])
    assert len(lines) == 4 and "Ana Ruiz" in body
    assert "Bea" not in body and "Participant 1" in body and "Participant 2" in body


def test_only_the_host_downloads_the_results():
    session = make_live()
    assert Client().get(f"/en/live/{session.code}/results.csv").status_code == 403
