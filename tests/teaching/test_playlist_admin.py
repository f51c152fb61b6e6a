"""The playlist admin, where a superuser reads and mends a playlist in both languages."""

import pytest
from django.urls import reverse

from teaching.models import Playlist
from tests.builders import make_case
from tests.teaching.playlist_builders import make_playlist

pytestmark = pytest.mark.django_db


def _form(**texts) -> dict:
    return {
        "visibility": "public",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        **texts,
    }


def test_the_admin_shows_a_playlists_and_its_steps_texts_in_both_languages(client, superuser):
    case = make_case()
    playlist = make_playlist(owner=superuser, cases=[case])
    client.force_login(superuser)
    body = client.get(reverse("admin:teaching_playlist_change", args=[playlist.pk])).text
    for name in ("title_en", "title_es", "description_es", "items-0-notes_es", "items-0-text_es"):
        assert f'name="{name}"' in body, name
    # The step's case is named by its code and neutral title, as in the sets' picker.
    assert case.code in body and case.diagnosis.name not in body


def test_the_admin_takes_a_title_in_one_language_and_refuses_none(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:teaching_playlist_add")
    response = client.post(url, _form(title_en="", title_es="Lunes"))
    assert response.status_code == 302, response.text[:2000]
    assert Playlist.objects.get().title_es == "Lunes"
    response = client.post(url, _form(title_en="", title_es=""))
    assert response.status_code == 200 and "in at least one language" in response.text
    assert Playlist.objects.count() == 1
