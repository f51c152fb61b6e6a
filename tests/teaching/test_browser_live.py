"""A live session in real Chromium: the projector's keys, its layout at the sizes a room has,
the presenter view kept in step, and five phones answering while the projector counts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from teaching.live_services import live_session_go

from .live_builders import make_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every element of the projector's screen that holds text, with its size and whether the
# document is larger than the window (which would mean scrollbars or cut-off content).
MEASURE = """() => {
  const sizes = [];
  for (const el of document.querySelectorAll('#screen *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own && el.getClientRects().length) {
      sizes.push(parseFloat(getComputedStyle(el).fontSize));
    }
  }
  const doc = document.documentElement;
  return {
    smallest: Math.min(...sizes),
    texts: sizes.length,
    overflowX: doc.scrollWidth > window.innerWidth,
    overflowY: doc.scrollHeight > window.innerHeight,
    bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
  };
}"""


def superuser():
    # A transactional test empties the tables, the "Teachers" group too: a superuser hosts.
    return get_user_model().objects.create_superuser("host", "", "pw-for-tests")


def signed_in(chromium, live_server, user, viewport=None):
    client = Client()
    client.force_login(user)
    context = chromium.new_context(
        viewport=viewport or {"width": 1280, "height": 720}, base_url=live_server.url
    )
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Content Security Policy" in m.text and errors.append(m.text)
        ),
    )
    return errors


def stage_of(page):
    return page.locator("#screen")


def test_the_keys_move_blank_reveal_and_jump_to_a_numbered_step(chromium, live_server):
    session = make_live(teacher=superuser())
    context = signed_in(chromium, live_server, session.host)
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"/en/live/{session.code}/present/")
    expect(page.locator("h1")).to_have_text("Soft-tissue calcification")
    page.keyboard.press("ArrowRight")
    expect(stage_of(page)).to_have_attribute("data-stage", "history")
    page.keyboard.press("Space")
    expect(stage_of(page)).to_have_attribute("data-stage", "images")
    page.keyboard.press("PageUp")
    expect(stage_of(page)).to_have_attribute("data-stage", "history")
    page.keyboard.press("b")
    expect(stage_of(page)).to_have_attribute("data-blank", "1")
    page.keyboard.press("b")
    expect(stage_of(page)).to_have_attribute("data-blank", "0")
    page.keyboard.press("r")
    expect(stage_of(page)).to_have_attribute("data-stage", "answer")
    expect(page.locator(".bar--correct")).to_contain_text("Dermatomyositis")
    page.keyboard.press("3")
    expect(page.locator(".screen__kicker")).to_have_text("Case 3")
    page.keyboard.press("1")
    expect(stage_of(page)).to_have_attribute("data-stage", "slide")
    page.keyboard.press("?")
    expect(page.locator("#live-keys")).to_be_visible()
    page.keyboard.press("a")
    assert "show-annotations" in page.evaluate("document.documentElement.className")
    session.refresh_from_db()
    assert session.position == 1
    assert errors == []
    context.close()


@pytest.mark.parametrize(
    "viewport",
    [
        {"width": 1024, "height": 768},
        {"width": 1280, "height": 720},
        {"width": 1920, "height": 1080},
    ],
    ids=lambda v: f"{v['width']}x{v['height']}",
)
def test_every_stage_fits_the_screen_in_type_read_from_the_back(chromium, live_server, viewport):
    session = make_live(teacher=superuser())
    context = signed_in(chromium, live_server, session.host, viewport)
    page = context.new_page()
    seen = set()
    for _ in range(12):
        page.goto(f"/en/live/{session.code}/present/")
        stage = stage_of(page).get_attribute("data-stage")
        seen.add(stage)
        measured = page.evaluate(MEASURE)
        assert measured["texts"] > 0, stage
        assert measured["smallest"] >= 28, (stage, measured)
        assert not measured["overflowX"] and not measured["overflowY"], (stage, measured)
        live_session_go(session=session, action="next")
        session.refresh_from_db()
    assert seen == {"slide", "history", "images", "question", "answer", "findings"}
    context.close()


def test_the_presenter_and_the_projector_drive_each_other(chromium, live_server):
    session = make_live(teacher=superuser())
    context = signed_in(chromium, live_server, session.host)
    projector = context.new_page()
    presenter = context.new_page()
    projector.goto(f"/en/live/{session.code}/present/")
    presenter.goto(f"/en/live/{session.code}/presenter/")
    expect(presenter.locator(".presenter__now")).to_contain_text("Soft-tissue calcification")

    presenter.keyboard.press("ArrowRight")
    expect(stage_of(projector)).to_have_attribute("data-stage", "history", timeout=4000)
    expect(presenter.locator(".presenter__notes")).to_contain_text("Ask about the mechanism")

    projector.keyboard.press("ArrowRight")
    expect(stage_of(presenter)).to_have_attribute("data-stage", "images", timeout=4000)
    expect(presenter.locator("#timer")).to_have_text(re.compile(r"^\d+:\d\d$"))
    context.close()


def test_five_phones_answer_the_projector_counts_them_and_reveals_the_distribution(
    chromium, live_server
):
    session = make_live(teacher=superuser())
    live_session_go(session=session, action="goto", number=2)
    live_session_go(session=session, action="next")  # the images; the question comes next
    host = signed_in(chromium, live_server, session.host)
    projector = host.new_page()
    projector.goto(f"/en/live/{session.code}/present/")
    phones = []
    for _ in range(5):
        context = chromium.new_context(
            viewport={"width": 390, "height": 844}, base_url=live_server.url
        )
        phone = context.new_page()
        phone.goto("/en/live/")
        phone.fill("#join-code", session.code.lower())
        phone.click("form.live-join button")
        expect(phone.locator("h1")).to_have_text("Look at the screen")
        phones.append(phone)

    projector.keyboard.press("ArrowRight")
    expect(stage_of(projector)).to_have_attribute("data-stage", "question")
    question = session.quiz.questions.get(position=2)
    for n, phone in enumerate(phones):
        expect(phone.locator("h2.question")).to_have_text("What is the diagnosis?", timeout=5000)
        phone.locator(".quiz-confidence__option").first.click()
        phone.locator(".quiz-choice").nth(0 if n < 3 else 1).click()
        phone.click(".quiz-submit")
        expect(phone.locator("h1")).to_have_text("Your answer is in")
    phones[0].goto(f"/en/live/{session.code}/")  # a reload keeps the one answer
    expect(phones[0].locator("h1")).to_have_text("Your answer is in")
    expect(projector.locator("#answer-count")).to_have_text("5 answers", timeout=4000)

    projector.keyboard.press("r")
    expect(stage_of(projector)).to_have_attribute("data-stage", "answer")
    expect(projector.locator(".tally__total")).to_have_text("5 answers")
    first, second = question.choice_labels()[0][2], question.choice_labels()[1][2]
    expect(projector.locator(".bar").nth(0)).to_contain_text(f"{first} 3 · 60 %")
    expect(projector.locator(".bar").nth(1)).to_contain_text(f"{second} 2 · 40 %")
    expect(projector.locator(".bar--correct")).to_contain_text(question.answer_name)
    # The phones go back to waiting, and the closed question takes no more answers.
    expect(phones[1].locator("h1")).to_have_text("Look at the screen", timeout=5000)
    assert question.answers.count() == 5
    # Pages left open go on polling the live server into the next test, whose database
    # flush (TRUNCATE on PostgreSQL) then deadlocks with their queries.
    for context in [host, *(phone.context for phone in phones)]:
        context.close()


def test_w_shows_the_flowchart_with_the_cases_path_only_after_the_reveal(chromium, live_server):
    from cases.models import Case
    from tests.wizard.builders import make_knowledge_base

    session = make_live(teacher=superuser())
    gout = make_knowledge_base()["tophaceous-gout"]
    Case.objects.filter(pk=session.playlist.items.get(position=2).case_id).update(diagnosis=gout)
    context = signed_in(chromium, live_server, session.host, {"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"/en/live/{session.code}/present/")
    page.keyboard.press("2")
    expect(stage_of(page)).to_have_attribute("data-stage", "history")
    page.keyboard.press("w")
    expect(page.locator("#flowchart")).to_have_count(0)
    page.keyboard.press("r")
    expect(stage_of(page)).to_have_attribute("data-stage", "answer")
    page.keyboard.press("w")
    chart = page.locator("#flowchart svg")
    expect(chart).to_be_visible()
    page.wait_for_timeout(1500)  # the polls that follow the reveal leave the chart open
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 1500 or box["height"] > 900  # as large as the screen allows
    expect(page.locator("#flowchart .flow-node.path-end")).to_have_count(1)
    page.keyboard.press("?")
    expect(page.locator("#live-keys")).to_contain_text("W")
    page.keyboard.press("Escape")
    expect(page.locator("#flowchart")).to_be_hidden()
    context.close()
