"""Starting a live session: the quiz the room answers follows the playlist's steps."""

import pytest

from cases.models import Case
from teaching import services
from teaching.models import CODE_ALPHABET, Playlist, PlaylistItem
from tests.builders import make_case, make_user

from .builders import make_glossary, make_quiz_case, ready

pytestmark = pytest.mark.django_db


def test_each_case_step_that_asks_becomes_the_question_of_the_same_number():
    glossary = make_glossary()
    playlist = Playlist.objects.create(title="Friday conference")
    asked, mechanism, draft = (make_quiz_case(glossary) for _ in range(3))
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.DRAFT)
    no_region = ready(make_case(diagnosis=glossary["answer"]))
    steps = [
        {"title": "Soft-tissue calcification"},  # a title slide
        {"case": asked, "question": "diagnosis"},
        {"case": mechanism, "question": "mechanism"},
        {"case": asked, "question": "none"},
        {"case": draft, "question": "diagnosis"},
        {"case": no_region, "question": "where"},
    ]
    for position, step in enumerate(steps, start=1):
        PlaylistItem.objects.create(playlist=playlist, position=position, **step)
    session = services.live_session_start(playlist=playlist, host=make_user())
    questions = {q.position: q.kind for q in session.quiz.questions.all()}
    assert questions == {2: "diagnosis", 3: "mechanism"}
    # A join code is six capitals and digits that never spell a word: no vowels, no 0 or 1.
    assert len(session.code) == 6 and set(session.code) <= set(CODE_ALPHABET.upper())
    assert session.position == 1 and session.open_question is None
