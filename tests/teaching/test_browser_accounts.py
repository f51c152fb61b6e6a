"""Accounts in real Chromium: an anonymous reader signs up and keeps their answers, then
signs out and in again from the header, on a phone-sized page; axe finds nothing serious."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from teaching.models import Attempt, ReviewCard
from teaching.services import PLAYER
from tests.conftest import axe_violations
from tests.teaching.account_builders import answer_all, make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "calcified-tendon-42"


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    yield context.new_page()
    context.close()


def leave_anonymous_answers(page, live_server) -> Attempt:
    """The session cookie of a reader who answered a two-question quiz without an account."""
    session = SessionStore()
    session[PLAYER] = "e" * 32
    session.create()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    attempt = Attempt.objects.create(quiz=make_quiz(), player="e" * 32)
    answer_all(attempt)
    return attempt


def test_a_reader_signs_up_on_a_phone_and_keeps_their_anonymous_answers(phone, live_server):
    attempt = leave_anonymous_answers(phone, live_server)
    phone.goto("/en/glossary/")
    phone.get_by_role("link", name="Sign up").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign up")
    assert axe_violations(phone) == []

    phone.get_by_label("Username").fill("newcomer")
    phone.locator("#id_password1").fill(PASSWORD)
    phone.locator("#id_password2").fill(PASSWORD)
    phone.get_by_role("button", name="Create my account").click()
    # Back where sign-up was asked from, signed in.
    expect(phone).to_have_url(re.compile(r"/en/glossary/$"))
    expect(phone.get_by_text("Welcome, newcomer: your account is ready.")).to_be_visible()

    phone.get_by_role("link", name="newcomer").click()
    expect(phone.get_by_text("2 answers recorded.")).to_be_visible()
    assert axe_violations(phone) == []
    attempt.refresh_from_db()
    assert attempt.user.username == "newcomer"
    assert ReviewCard.objects.filter(user=attempt.user).count() == 2

    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_text("You are signed out.")).to_be_visible()
    phone.get_by_role("link", name="Sign in").click()
    assert axe_violations(phone) == []
    phone.get_by_label("Username").fill("newcomer")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("link", name="newcomer")).to_be_visible()
    # No horizontal scrolling at 390 px, header included.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
