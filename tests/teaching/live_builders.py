"""Builders for the live-session tests: a playlist of a title slide, a diagnosis question and a
"where is it?" question, started by its teacher."""

from django.test import Client

from teaching import services
from teaching.models import LiveSession, Playlist, PlaylistItem

from .builders import make_glossary, make_quiz_case
from .teacher_builders import make_teacher


def make_live(*, teacher=None, notes: str = "Ask about the mechanism first.") -> LiveSession:
    """Step 1 is a slide, step 2 asks the diagnosis, step 3 asks where the lesion is."""
    glossary = make_glossary()
    teacher = teacher or make_teacher(username="teacher")
    playlist = Playlist.objects.create(title="Friday conference", owner=teacher)
    PlaylistItem.objects.create(
        playlist=playlist, position=1, title="Soft-tissue calcification", text="Welcome."
    )
    diagnosis = make_quiz_case(glossary, teaching_points_en="Look at the pattern.")
    where = make_quiz_case(glossary)
    PlaylistItem.objects.create(
        playlist=playlist, position=2, case=diagnosis, question="diagnosis", notes=notes
    )
    PlaylistItem.objects.create(playlist=playlist, position=3, case=where, question="where")
    session = services.live_session_start(playlist=playlist, host=teacher, seed=3)
    session.glossary = glossary
    return session


def host_client(session: LiveSession) -> Client:
    client = Client()
    client.force_login(session.host)
    return client


def go(client: Client, session: LiveSession, action: str, number: int = 0):
    return client.post(
        f"/en/live/{session.code}/go/",
        {"action": action, "number": number},
        headers={"Accept": "application/json"},
    )


def at_question(session: LiveSession, position: int = 2) -> LiveSession:
    """Move the session to the question stage of the step at `position`."""
    from teaching.live_services import live_session_go

    live_session_go(session=session, action="goto", number=position)
    while True:
        session.refresh_from_db()
        if session.open_question == position:
            return session
        live_session_go(session=session, action="next")
