import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from teaching.models import Playlist
from teaching.playlist_services import playlists_load
from tests.builders import make_case
from tests.teaching.playlist_builders import make_named_case, make_playlist, positions
from tests.teaching.teacher_builders import make_teacher

pytestmark = pytest.mark.django_db


def detail(playlist) -> str:
    return reverse("playlists:detail", args=[playlist.code])


@pytest.fixture
def teacher():
    return make_teacher(username="teacher")


def test_anyone_sees_public_playlists_and_a_teacher_also_sees_theirs_and_shared_ones(
    client, teacher
):
    other = make_teacher(username="other")
    make_playlist(owner=other, title="Public one", visibility="public")
    make_playlist(owner=other, title="Secret one")
    shared = make_playlist(owner=other, title="Shared one")
    shared.editors.add(teacher)
    make_playlist(owner=teacher, title="My own")
    body = client.get(reverse("playlists:list")).content.decode()
    assert "Public one" in body and "Secret one" not in body and "My own" not in body
    client.force_login(teacher)
    body = client.get(reverse("playlists:list")).content.decode()
    assert "My own" in body and "Shared one" in body and "Public one" in body
    assert "Secret one" not in body


def test_anonymous_visitors_are_sent_to_log_in_and_residents_refused(client, resident):
    response = client.get(reverse("playlists:new"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(resident)
    response = client.get(reverse("playlists:new"))
    assert response.status_code == 403
    assert "Teachers" in response.content.decode()


def test_a_teacher_creates_a_playlist_and_lands_on_it(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("playlists:new"), {"title_en": "Tuesday", "visibility": "unlisted"}
    )
    playlist = Playlist.objects.get()
    assert response["Location"] == detail(playlist)
    assert (playlist.owner, playlist.visibility) == (teacher, "unlisted")


def test_a_playlist_without_a_title_is_refused_with_the_form_again(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("playlists:new"), {"title_en": "", "visibility": "private"})
    assert response.status_code == 400 and not Playlist.objects.exists()


def test_a_private_playlist_is_not_found_for_others_and_an_unlisted_one_opens_by_link(
    client, teacher
):
    private = make_playlist(owner=teacher, title="Private")
    unlisted = make_playlist(owner=teacher, title="By link", visibility="unlisted")
    assert client.get(detail(private)).status_code == 404
    client.force_login(make_teacher(username="other"))
    assert client.get(detail(private)).status_code == 404
    client.logout()
    response = client.get(detail(unlisted))
    assert response.status_code == 200 and "Move up" not in response.content.decode()


def test_sharing_with_a_teacher_lets_them_edit(client, teacher):
    other = make_teacher(username="other")
    playlist = make_playlist(owner=teacher, cases=[make_case()])
    client.force_login(teacher)
    response = client.post(
        reverse("playlists:edit", args=[playlist.code]),
        {"title_en": "Renamed", "visibility": "private", "editors": "other"},
    )
    assert response.status_code == 302
    client.force_login(other)
    body = client.get(detail(playlist)).content.decode()
    assert "Renamed" in body and "Move up" in body
    response = client.post(
        reverse("playlists:add_slide", args=[playlist.code]), {"title_en": "Break"}
    )
    assert response.status_code == 302 and positions(playlist)[-1] == "Break"


def test_sharing_with_an_unknown_name_shows_the_error_on_the_form(client, teacher):
    playlist = make_playlist(owner=teacher)
    client.force_login(teacher)
    response = client.post(
        reverse("playlists:edit", args=[playlist.code]),
        {"title_en": "Renamed", "visibility": "private", "editors": "ghost"},
    )
    assert response.status_code == 400 and "ghost" in response.content.decode()
    playlist.refresh_from_db()
    assert playlist.title == "Monday conference"


def test_a_teacher_who_may_only_view_is_refused_editing(client, teacher):
    playlist = make_playlist(owner=teacher, visibility="public", cases=[make_case()])
    client.force_login(make_teacher(username="other"))
    step = playlist.items.get()
    response = client.post(
        reverse("playlists:move", args=[playlist.code, step.pk]), {"direction": "down"}
    )
    assert response.status_code == 403
    assert client.post(reverse("playlists:delete", args=[playlist.code])).status_code == 403
    assert Playlist.objects.filter(pk=playlist.pk).exists()


def test_an_editor_may_not_delete_but_the_owner_may(client, teacher):
    other = make_teacher(username="other")
    playlist = make_playlist(owner=teacher)
    playlist.editors.add(other)
    client.force_login(other)
    assert client.post(reverse("playlists:delete", args=[playlist.code])).status_code == 403
    client.force_login(teacher)
    response = client.post(reverse("playlists:delete", args=[playlist.code]))
    assert response["Location"] == reverse("playlists:list") and not Playlist.objects.exists()


def test_duplicating_a_public_playlist_gives_the_teacher_their_own_copy(client, teacher):
    original = make_playlist(
        owner=make_teacher(username="other"), visibility="public", cases=[make_case()]
    )
    client.force_login(teacher)
    response = client.post(reverse("playlists:duplicate", args=[original.code]))
    copy = Playlist.objects.exclude(pk=original.pk).get()
    assert response["Location"] == detail(copy) and copy.owner == teacher
    assert copy.items.count() == 1


def test_move_buttons_reorder_without_javascript(client, teacher):
    a, b = make_case(), make_case()
    playlist = make_playlist(owner=teacher, cases=[a, b])
    client.force_login(teacher)
    step_b = playlist.items.get(case=b)
    response = client.post(
        reverse("playlists:move", args=[playlist.code, step_b.pk]), {"direction": "up"}
    )
    assert response["Location"] == f"{detail(playlist)}#step-{step_b.pk}"
    assert positions(playlist) == [b.code, a.code]
    # The same form sent twice moves it no further than the top.
    client.post(reverse("playlists:move", args=[playlist.code, step_b.pk]), {"direction": "up"})
    assert positions(playlist) == [b.code, a.code]


def test_a_bad_move_or_order_is_a_400_with_a_message(client, teacher):
    playlist = make_playlist(owner=teacher, cases=[make_case(), make_case()])
    client.force_login(teacher)
    step = playlist.items.first()
    response = client.post(
        reverse("playlists:move", args=[playlist.code, step.pk]), {"direction": "sideways"}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("playlists:reorder", args=[playlist.code]), {"order": f"{step.pk}"}
    )
    assert response.status_code == 400 and "every step" in response.content.decode()
    response = client.post(reverse("playlists:reorder", args=[playlist.code]), {"order": "a,b"})
    assert response.status_code == 400


def test_the_order_endpoint_stores_a_dragged_order(client, teacher):
    a, b, c = make_case(), make_case(), make_case()
    playlist = make_playlist(owner=teacher, cases=[a, b, c])
    client.force_login(teacher)
    ids = {item.case_id: item.pk for item in playlist.items.all()}
    order = ",".join(str(ids[case.pk]) for case in (c, a, b))
    response = client.post(reverse("playlists:reorder", args=[playlist.code]), {"order": order})
    assert response.status_code == 204 and positions(playlist) == [c.code, a.code, b.code]


def test_removing_a_step_and_changing_its_question_and_stages(client, teacher):
    a, b = make_case(), make_case()
    playlist = make_playlist(owner=teacher, cases=[a, b])
    client.force_login(teacher)
    step_a, step_b = playlist.items.order_by("position")
    client.post(
        reverse("playlists:step", args=[playlist.code, step_b.pk]),
        {"question": "mechanism", "stages": ["history", "images"], "notes_en": "Pause here"},
    )
    step_b.refresh_from_db()
    assert (step_b.question, step_b.stages, step_b.notes) == (
        "mechanism",
        ["history", "images"],
        "Pause here",
    )
    client.post(reverse("playlists:remove", args=[playlist.code, step_a.pk]))
    assert positions(playlist) == [b.code]


def test_the_case_page_offers_a_teacher_their_playlists_and_adds_the_case(client, teacher):
    case = make_named_case()
    playlist = make_playlist(owner=teacher, title="Thursday")
    client.force_login(teacher)
    body = client.get(case.get_absolute_url()).content.decode()
    assert "Add to playlist" in body and "Thursday" in body
    assert "Zebracalcinosis" not in body and case.slug not in body
    response = client.post(
        reverse("playlists:add_case"), {"playlist": playlist.code, "case": case.code}
    )
    assert response["Location"] == detail(playlist) and positions(playlist) == [case.code]


def test_the_case_list_offers_the_form_on_each_card_to_teachers_only(client, teacher, resident):
    make_case(), make_case()
    make_playlist(owner=teacher)
    client.force_login(resident)
    assert "Add to playlist" not in client.get(reverse("cases:list")).content.decode()
    client.force_login(teacher)
    assert client.get(reverse("cases:list")).content.decode().count("Add to playlist") == 2


def test_adding_an_unknown_case_or_to_someone_elses_playlist_is_refused(client, teacher):
    case = make_case()
    theirs = make_playlist(owner=make_teacher(username="other"))
    mine = make_playlist(owner=teacher)
    client.force_login(teacher)
    assert (
        client.post(
            reverse("playlists:add_case"), {"playlist": mine.code, "case": "nope"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("playlists:add_case"), {"playlist": theirs.code, "case": case.code}
        ).status_code
        == 404
    )
    assert client.post(reverse("playlists:add_case"), {"case": case.code}).status_code == 400
    assert not mine.items.exists() and not theirs.items.exists()


def test_the_playlist_page_of_unknowns_does_not_name_the_diagnosis(client, teacher):
    case = make_named_case()
    playlist = make_playlist(owner=teacher, cases=[case], visibility="public")
    body = client.get(detail(playlist)).content.decode()
    assert case.title in body
    assert "Zebracalcinosis" not in body and case.slug not in body


def test_the_playlist_page_is_in_spanish_under_es(client, teacher):
    playlist = make_playlist(owner=teacher, cases=[make_case()])
    client.force_login(teacher)
    body = client.get("/es" + detail(playlist)[3:]).content.decode()
    assert "Subir" in body and "Move up" not in body


def test_the_new_playlist_form_asks_the_title_and_description_in_english_and_spanish(
    client, teacher
):
    client.force_login(teacher)
    body = client.get(reverse("playlists:new")).content.decode()
    for name in ("title_en", "title_es", "description_en", "description_es"):
        assert f'name="{name}"' in body
    assert "<legend>English</legend>" in body and "<legend>Spanish</legend>" in body
    # The browser checks the Spanish fields' spelling in Spanish.
    assert 'name="title_es" maxlength="150" lang="es"' in body


def test_a_playlist_saved_in_both_languages_reads_in_each_readers_language(client, teacher):
    client.force_login(teacher)
    client.post(
        reverse("playlists:new"),
        {
            "title_en": "Monday",
            "title_es": "Lunes",
            "description_en": "Four unknowns.",
            "description_es": "Cuatro casos problema.",
            "visibility": "public",
        },
    )
    playlist = Playlist.objects.get()
    english = client.get(f"/en/playlists/{playlist.code}/").content.decode()
    spanish = client.get(f"/es/playlists/{playlist.code}/").content.decode()
    assert "<h1>Monday</h1>" in english and "Four unknowns." in english
    assert "<h1>Lunes</h1>" in spanish and "Cuatro casos problema." in spanish
    assert "Monday" not in spanish
    assert "Lunes" in client.get("/es/playlists/").content.decode()


def test_a_title_in_spanish_only_is_kept_and_english_readers_see_it(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("playlists:new"), {"title_en": "", "title_es": "Lunes", "visibility": "public"}
    )
    playlist = Playlist.objects.get()
    assert response.status_code == 302 and (playlist.title_en, playlist.title_es) == ("", "Lunes")
    assert "<h1>Lunes</h1>" in client.get(f"/en/playlists/{playlist.code}/").content.decode()


def test_a_playlist_without_a_title_in_any_language_says_so_on_the_form(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("playlists:new"), {"title_en": " ", "title_es": "", "visibility": "private"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and not Playlist.objects.exists()
    assert "Give the playlist a title, in at least one language." in body


def test_a_spanish_title_too_long_is_refused_on_the_form_with_what_was_typed(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("playlists:new"),
        {"title_en": "Monday", "title_es": "L" * 151, "visibility": "private"},
    )
    body = response.content.decode()
    assert response.status_code == 400 and not Playlist.objects.exists()
    assert "at most 150 characters" in body and 'value="Monday"' in body


def test_the_edit_form_shows_both_languages_and_saves_a_change_to_one(client, teacher):
    playlist = make_playlist(owner=teacher)
    Playlist.objects.filter(pk=playlist.pk).update(title_es="Lunes", description_es="Cuatro.")
    client.force_login(teacher)
    body = client.get(reverse("playlists:edit", args=[playlist.code])).content.decode()
    assert 'value="Monday conference"' in body and 'value="Lunes"' in body and "Cuatro." in body
    response = client.post(
        reverse("playlists:edit", args=[playlist.code]),
        {
            "title_en": "Monday conference",
            "title_es": "Sesión del lunes",
            "description_es": "Cuatro.",
            "visibility": "private",
        },
    )
    playlist.refresh_from_db()
    assert response.status_code == 302
    assert (playlist.title_en, playlist.title_es, playlist.description_es) == (
        "Monday conference",
        "Sesión del lunes",
        "Cuatro.",
    )


def test_a_slide_is_added_and_its_settings_changed_in_both_languages(client, teacher):
    playlist = make_playlist(owner=teacher, visibility="public")
    client.force_login(teacher)
    client.post(
        reverse("playlists:add_slide", args=[playlist.code]),
        {"title_en": "Break", "title_es": "Pausa", "text_en": "Tea", "text_es": "Té"},
    )
    slide = playlist.items.get()
    assert (slide.title_en, slide.title_es, slide.text_es) == ("Break", "Pausa", "Té")
    body = client.get(f"/es/playlists/{playlist.code}/").content.decode()
    assert 'class="step__title">Pausa</strong>' in body
    assert f'id="step-{slide.pk}-title_es"' in body
    client.post(
        reverse("playlists:step", args=[playlist.code, slide.pk]),
        {
            "question": "none",
            "title_en": "Coffee",
            "title_es": "Café",
            "text_en": "",
            "text_es": "",
            "notes_en": "Ten minutes",
            "notes_es": "Diez minutos",
        },
    )
    slide.refresh_from_db()
    assert (slide.title_en, slide.title_es, slide.notes_es) == ("Coffee", "Café", "Diez minutos")


def test_a_slide_without_a_title_or_with_one_too_long_is_a_400_that_says_why(client, teacher):
    playlist = make_playlist(owner=teacher)
    client.force_login(teacher)
    url = reverse("playlists:add_slide", args=[playlist.code])
    response = client.post(url, {"title_en": "", "title_es": " ", "text_es": "Té"})
    assert response.status_code == 400 and "A title slide needs a title." in response.text
    response = client.post(url, {"title_en": "Break", "title_es": "P" * 151})
    assert response.status_code == 400 and "Slide title (Spanish)" in response.text
    slide = playlist.items.create(position=1, title_en="Break")
    response = client.post(
        reverse("playlists:step", args=[playlist.code, slide.pk]),
        {"question": "none", "title_en": "", "title_es": ""},
    )
    assert response.status_code == 400 and "A title slide needs a title." in response.text
    assert not playlist.items.exclude(pk=slide.pk).exists()
    slide.refresh_from_db()
    assert slide.title_en == "Break"


def test_the_playlists_are_listed_by_the_title_each_reader_sees(client, teacher):
    for english, spanish in (("Alpha", "Zeta"), ("Beta", "Alfa"), ("Gamma", "")):
        playlist = make_playlist(owner=teacher, title=english, visibility="public")
        Playlist.objects.filter(pk=playlist.pk).update(title_es=spanish)
    english = client.get("/en/playlists/").content.decode()
    spanish = client.get("/es/playlists/").content.decode()
    assert english.index("Alpha") < english.index("Beta") < english.index("Gamma")
    # Gamma has no Spanish title: it is listed, and sorted, by its English one.
    assert spanish.index("Alfa") < spanish.index("Gamma") < spanish.index("Zeta")


def test_the_demo_playlist_reads_in_spanish_on_spanish_pages_and_in_english_on_english_ones(
    client,
):
    data = json.loads(
        (Path(settings.BASE_DIR) / "fixtures" / "calcifications" / "playlists.json").read_text()
    )
    for step in data["playlists"][0]["steps"]:
        if "case" in step:
            make_case(slug=step["case"])
    playlists_load(data=data)
    playlist = Playlist.objects.get()
    listing = client.get("/es/playlists/").content.decode()
    spanish = client.get(f"/es/playlists/{playlist.code}/").content.decode()
    english = client.get(f"/en/playlists/{playlist.code}/").content.decode()
    assert "Calcificaciones de partes blandas: los ocho casos del póster" in listing
    assert "<h1>Calcificaciones de partes blandas: los ocho casos del póster</h1>" in spanish
    assert "Osificación y calcificación distrófica" in spanish
    assert "Ocho casos problema." in spanish and "Eight unknowns" not in spanish
    assert "<h1>Soft-tissue calcifications: the poster&#x27;s eight cases</h1>" in english
    assert "Ossification and dystrophic calcification" in english and "póster" not in english
