"""The progress page: a reader's accuracy, calibration, mistakes and reviews due."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import Case
from teaching.models import Confidence, ReviewCard
from teaching.services import PLAYER
from tests.builders import make_case, make_entity, make_mechanism, make_user
from tests.teaching.progress_builders import make_answer

pytestmark = pytest.mark.django_db

URL = "/en/quiz/progress/"


def _page(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _anonymous_player(client, player: str = "a" * 32) -> str:
    session = client.session
    session[PLAYER] = player
    session.save()
    return player


def test_the_page_has_its_address_in_both_languages():
    assert reverse("teaching:progress") == URL


def test_a_reader_with_no_answers_is_told_how_to_start(client):
    body = _page(client)
    assert "You have not answered any question yet" in body
    assert reverse("teaching:home") in body
    assert "<svg" not in body
    assert "Due for review" not in body  # schedules are for signed-in readers


def test_a_signed_in_reader_with_no_answers_is_told_nothing_is_scheduled(client, resident):
    client.force_login(resident)
    body = _page(client)
    assert "You have not answered any question yet" in body
    assert "Nothing is scheduled yet" in body
    assert "Review due cases" not in body


def test_the_summary_gives_the_share_of_right_answers(client, resident):
    case = make_case()
    for correct in (True, True, True, False):
        make_answer(user=resident, case=case, correct=correct)
    client.force_login(resident)
    assert "3 of 4 answers right: 75%." in _page(client)


def test_every_chart_is_an_image_named_by_its_title_and_description(client, resident):
    make_answer(user=resident, case=make_case(), correct=True)
    client.force_login(resident)
    body = _page(client)
    svgs = re.findall(r"<svg [^>]*>", body)
    assert len(svgs) == 4  # over time, calibration, mechanism, entity
    for svg in svgs:
        chart_id = re.search(r'id="([^"]+)"', svg).group(1)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in body
        assert f'<desc id="{chart_id}-desc">' in body
    # and each has its figures as a table
    assert body.count('<details class="chart-figures">') == 4
    assert body.count("<table>") == 4


def test_the_page_has_no_inline_style_or_script(client, resident):
    make_answer(user=resident, case=make_case(), correct=False)
    client.force_login(resident)
    body = _page(client)
    assert "style=" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert not re.search(r"\son\w+=", body)


def test_accuracy_is_given_week_by_week(client, resident):
    case = make_case()
    monday = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    make_answer(user=resident, case=case, correct=True, answered_at=monday)
    make_answer(user=resident, case=case, correct=False, answered_at=monday + timedelta(days=4))
    make_answer(user=resident, case=case, correct=True, answered_at=monday + timedelta(days=8))
    client.force_login(resident)
    response = client.get(URL)
    weeks = [(g.label, g.score.right, g.score.total) for g in response.context["weeks"]]
    assert weeks == [("3 Mar", 1, 2), ("10 Mar", 1, 1)]
    body = response.content.decode()
    assert "March 3, 2025" in body and "March 10, 2025" in body  # in the table


def test_accuracy_is_given_by_mechanism_and_by_entity_in_the_readers_language(client, resident):
    dystrophic = make_mechanism(name_en="Dystrophic", name_es="Distrófica")
    gout = make_entity(mechanism=dystrophic, name_en="Gout", name_es="Gota")
    myositis = make_entity(mechanism=dystrophic, name_en="Myositis", name_es="Miositis")
    make_answer(user=resident, case=make_case(diagnosis=gout), correct=True)
    make_answer(user=resident, case=make_case(diagnosis=myositis), correct=False)
    client.force_login(resident)
    response = client.get("/es/quiz/progress/")
    mechanisms = [(g.label, g.score.right, g.score.total) for g in response.context["mechanisms"]]
    assert mechanisms == [("Distrófica", 1, 2)]
    entities = [(g.label, g.score.percent) for g in response.context["entities"]]
    assert entities == [("Miositis", 0), ("Gota", 100)]  # the weakest first
    body = response.content.decode()
    assert "Distrófica" in body and "Gota" in body and "Miositis" in body


def test_calibration_says_how_often_each_confidence_level_was_right(client, resident):
    case = make_case()
    for correct in (True, True, False):
        make_answer(user=resident, case=case, correct=correct, confidence=Confidence.CERTAIN)
    make_answer(user=resident, case=case, correct=False, confidence=Confidence.GUESSING)
    client.force_login(resident)
    response = client.get(URL)
    levels = {g.key: (g.score.right, g.score.total) for g in response.context["totals"].calibration}
    assert levels == {"guessing": (0, 1), "fairly-sure": (0, 0), "certain": (2, 3)}
    body = response.content.decode()
    assert "Certain: 67% of 3" in body  # the bar's tooltip
    assert "Fairly sure: no answers" in body


def test_cases_answered_wrongly_link_to_the_revealed_case(client, resident):
    missed, known = make_case(), make_case()
    make_answer(user=resident, case=missed, correct=False)
    make_answer(user=resident, case=missed, correct=False)
    make_answer(user=resident, case=known, correct=True)
    client.force_login(resident)
    body = _page(client)
    assert f'href="{missed.revealed_url()}"' in body
    assert "2 wrong answers, the last on" in body
    assert known.revealed_url() not in body


def test_a_case_answered_wrongly_is_not_shown_beside_its_diagnosis(client, resident):
    # It is likely due for review as well: its diagnosis beside it would give the answer.
    gout = make_entity(name_en="Tophaceous gout")
    case = make_case(diagnosis=gout)
    make_answer(user=resident, case=case, correct=False)
    ReviewCard.objects.create(user=resident, case=case, due=timezone.now() - timedelta(hours=1))
    client.force_login(resident)
    body = _page(client)
    wrong = re.search(r'aria-labelledby="progress-wrong">(.*?)</section>', body, re.S).group(1)
    assert case.title in wrong
    assert "Tophaceous gout" not in wrong
    assert "Tophaceous gout" in body  # the entity chart still names what was asked


def test_wrong_answers_about_deleted_or_unpublished_cases_are_counted_not_linked(client, resident):
    deleted, withdrawn = make_case(), make_case()
    make_answer(user=resident, case=deleted, correct=False)
    make_answer(user=resident, case=withdrawn, correct=False)
    code = withdrawn.code
    deleted.delete()
    withdrawn.status = Case.Status.DRAFT
    withdrawn.save()
    client.force_login(resident)
    body = _page(client)
    assert "2 wrong answers were about cases that are no longer in the atlas." in body
    assert code not in body
    assert "0 of 2 answers right" in body  # the history itself is intact


def test_a_reader_sees_only_their_own_answers(client, resident):
    case = make_case()
    make_answer(user=resident, case=case, correct=True)
    make_answer(user=make_user(), case=case, correct=False)
    make_answer(player="b" * 32, case=case, correct=False)
    client.force_login(resident)
    assert "1 of 1 answer right: 100%." in _page(client)


def test_an_anonymous_reader_sees_the_answers_of_their_session(client, resident):
    case = make_case()
    player = _anonymous_player(client)
    make_answer(player=player, case=case, correct=True)
    make_answer(player=player, case=case, correct=False)
    make_answer(player="c" * 32, case=case, correct=True)
    make_answer(user=resident, case=case, correct=True)
    body = _page(client)
    assert "1 of 2 answers right: 50%." in body
    assert "Sign in or create an account" in body
    assert "Review due cases" not in body


def test_due_cases_are_listed_with_a_button_that_starts_a_review(client, resident):
    due, later = make_case(), make_case()
    now = timezone.now()
    ReviewCard.objects.create(user=resident, case=due, due=now - timedelta(days=1))
    ReviewCard.objects.create(user=resident, case=later, due=now + timedelta(days=9))
    client.force_login(resident)
    body = _page(client)
    assert "1 case is due for review." in body
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', body, re.S)
    assert form.group(1) == reverse("teaching:new")
    assert 'name="source" value="due"' in form.group(2)
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert "Review due cases" in form.group(2)
    assert f'href="{due.get_absolute_url()}"' in body
    assert later.get_absolute_url() not in body


def test_the_due_list_never_names_the_diagnosis(client, resident):
    case = make_case(diagnosis=make_entity(name_en="Tumoral calcinosis"))
    ReviewCard.objects.create(user=resident, case=case, due=timezone.now() - timedelta(hours=1))
    client.force_login(resident)
    body = _page(client)
    assert "1 case is due for review." in body
    assert "Tumoral calcinosis" not in body


def test_an_unpublished_case_is_not_due(client, resident):
    case = make_case(status=Case.Status.DRAFT)
    ReviewCard.objects.create(user=resident, case=case, due=timezone.now() - timedelta(days=1))
    client.force_login(resident)
    body = _page(client)
    assert "Review due cases" not in body
    assert "Nothing is scheduled yet" in body


def test_when_nothing_is_due_the_page_says_when_the_next_case_comes_back(client, resident):
    when = timezone.now() + timedelta(days=12)
    ReviewCard.objects.create(user=resident, case=make_case(), due=when)
    client.force_login(resident)
    body = _page(client)
    assert "Nothing is due now." in body
    shown = date_format(timezone.localtime(when), "DATE_FORMAT")
    assert f"The next case comes back on {shown}." in body


def test_the_page_is_in_spanish_too(client, resident):
    make_answer(user=resident, case=make_case(), correct=True, confidence=Confidence.CERTAIN)
    client.force_login(resident)
    body = _page(client, "/es/quiz/progress/")
    assert "Su progreso" in body
    assert "Seguro: 100 % de 1" in body


def _answers(user, count: int) -> None:
    mechanism = make_mechanism()
    for n in range(count):
        case = make_case(diagnosis=make_entity(mechanism=mechanism))
        make_answer(
            user=user,
            case=case,
            correct=n % 3 != 0,
            confidence=Confidence.values[n % 3],
            answered_at=timezone.now() - timedelta(days=n * 3),
        )
        ReviewCard.objects.create(user=user, case=case, due=timezone.now() - timedelta(hours=n))


@pytest.mark.parametrize("count", [3, 30])
def test_the_query_count_does_not_grow_with_the_answers(
    client, resident, django_assert_num_queries, count
):
    _answers(resident, count)
    client.force_login(resident)
    # 1 session, 2 user, 3 totals, calibration and first and last answer, 4 answers grouped
    # by entity and mechanism, 5 those entities' names, 6 the mechanisms' names, 7 weeks,
    # 8 wrong cases grouped, 9 those cases, 10 due cards with their
    # cases, 11 how many are due, 12 when the next one is due.
    with django_assert_num_queries(12):
        client.get(URL)


def test_an_anonymous_readers_page_reads_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    player = _anonymous_player(client)
    for n in range(12):
        make_answer(player=player, case=make_case(), correct=n % 2 == 0)
    # 1 session, then queries 3 to 9 of a signed-in reader's page, the answers read with
    # the session's attempts as a subquery; no user, no schedule.
    with django_assert_num_queries(8):
        client.get(URL)
