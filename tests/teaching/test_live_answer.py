"""live:answer, a phone's answer: through the quiz's answer_submit, one per phone and question
whatever the reloads and double taps; refused with 409 once the question has closed."""

import pytest
from django.test import Client

from teaching.live_services import live_session_go
from teaching.models import Answer, ReviewCard

from .builders import correct_number
from .live_builders import at_question, make_live
from .teacher_builders import make_resident

pytestmark = pytest.mark.django_db


def post(client, session, position=2, **data):
    question = session.quiz.questions.get(position=position)
    fields = {"position": position, "confidence": "certain"}
    if question.choices:
        fields["choice"] = correct_number(question)
    return client.post(f"/en/live/{session.code}/answer/", {**fields, **data})


def test_a_phone_that_answers_twice_and_reloads_keeps_its_first_answer():
    session = at_question(make_live())
    phone = Client()
    assert post(phone, session).status_code == 302
    again = post(phone, session, choice=1, confidence="guessing")
    assert again.status_code == 302
    page = phone.get(f"/en/live/{session.code}/")
    assert "Your answer is in" in page.content.decode()
    assert "your first answer counts" in page.content.decode()
    answer = Answer.objects.get()
    assert answer.correct and answer.confidence == "certain"


def test_a_double_tap_on_the_last_question_is_a_repeat_not_a_refusal():
    session = at_question(make_live())
    phone = Client()
    post(phone, session)
    at_question(session, position=3)
    post(phone, session, position=3, nx=0.5, ny=0.5)  # the phone's attempt is now complete
    again = post(phone, session, position=3, nx=0.1, ny=0.1)
    assert again.status_code == 302
    page = phone.get(f"/en/live/{session.code}/").content.decode()
    assert "your first answer counts" in page
    assert Answer.objects.filter(question__position=3).get().correct


def test_a_closed_question_refuses_the_answer_with_a_clear_409():
    session = at_question(make_live())
    live_session_go(session=session, action="reveal")
    response = post(Client(), session)
    assert response.status_code == 409
    assert "This question is closed" in response.content.decode()
    assert not Answer.objects.exists()


def test_an_answer_for_another_step_than_the_open_one_is_refused():
    session = at_question(make_live())
    response = post(Client(), session, position=3, nx=0.5, ny=0.5)
    assert response.status_code == 409


def test_an_answer_without_confidence_is_a_400_with_the_question_again():
    session = at_question(make_live())
    response = post(Client(), session, confidence="")
    assert response.status_code == 400
    assert "Say how sure you are." in response.content.decode()
    assert not Answer.objects.exists()


def test_a_tap_on_the_where_question_is_graded_against_the_region():
    session = at_question(make_live(), position=3)
    phone = Client()
    assert post(phone, session, position=3, nx=0.5, ny=0.5).status_code == 302
    assert Answer.objects.get().correct


def test_a_signed_in_residents_answer_counts_towards_their_progress():
    session = at_question(make_live())
    resident = make_resident(username="ana")
    phone = Client()
    phone.force_login(resident)
    post(phone, session)
    assert Answer.objects.get().user == resident
    assert ReviewCard.objects.filter(user=resident).exists()


def test_a_new_phones_answer_takes_the_same_queries_however_many_answered(
    django_assert_num_queries,
):
    session = at_question(make_live())
    for _ in range(5):
        post(Client(), session)
    # 1. the session by its code; 2. the open question with its image and case;
    # 3. the phone's attempt (none yet); 4-6. savepoint, insert the attempt, release;
    # 7. an answer already given? 8-9. savepoint, insert the answer;
    # 10-11. the quiz's questions and this attempt's answers to them (is it complete?);
    # 12. release; 13-16. the new session's key is free? savepoint, insert, release
    number = correct_number(session.quiz.questions.get(position=2))
    data = {"position": 2, "choice": number, "confidence": "certain"}
    with django_assert_num_queries(16):
        response = Client().post(f"/en/live/{session.code}/answer/", data)
    assert response.status_code == 302
    assert Answer.objects.count() == 6
