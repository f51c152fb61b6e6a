"""Blind first in a live session: the projector before the reveal, every phone page, the state
JSON and the QR code never name the diagnosis (its names, synonyms, slug, the case's slug);
the choices that must print the answer draw it exactly like the others."""

import re

import pytest
from django.test import Client

from teaching.live_services import live_session_go
from tests.atlas.test_blind import giveaways, leaks

from .live_builders import host_client, make_live

pytestmark = pytest.mark.django_db

CHOICE_LISTS = re.compile(
    r'<ol class="choices">.*?</ol>|<fieldset class="quiz-choices">.*?</fieldset>', re.S
)


def without_choices(page: str) -> str:
    return CHOICE_LISTS.sub("", page)


@pytest.mark.parametrize("language", ["en", "es"])
def test_nothing_before_the_reveal_gives_the_diagnosis_away(language):
    session = make_live()
    host, phone = host_client(session), Client()
    case = session.playlist.items.get(position=2).case
    words = giveaways(case)
    seen = 0
    while True:
        session.refresh_from_db()
        stage = host.get(f"/{language}/live/{session.code}/present/").context["stage"]
        if session.position == 2 and stage in ("answer", "findings"):
            break
        pages = {
            "projector": host.get(f"/{language}/live/{session.code}/present/"),
            "phone": phone.get(f"/{language}/live/{session.code}/"),
            "state": phone.get(f"/{language}/live/{session.code}/state/"),
            "qr": phone.get(f"/{language}/live/{session.code}/qr.svg"),
        }
        for name, response in pages.items():
            text = without_choices(response.content.decode())
            assert leaks(text, words) == [], (name, stage)
        seen += 1
        live_session_go(session=session, action="next")
    assert seen == 4  # the slide, then the case's history, images and question


def test_the_phone_never_names_the_diagnosis_even_after_the_reveal():
    session = make_live()
    live_session_go(session=session, action="goto", number=2)
    live_session_go(session=session, action="reveal")
    case = session.playlist.items.get(position=2).case
    for action in ("next", "next"):
        page = Client().get(f"/en/live/{session.code}/").content.decode()
        assert leaks(page, giveaways(case)) == []
        live_session_go(session=session, action=action)


def test_the_answer_is_drawn_among_the_choices_like_every_other():
    session = make_live()
    live_session_go(session=session, action="goto", number=2)
    for _ in range(2):
        live_session_go(session=session, action="next")
    page = host_client(session).get(f"/en/live/{session.code}/present/").content.decode()
    items = re.findall(
        r"<li>(.*?)</li>", re.search(r'<ol class="choices">(.*?)</ol>', page, re.S)[1]
    )
    assert "Dermatomyositis" in items and len(items) >= 4
