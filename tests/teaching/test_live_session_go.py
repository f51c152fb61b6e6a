"""live_session_go, which every key of the projector and the presenter view goes through."""

import pytest

from teaching.live_services import live_session_go

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
