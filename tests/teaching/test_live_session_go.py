"""live_session_go, which every key of the projector and the presenter view goes through."""

import pytest

from teaching.live_services import live_session_go, live_session_measure

from .live_builders import make_live

pytestmark = pytest.mark.django_db


def test_next_on_the_last_stage_of_the_last_step_changes_nothing_the_windows_poll():
    session = make_live()
    live_session_go(session=session, action="goto", number=3)
    for _ in range(10):
        session = live_session_go(session=session, action="next")
    at_end = session.version
    session = live_session_go(session=session, action="next")
    assert session.version == at_end


def test_back_on_the_first_step_changes_nothing_but_a_blank_screen_comes_back_on():
    session = make_live()
    start = session.version
    assert live_session_go(session=session, action="back").version == start
    live_session_go(session=session, action="blank")
    session = live_session_go(session=session, action="back")
    assert session.version == start + 2 and not session.blank


def at_history_of_three_screens():
    session = live_session_go(session=make_live(), action="goto", number=2)
    session, applied = live_session_measure(session=session, pages=3, version=session.version)
    assert applied
    return session


def test_next_walks_the_screens_the_projector_measured_then_the_stage_starts_at_one_screen():
    session = at_history_of_three_screens()
    assert (session.stage, session.shown_page, session.pages) == (0, 1, 3)
    session = live_session_go(session=session, action="next")
    session = live_session_go(session=session, action="next")
    assert (session.stage, session.shown_page) == (0, 3)
    session = live_session_go(session=session, action="next")
    assert (session.stage, session.shown_page, session.pages) == (1, 1, 1)


def test_back_into_a_long_text_lands_on_its_last_screen_once_measured_again():
    session = at_history_of_three_screens()
    session = live_session_go(session=session, action="next")
    session = live_session_go(session=session, action="next")
    session = live_session_go(session=session, action="next")  # the images
    session = live_session_go(session=session, action="back")
    assert (session.stage, session.shown_page, session.pages) == (0, 1, 1)
    session, _applied = live_session_measure(session=session, pages=3, version=session.version)
    assert session.shown_page == 3 and session.page == 3


def test_a_count_measured_before_the_place_moved_is_ignored():
    session = live_session_go(session=make_live(), action="goto", number=2)
    measured_at = session.version
    session = live_session_go(session=session, action="next")  # the presenter's → wins the race
    session, applied = live_session_measure(session=session, pages=3, version=measured_at)
    assert not applied and (session.stage, session.pages) == (1, 1)
    assert session.version == measured_at + 1


def test_a_count_that_changes_nothing_leaves_the_version_for_the_polls():
    session = at_history_of_three_screens()
    again, applied = live_session_measure(session=session, pages=3, version=session.version)
    assert applied and again.version == session.version


def test_a_count_on_a_blank_screen_is_ignored_and_blanking_keeps_the_screen_of_text():
    session = at_history_of_three_screens()
    session = live_session_go(session=session, action="next")
    session = live_session_go(session=session, action="blank")
    _same, applied = live_session_measure(session=session, pages=1, version=session.version)
    assert not applied
    session = live_session_go(session=session, action="blank")
    assert (session.shown_page, session.pages, session.blank) == (2, 3, False)


def test_a_count_of_none_or_of_too_many_screens_is_refused():
    session = make_live()
    for pages in (0, 51):
        with pytest.raises(ValueError):
            live_session_measure(session=session, pages=pages, version=session.version)
