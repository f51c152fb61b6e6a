"""Quizzes in real Chromium: a whole quiz by keyboard alone, and one by tapping on a phone."""

import re

import pytest
from playwright.sync_api import expect

from teaching.models import Answer, Attempt, Kind
from tests.conftest import axe_violations

from .builders import correct_number, make_glossary, make_quiz_case, quiz_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiz(transactional_db):
    glossary = make_glossary()
    cases = [make_quiz_case(glossary) for _ in range(3)]
    return quiz_of(cases, kinds=[Kind.DIAGNOSIS, Kind.MECHANISM, Kind.GLOSSARY])


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element is the one with this accessible text."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement.innerText || document.activeElement.value")
        if (text or "").strip() == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_whole_quiz_by_keyboard_alone(page, quiz):
    page.goto(f"/en/quiz/{quiz.code}/")
    tab_to(page, "Start the quiz")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/en/quiz/{quiz.code}/1/$"))
    assert axe_violations(page) == []
    for position in (1, 2, 3):
        question = quiz.questions.get(position=position)
        expect(page.get_by_text(f"Question {position} of 3")).to_be_visible()
        page.keyboard.press(str(correct_number(question)))
        page.keyboard.press("c")  # certain
        expect(page.locator("input[name=confidence][value=certain]")).to_be_checked()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Right")).to_be_visible()
        if position == 1:
            assert axe_violations(page) == []
        page.keyboard.press("Enter")  # on to the next question, or the results
    expect(page.get_by_role("heading", name=re.compile("^Results"))).to_be_visible()
    expect(page.get_by_text("3 of 3")).to_be_visible()
    assert axe_violations(page) == []
    assert Answer.objects.filter(correct=True, confidence="certain").count() == 3
    assert Attempt.objects.get().is_finished


def test_a_quiz_on_a_phone_by_tapping_with_a_where_is_it_question(chromium, live_server):
    glossary = make_glossary()
    quiz = quiz_of([make_quiz_case(glossary) for _ in range(2)], kinds=[Kind.DIAGNOSIS, Kind.WHERE])
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, has_touch=True
    )
    page = context.new_page()
    page.goto(f"/es/quiz/{quiz.code}/")
    page.get_by_role("button", name="Empezar el cuestionario").tap()
    question = quiz.questions.get(position=1)
    spanish = question.choices[correct_number(question) - 1]["label"]["es"]
    page.get_by_role("radio", name=re.compile(re.escape(spanish))).tap()
    page.get_by_role("radio", name=re.compile("Bastante seguro")).tap()
    page.get_by_role("button", name="Comprobar mi respuesta").tap()
    expect(page.get_by_role("heading", name="Correcto")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    page.get_by_role("link", name="Siguiente pregunta").tap()
    expect(page.get_by_role("heading", name="¿Dónde está la lesión?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("radio", name=re.compile("^S Seguro|Seguro$")).tap()
    image = page.locator(".quiz-where__image")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    # The demo builder's circle is centred on the image: tap just off its centre.
    page.touchscreen.tap(box["x"] + box["width"] * 0.53, box["y"] + box["height"] * 0.5)
    expect(page.get_by_role("heading", name="Correcto")).to_be_visible()
    answer = Answer.objects.get(question__kind=Kind.WHERE)
    assert answer.correct and abs(answer.x - 0.53) < 0.02 and abs(answer.y - 0.5) < 0.02
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
