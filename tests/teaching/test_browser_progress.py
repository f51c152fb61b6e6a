"""The progress page in real Chromium: readable and accessible from a phone to a projector."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from teaching.models import Confidence, ReviewCard
from tests.builders import make_case, make_entity, make_mechanism, make_user
from tests.conftest import axe_violations
from tests.teaching.progress_builders import make_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader(transactional_db, live_server):
    user = make_user(username="reader")
    mechanism = make_mechanism(name_en="Dystrophic", name_es="Distrófica")
    now = timezone.now()
    for n in range(18):
        entity = make_entity(mechanism=mechanism, name_en=f"Entity number {n % 6}")
        case = make_case(diagnosis=entity)
        make_answer(
            user=user,
            case=case,
            correct=n % 3 != 0,
            confidence=Confidence.values[n % 3],
            answered_at=now - timedelta(days=5 * n),
        )
        if n % 4 == 0:
            ReviewCard.objects.create(user=user, case=case, due=now - timedelta(days=1))
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.parametrize("width", [390, 1024, 1920])
def test_the_progress_page_fits_and_has_no_serious_accessibility_violation(page, reader, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([reader])
    page.goto("/en/quiz/progress/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    charts = ("Accuracy over time", "Calibration", "Accuracy by mechanism", "Accuracy by entity")
    for name in charts:
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 0.5 * min(width, 600)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []


def test_the_figures_behind_a_chart_open_as_a_table(page, reader):
    page.context.add_cookies([reader])
    page.goto("/es/quiz/progress/")
    section = page.get_by_role("region", name="Calibración")
    table = section.get_by_role("table")
    expect(table).to_be_hidden()
    section.get_by_text("Mostrar las cifras").click()
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(4)  # a header and three levels
    assert axe_violations(page) == []


def test_review_due_cases_is_a_button_that_posts_the_due_source(page, reader):
    page.context.add_cookies([reader])
    page.goto("/en/quiz/progress/")
    button = page.get_by_role("button", name="Review due cases")
    expect(button).to_be_visible()
    form = button.locator("xpath=ancestor::form")
    assert form.get_attribute("method") == "post"
    assert form.locator('input[name="source"]').get_attribute("value") == "due"
