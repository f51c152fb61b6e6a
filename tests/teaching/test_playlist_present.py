"""From a playlist to the projector: its teachers start a live session from its page."""

import pytest

from teaching.models import LiveSession
from tests.teaching.playlist_builders import make_named_case, make_playlist
from tests.teaching.teacher_builders import make_teacher

pytestmark = pytest.mark.django_db


def test_the_playlists_teacher_presents_it_live_from_its_page(client):
    teacher = make_teacher(username="ana")
    playlist = make_playlist(owner=teacher, cases=[make_named_case()])
    client.force_login(teacher)
    page = client.get(f"/en/playlists/{playlist.code}/").content.decode()
    assert f'action="/en/live/start/{playlist.code}/"' in page and "Present live" in page
    response = client.post(f"/en/live/start/{playlist.code}/")
    session = LiveSession.objects.get(playlist=playlist)
    assert response.status_code == 302 and session.code in response["Location"]


def test_another_teacher_sees_no_present_button_on_a_public_playlist(client):
    playlist = make_playlist(owner=make_teacher(username="ana"), visibility="public")
    client.force_login(make_teacher(username="luis"))
    page = client.get(f"/en/playlists/{playlist.code}/").content.decode()
    assert "Present live" not in page
    assert client.post(f"/en/live/start/{playlist.code}/").status_code == 403
    assert not LiveSession.objects.exists()
