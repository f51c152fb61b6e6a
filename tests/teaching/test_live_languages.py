"""A live session read in Spanish and in English: the projector's slide, the presenter's notes
and next step, the window's title and the results' headers follow the page's language."""

import pytest

from teaching.live_services import live_session_go
from teaching.models import Playlist

from .live_builders import host_client, make_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    """make_live's session with its playlist's texts in Spanish as well."""
    session = make_live(notes="Ask about the mechanism first.")
    Playlist.objects.filter(pk=session.playlist_id).update(title_es="Sesión del viernes")
    items = session.playlist.items
    items.filter(position=1).update(
        title_es="Calcificación de partes blandas", text_es="Bienvenidos."
    )
    items.filter(position=2).update(notes_es="Pregunte primero por el mecanismo.")
    return session


def page(client, session, lang: str, view: str = "present") -> str:
    response = client.get(f"/{lang}/live/{session.code}/{view}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_projectors_slide_is_in_the_pages_language(session):
    client = host_client(session)
    spanish, english = page(client, session, "es"), page(client, session, "en")
    assert "<h1>Calcificación de partes blandas</h1>" in spanish and "Bienvenidos." in spanish
    assert "<title>Sesión del viernes · " in spanish
    assert "Soft-tissue calcification" not in spanish and "Friday" not in spanish
    assert "<h1>Soft-tissue calcification</h1>" in english and "Welcome." in english
    assert "<title>Friday conference · " in english


def test_the_presenter_reads_the_slide_and_the_notes_in_its_language(session):
    client = host_client(session)
    assert ": Calcificación de partes blandas</h1>" in page(client, session, "es", "presenter")
    live_session_go(session=session, action="goto", number=2)
    spanish = page(client, session, "es", "presenter")
    assert "Pregunte primero por el mecanismo." in spanish and "Ask about" not in spanish
    assert "Ask about the mechanism first." in page(client, session, "en", "presenter")


def test_a_text_not_written_in_spanish_shows_in_english_on_the_spanish_projector(session):
    session.playlist.items.filter(position=1).update(title_es="", text_es=None)
    spanish = page(host_client(session), session, "es")
    assert "<h1>Soft-tissue calcification</h1>" in spanish and "Welcome." in spanish


def test_the_results_asked_for_in_spanish_have_spanish_headers(session):
    response = host_client(session).get(f"/es/live/{session.code}/results.csv")
    header = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()[0]
    assert header.startswith("participante,pregunta,")


def test_the_presenter_names_the_stages_in_its_language(session):
    client = host_client(session)
    live_session_go(session=session, action="goto", number=2)
    spanish = page(client, session, "es", "presenter")
    assert '<strong id="presenter-stage">Historia clínica</strong>' in spanish
    chips = spanish.split('class="presenter__stages"')[1].split("</p>")[0]
    assert "Imágenes" in chips and "history" not in chips and "images" not in chips
    english = page(client, session, "en", "presenter")
    assert '<strong id="presenter-stage">History</strong>' in english
